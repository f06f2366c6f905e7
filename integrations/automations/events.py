"""Notion webhook events: verifying deliveries, and which automations an event concerns.

Reference: https://developers.notion.com/reference/webhooks and /reference/webhooks-events-delivery
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from integrations.tools.properties.plain import property_plain

SIGNATURE_HEADER = "X-Notion-Signature"
# The event types Notion sends (2025-09-03); automations may listen to any of them.
EVENT_TYPES = (
    "page.created",
    "page.properties_updated",
    "page.content_updated",
    "page.moved",
    "page.deleted",
    "page.undeleted",
    "page.locked",
    "page.unlocked",
    "database.created",
    "database.content_updated",
    "database.moved",
    "database.deleted",
    "database.undeleted",
    "database.schema_updated",
    "data_source.created",
    "data_source.content_updated",
    "data_source.moved",
    "data_source.deleted",
    "data_source.undeleted",
    "data_source.schema_updated",
    "comment.created",
    "comment.updated",
    "comment.deleted",
)
# Events after which the page can be read to check a property condition.
PAGE_STATE_EVENTS = ("page.created", "page.properties_updated", "page.undeleted", "page.moved")


def signature_for(token: str, body: bytes) -> str:
    return "sha256=" + hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(token: str, body: bytes, header: str | None) -> bool:
    """HMAC-SHA256 of the raw body keyed with the verification token, compared in constant
    time (hmac.compare_digest), as Notion documents."""
    if not token or not header:
        return False
    return hmac.compare_digest(signature_for(token, body).encode(), header.strip().encode())


def normalize_id(value: Any) -> str:
    return str(value or "").replace("-", "").strip().lower()


def parse_timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def event_ids(event: dict) -> set[str]:
    """Ids an automation's scope can name for this event: the entity, its parent (database,
    data source or page) and, for comments, the page."""
    data = event.get("data") or {}
    parent = data.get("parent") or {}
    ids = {
        (event.get("entity") or {}).get("id"),
        parent.get("id"),
        parent.get("data_source_id"),
        data.get("page_id"),
    }
    return {normalize_id(i) for i in ids if i}


def caused_by(event: dict, bot_id: str) -> bool:
    """True when every author of the change is this integration itself."""
    authors = event.get("authors") or []
    return (
        bool(authors)
        and bool(bot_id)
        and all(normalize_id(a.get("id")) == normalize_id(bot_id) for a in authors)
    )


def skip_reason(automation, event: dict, *, bot_id: str) -> str:
    """Why `automation` does not react to `event`, or "" when it does (before any condition
    that needs Notion's current state)."""
    if event.get("type") not in (automation.event_types or []):
        return "another event type"
    if automation.scope_id and normalize_id(automation.scope_id) not in event_ids(event):
        return "outside the automation's database or page"
    if not automation.include_own_changes and caused_by(event, bot_id):
        return "made by this connection's own integration"
    if automation.property_name and event.get("type") == "page.properties_updated":
        updated = (event.get("data") or {}).get("updated_properties")
        if updated == []:
            return "no property changed"
    return ""


def updated_property_ids(event: dict) -> set[str] | None:
    """Ids of the properties a page.properties_updated event names (None when it names none).
    Notion sends them URL-encoded, as in page property ids."""
    updated = (event.get("data") or {}).get("updated_properties")
    if not isinstance(updated, list):
        return None
    ids = set()
    for item in updated:
        raw = item.get("id") if isinstance(item, dict) else item
        if raw:
            ids.add(unquote(str(raw)))
    return ids


def property_touched(event: dict, prop: dict | None) -> bool:
    """Whether the event changed this property: every event but properties_updated counts as
    touching it, and so does one that names no properties. Ids are compared decoded, since
    Notion URL-encodes them ("%3AUPp")."""
    if event.get("type") != "page.properties_updated":
        return True
    updated = updated_property_ids(event)
    if updated is None:
        return True
    return prop is not None and unquote(str(prop.get("id") or "")) in updated


def find_property(page: dict, name: str) -> dict | None:
    for key, value in (page.get("properties") or {}).items():
        if key.casefold() == name.strip().casefold() and isinstance(value, dict):
            return value
    return None


def value_matches(value: Any, wanted: str) -> bool:
    """A property's plain value against the text an admin typed: options by name, text as text,
    checkboxes as true/false, numbers as numbers, people by name; lists match if any item
    does. Case and surrounding spaces are ignored."""
    target = wanted.strip().casefold()
    if isinstance(value, list):
        return any(value_matches(item, wanted) for item in value)
    if isinstance(value, bool):
        return target == ("true" if value else "false") or (
            target in ("yes", "checked", "1") and value
        )
    if isinstance(value, dict):
        return any(value_matches(v, wanted) for k, v in value.items() if k in ("name", "start"))
    if isinstance(value, int | float):
        try:
            return float(target) == float(value)
        except ValueError:
            return False
    return ("" if value is None else str(value)).strip().casefold() == target


def condition_state(automation, page: dict) -> tuple[bool, str]:
    """(matched, description) of the automation's property condition on the page as it is
    now in Notion."""
    prop = find_property(page, automation.property_name)
    if prop is None:
        return False, f"the page has no property “{automation.property_name}”"
    value = property_plain(prop)
    if not automation.property_value:
        return True, f"{automation.property_name} changed"
    matched = value_matches(value, automation.property_value)
    return matched, f"{automation.property_name} = {value!r}"
