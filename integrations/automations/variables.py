"""Automation {variables}: {event.page_id}, {event.page.title}, {now:%Y-%m-%d}, {today+7d}, …

Arguments are filled in when a run is queued. A string that is exactly one variable takes the
variable's value as is; `{{` and `}}` are literal braces, as in Python's str.format.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from integrations.notion.markdown import rich_text_to_plain
from integrations.tools.properties.plain import page_properties_plain
from integrations.tools.templates.variables import strings_in

from .schedule import zone

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_EXPRESSION = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*(?:\.[^:+\-{}][^:{}]*?)?)"
    r"(?:(?P<sign>[+-])(?P<amount>\d{1,5})(?P<unit>[mhdw]))?"
    r"(?::(?P<format>.+))?$"
)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
TIME_NAMES = ("now", "today")
EVENT_NAMES = (
    "event.id",
    "event.type",
    "event.timestamp",
    "event.entity_id",
    "event.entity_type",
    "event.page_id",
    "event.parent_id",
    "event.database_id",
    "event.data_source_id",
    "event.comment_id",
    "event.page.title",
    "event.page.url",
)
EVENT_PAGE_PROPERTY = "event.page.properties."
OTHER_NAMES = ("automation.name", "run.scheduled_for")
SAMPLE_ID = "00000000-0000-4000-8000-000000000000"


class VariableError(ValueError):
    """A variable that doesn't exist, or can't be used with this trigger."""


@dataclass
class RunContext:
    """What variables are filled from for one run."""

    now: datetime
    timezone: str = "UTC"
    automation_name: str = ""
    scheduled_for: datetime | None = None
    event: dict | None = None
    # Loads the event's page from Notion, once, when a {event.page.*} variable needs it.
    page_loader: Callable[[str], dict] | None = None
    # What {event.page.properties.<Name>} gives for a property the page lacks (sample renders
    # at save time, before any page is known); None: that is an error.
    missing_property: Any = None
    _page: dict | None = field(default=None, repr=False)

    def page(self) -> dict:
        if self._page is None:
            page_id = event_page_id(self.event or {})
            if not page_id or self.page_loader is None:
                raise VariableError("This event is not about a page; {event.page.*} is empty.")
            self._page = self.page_loader(page_id)
        return self._page


def event_page_id(event: dict) -> str:
    entity = event.get("entity") or {}
    if entity.get("type") == "page":
        return entity.get("id") or ""
    return (event.get("data") or {}).get("page_id") or ""


def _event_value(name: str, ctx: RunContext) -> Any:
    event = ctx.event
    if event is None:
        raise VariableError(f"{{{name}}} needs a Notion event; this run has none.")
    entity = event.get("entity") or {}
    parent = (event.get("data") or {}).get("parent") or {}
    simple = {
        "event.id": event.get("id"),
        "event.type": event.get("type"),
        "event.timestamp": event.get("timestamp"),
        "event.entity_id": entity.get("id"),
        "event.entity_type": entity.get("type"),
        "event.page_id": event_page_id(event),
        "event.parent_id": parent.get("id"),
        "event.database_id": parent.get("id") if parent.get("type") == "database" else None,
        "event.data_source_id": parent.get("data_source_id")
        or (parent.get("id") if parent.get("type") == "data_source" else None)
        or (entity.get("id") if entity.get("type") == "data_source" else None),
        "event.comment_id": entity.get("id") if entity.get("type") == "comment" else None,
    }
    if name in simple:
        return simple[name] or ""
    page = ctx.page()
    if name == "event.page.url":
        return page.get("url") or ""
    if name == "event.page.title":
        return page_title(page)
    wanted = name.removeprefix(EVENT_PAGE_PROPERTY).strip()
    values = page_properties_plain(page)
    for key, value in values.items():
        if key.casefold() == wanted.casefold():
            return value
    if ctx.missing_property is not None:
        return ctx.missing_property
    raise VariableError(f"The page has no property “{wanted}”.")


def page_title(page: dict) -> str:
    for value in (page.get("properties") or {}).values():
        if isinstance(value, dict) and value.get("type") == "title":
            return rich_text_to_plain(value.get("title") or [])
    return ""


def _time_value(match: re.Match, ctx: RunContext) -> str:
    moment = ctx.now.astimezone(zone(ctx.timezone))
    if match["amount"]:
        delta = timedelta(**{_UNITS[match["unit"]]: int(match["amount"])})
        moment = moment + delta if match["sign"] == "+" else moment - delta
    if match["format"]:
        return moment.strftime(match["format"])
    if match["name"] == "today":
        return moment.date().isoformat()
    return moment.isoformat(timespec="minutes")


def _check_name(name: str, *, has_event: bool) -> None:
    if name in TIME_NAMES or name in OTHER_NAMES:
        return
    if name in EVENT_NAMES or name.startswith(EVENT_PAGE_PROPERTY):
        if not has_event:
            raise VariableError(
                f"{{{name}}} is filled from the Notion event, and this automation runs on a "
                "schedule; use {now}, {today}, {run.scheduled_for} or {automation.name}."
            )
        return
    known = ", ".join(f"{{{n}}}" for n in (*TIME_NAMES, *EVENT_NAMES, *OTHER_NAMES))
    raise VariableError(
        f"Unknown variable {{{name}}}. Known: {known}, {{event.page.properties.<Name>}}; "
        "write {{ and }} for literal braces."
    )


def _value(expression: str, ctx: RunContext) -> Any:
    match = _EXPRESSION.match(expression.strip())
    if match is None:
        raise VariableError(
            f"“{{{expression}}}” is not a variable; write {{{{ and }}}} for literal braces."
        )
    name = match["name"]
    _check_name(name, has_event=ctx.event is not None)
    if name in TIME_NAMES:
        return _time_value(match, ctx)
    if match["amount"] or match["format"]:
        raise VariableError(f"Only {{now}} and {{today}} take +N / :format; not {{{name}}}.")
    if name == "automation.name":
        return ctx.automation_name
    if name == "run.scheduled_for":
        moment = ctx.scheduled_for or ctx.now
        return moment.astimezone(zone(ctx.timezone)).isoformat(timespec="minutes")
    return _event_value(name, ctx)


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return str(value.get("name") or value.get("start") or value.get("id") or "")
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def render_string(text: str, ctx: RunContext) -> Any:
    whole = _TOKEN.fullmatch(text)
    if whole and whole.group(1) is not None:
        return _value(whole.group(1), ctx)

    def replace(match: re.Match) -> str:
        if match.group(1) is None:
            return match.group(0)[0]
        return _text(_value(match.group(1), ctx))

    return _TOKEN.sub(replace, text)


def render_arguments(value: Any, ctx: RunContext) -> Any:
    """The arguments with every variable filled in (dict keys are left as they are)."""
    if isinstance(value, str):
        return render_string(value, ctx)
    if isinstance(value, list):
        return [render_arguments(item, ctx) for item in value]
    if isinstance(value, dict):
        return {key: render_arguments(item, ctx) for key, item in value.items()}
    return value


def sample_context(*, has_event: bool, timezone: str = "UTC") -> RunContext:
    """A context with plausible values, to check an automation's arguments when it is saved."""
    event = None
    if has_event:
        event = {
            "id": SAMPLE_ID,
            "type": "page.properties_updated",
            "timestamp": datetime.now(UTC).isoformat(),
            "entity": {"id": SAMPLE_ID, "type": "page"},
            "data": {
                "page_id": SAMPLE_ID,
                "parent": {"id": SAMPLE_ID, "type": "database", "data_source_id": SAMPLE_ID},
            },
        }
    sample_page = {"id": SAMPLE_ID, "url": "https://www.notion.so/sample", "properties": {}}
    return RunContext(
        now=datetime.now(UTC),
        timezone=timezone,
        automation_name="sample",
        event=event,
        page_loader=lambda page_id: sample_page,
        missing_property="sample",
    )


def render_sample(arguments: Any, *, has_event: bool, timezone: str = "UTC") -> Any:
    """Renders with sample values; page properties render as "sample" rather than failing,
    since the page is only known when the event arrives."""
    return render_arguments(arguments, sample_context(has_event=has_event, timezone=timezone))


def uses_event(arguments: Any) -> bool:
    """Whether any string in the arguments uses an {event.*} variable (literal {{…}} aside)."""
    return any(
        (match.group(1) or "").strip().startswith("event.")
        for text in strings_in(arguments)
        for match in _TOKEN.finditer(text)
    )
