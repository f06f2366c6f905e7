"""Notion page property values as plain values an assistant can read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from integrations.notion.markdown import rich_text_to_plain


def page_properties_plain(page: dict) -> dict:
    """A page's properties as {name: plain value}: text as strings, options as names, dates as
    ISO strings (a {start, end} object for ranges), people as {id, name}, relations as ids."""
    return {
        name: property_plain(value)
        for name, value in (page.get("properties") or {}).items()
        if isinstance(value, dict)
    }


def property_plain(value: dict) -> Any:
    """One property value object (as Notion returns it) as a plain value."""
    kind = value.get("type", "")
    data = value.get(kind)
    reader = _READERS.get(kind)
    if reader is not None:
        return reader(data)
    return data


def _date_plain(data: dict | None) -> Any:
    if not data:
        return None
    if not data.get("end") and not data.get("time_zone"):
        return data.get("start")
    return {k: data[k] for k in ("start", "end", "time_zone") if data.get(k)}


def _user_plain(user: dict | None) -> Any:
    if not user:
        return None
    plain = {"id": user.get("id")}
    if user.get("name"):
        plain["name"] = user["name"]
    return plain


def _formula_plain(data: dict | None) -> Any:
    if not data:
        return None
    inner = data.get(data.get("type", ""))
    return _date_plain(inner) if data.get("type") == "date" else inner


def _rollup_plain(data: dict | None) -> Any:
    if not data:
        return None
    kind = data.get("type")
    if kind == "array":
        return [property_plain(item) for item in data.get("array") or []]
    if kind == "date":
        return _date_plain(data.get("date"))
    return data.get(kind)


def _unique_id_plain(data: dict | None) -> Any:
    if not data or data.get("number") is None:
        return None
    return f"{data['prefix']}-{data['number']}" if data.get("prefix") else data["number"]


def _file_url(item: dict) -> str | None:
    return (item.get(item.get("type", "")) or {}).get("url") or item.get("name")


_READERS: dict[str, Callable[[Any], Any]] = {
    "title": rich_text_to_plain,
    "rich_text": rich_text_to_plain,
    "select": lambda data: (data or {}).get("name"),
    "status": lambda data: (data or {}).get("name"),
    "multi_select": lambda data: [option.get("name") for option in data or []],
    "date": _date_plain,
    "people": lambda data: [_user_plain(user) for user in data or []],
    "created_by": _user_plain,
    "last_edited_by": _user_plain,
    "relation": lambda data: [item.get("id") for item in data or []],
    "files": lambda data: [_file_url(item) for item in data or []],
    "formula": _formula_plain,
    "rollup": _rollup_plain,
    "unique_id": _unique_id_plain,
    "verification": lambda data: (data or {}).get("state"),
    "button": lambda data: None,
}
