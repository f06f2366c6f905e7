"""What the page tools share: titles, parents, icons and properties by name."""

from __future__ import annotations

from typing import Any

from integrations.notion.client import CLEAR
from integrations.notion.markdown import rich_text_to_plain
from integrations.tools.base import ToolContext
from integrations.tools.properties import (
    properties_to_notion,
    user_lookup_from,
)


def page_title(page: dict) -> str:
    """The plain text of a page's title property, whatever the property is called."""
    for value in (page.get("properties") or {}).values():
        if isinstance(value, dict) and value.get("type") == "title":
            return rich_text_to_plain(value.get("title"))
    return ""


def title_property_name(page: dict) -> str:
    for name, value in (page.get("properties") or {}).items():
        if isinstance(value, dict) and value.get("type") == "title":
            return name
    return "title"


def parent_summary(parent: dict | None) -> dict:
    """A page's parent as {type, id}: page, database (with its data source) or workspace."""
    parent = parent or {}
    kind = parent.get("type", "")
    if kind == "data_source_id":
        return {
            "type": "database",
            "id": parent.get("database_id"),
            "data_source_id": parent.get("data_source_id"),
        }
    if kind == "database_id":
        return {"type": "database", "id": parent.get("database_id")}
    if kind in ("page_id", "block_id"):
        return {"type": kind.removesuffix("_id"), "id": parent.get(kind)}
    return {"type": kind or "workspace"}


def page_result(page: dict, **extra: Any) -> dict:
    return {
        "id": page["id"],
        "url": page.get("url"),
        "title": page_title(page),
        "parent": parent_summary(page.get("parent")),
        **extra,
    }


def icon_value(value: str | None) -> Any:
    if value is None:
        return None
    if value == "":
        return CLEAR
    if value.startswith(("http://", "https://")):
        return {"type": "external", "external": {"url": value}}
    return {"type": "emoji", "emoji": value}


def cover_value(value: str | None) -> Any:
    if value is None:
        return None
    return CLEAR if value == "" else {"type": "external", "external": {"url": value}}


def check_icon(value: str | None) -> str | None:
    if value and not value.startswith(("http://", "https://")) and len(value) > 8:
        raise ValueError("icon must be one emoji (e.g. 📝) or an https:// image URL")
    return value


def check_cover(value: str | None) -> str | None:
    if value and not value.startswith(("http://", "https://")):
        raise ValueError("cover must be an https:// image URL (or empty to remove it)")
    return value


def _people_lookup(ctx: ToolContext, schema: dict, values: dict):
    """A name/email → user id lookup, read only when a people property is being set."""
    names = {name.casefold() for name, prop in schema.items() if prop.get("type") == "people"}
    if not any(str(key).casefold() in names for key in values):
        return None
    return user_lookup_from(ctx.client.paginate("users_list"))


def properties_for(ctx: ToolContext, schema: dict, values: dict) -> dict:
    converted = properties_to_notion(
        schema, values, user_lookup=_people_lookup(ctx, schema, values)
    )
    wrapped = {}
    for name, value in converted.items():
        kind = schema[name]["type"]
        already = isinstance(value, dict) and kind in value
        wrapped[name] = value if already else {kind: value}
    return wrapped


def schema_title_name(schema: dict) -> str:
    return next((name for name, prop in schema.items() if prop.get("type") == "title"), "Name")
