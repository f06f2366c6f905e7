"""Plain values by property name to Notion property values, checked against the schema."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any
from urllib.parse import unquote, urlparse

from integrations.notion.limits import (
    MAX_EMAIL,
    MAX_MULTI_SELECT,
    MAX_PEOPLE,
    MAX_PHONE,
    MAX_RELATION,
    MAX_URL,
    NotionLimitError,
    split_rich_text,
    utf16_len,
)
from integrations.notion.markdown import plain_to_rich_text
from integrations.tools.errors import ToolInputError
from integrations.tools.inputs import normalize_notion_id

# https://developers.notion.com/reference/property-value-object: computed by Notion, never set.
READ_ONLY_TYPES = frozenset(
    {
        "formula",
        "rollup",
        "created_time",
        "created_by",
        "last_edited_time",
        "last_edited_by",
        "unique_id",
        "button",
    }
)
OPTION_TYPES = frozenset({"select", "multi_select", "status"})
_TRUE = {"true", "yes", "y", "1", "on", "checked", "x"}
_FALSE = {"false", "no", "n", "0", "off", "unchecked", ""}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
MAX_FILE_NAME = 100

UserLookup = Callable[[str], "str | None"]


def property_find(schema_properties: dict, name: str) -> dict:
    """The schema property called `name` (exact, then case-insensitive, then by property id);
    an error listing the valid names otherwise."""
    if name in schema_properties:
        return {**schema_properties[name], "name": name}
    folded = [key for key in schema_properties if key.casefold() == str(name).casefold()]
    if len(folded) == 1:
        return {**schema_properties[folded[0]], "name": folded[0]}
    by_id = [key for key, prop in schema_properties.items() if prop.get("id") == unquote(name)]
    if len(by_id) == 1:
        return {**schema_properties[by_id[0]], "name": by_id[0]}
    raise ToolInputError(
        f"There is no property “{name}”. Valid properties: {_names(schema_properties)}.",
        field=f"properties.{name}",
        hint="Use the exact names that notion_get_database lists.",
    )


def property_options(prop: dict) -> list[str]:
    """Option names of a select, multi_select or status property."""
    config = prop.get(prop.get("type", ""), {}) or {}
    return [option.get("name", "") for option in config.get("options", []) or []]


def properties_to_notion(
    schema_properties: dict, values: dict, *, user_lookup: UserLookup | None = None
) -> dict:
    """Notion property values for `values` ({property name: plain value}), checked against the
    data source schema: unknown names or options and values over Notion's limits are refused
    before anything is written. `user_lookup` turns a person's name or email into a user id;
    without it people are given by id."""
    if not isinstance(values, dict):
        raise ToolInputError("properties must be an object of {property name: value}.")
    out: dict[str, Any] = {}
    for raw_name, value in values.items():
        prop = property_find(schema_properties, str(raw_name))
        if prop["name"] in out:
            raise ToolInputError(
                f"The property “{prop['name']}” is given twice.", field=f"properties.{raw_name}"
            )
        out[prop["name"]] = property_value(prop, value, user_lookup=user_lookup)
    return out


def property_value(prop: dict, value: Any, *, user_lookup: UserLookup | None = None) -> Any:
    """One plain value as Notion's property value for `prop` (a schema property with a name)."""
    kind = prop.get("type", "")
    name = prop["name"]
    field = f"properties.{name}"
    if kind in READ_ONLY_TYPES:
        raise ToolInputError(
            f"“{name}” is a {kind} property: Notion computes it, it can't be set.", field=field
        )
    value = _unwrap(kind, value)
    converter = _CONVERTERS.get(kind)
    if converter is None:
        raise ToolInputError(
            f"“{name}” is a {kind or 'unknown'} property, which these tools can't set.",
            field=field,
        )
    try:
        return converter(prop, value, field, user_lookup)
    except NotionLimitError as exc:
        raise ToolInputError(f"“{name}”: {exc}", field=field) from None


def _unwrap(kind: str, value: Any) -> Any:
    # Tolerate Notion's own shape ({"select": {"name": "Done"}}) where a plain value is expected.
    if isinstance(value, dict) and set(value) - {"id", "type"} == {kind}:
        return value[kind]
    return value


def _names(schema_properties: dict) -> str:
    return ", ".join(f"{key} ({prop.get('type')})" for key, prop in schema_properties.items())


def _text(prop: dict, value: Any, field: str, _lookup) -> list[dict]:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        items = value  # already rich text
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        items = plain_to_rich_text(str(value))
    else:
        raise ToolInputError(f"“{prop['name']}” takes text, got {_show(value)}.", field=field)
    # Long text becomes several text items of at most 2,000 characters (Notion's per-item limit).
    return split_rich_text(items, field=field)


def _number(prop: dict, value: Any, field: str, _lookup) -> int | float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ToolInputError(f"“{prop['name']}” takes a number, got {_show(value)}.", field=field)
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            number = float(value.replace(",", "").strip())
        except ValueError:
            pass
        else:
            return int(number) if number.is_integer() and "." not in value else number
    raise ToolInputError(f"“{prop['name']}” takes a number, got {_show(value)}.", field=field)


def _option_name(prop: dict, value: Any, field: str) -> str:
    if isinstance(value, dict):
        value = value.get("name", value.get("id"))
    if not isinstance(value, str) or not value.strip():
        raise ToolInputError(
            f"“{prop['name']}” takes an option name, got {_show(value)}.", field=field
        )
    value = value.strip()
    config = prop.get(prop["type"], {}) or {}
    options = config.get("options", []) or []
    for option in options:
        if value in (option.get("name"), option.get("id")):
            return option["name"]
    folded = [o["name"] for o in options if o.get("name", "").casefold() == value.casefold()]
    if len(folded) == 1:
        return folded[0]
    valid = ", ".join(f"“{n}”" for n in property_options(prop)) or "none yet"
    raise ToolInputError(
        f"“{value}” is not an option of “{prop['name']}”. Valid options: {valid}.",
        field=field,
        hint="Use one of the listed options, or add it first with notion_update_database.",
    )


def _select(prop: dict, value: Any, field: str, _lookup) -> dict | None:
    if value is None or value == "":
        return None
    return {"name": _option_name(prop, value, field)}


def _multi_select(prop: dict, value: Any, field: str, _lookup) -> list[dict]:
    items = _as_list(value, split_commas=True)  # Notion forbids commas in option names
    names = list(dict.fromkeys(_option_name(prop, item, field) for item in items))
    _check_count(names, MAX_MULTI_SELECT, "MAX_MULTI_SELECT", field)
    return [{"name": name} for name in names]


def _date(prop: dict, value: Any, field: str, _lookup) -> dict | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        value = value.isoformat()
    if isinstance(value, str):
        value = {"start": value}
    if not isinstance(value, dict) or not value.get("start"):
        raise ToolInputError(
            f'“{prop["name"]}” takes a date like "2026-01-31" or '
            f'{{"start": ..., "end": ..., "time_zone": ...}}, got {_show(value)}.',
            field=field,
        )
    unknown = set(value) - {"start", "end", "time_zone"}
    if unknown:
        raise ToolInputError(
            f"“{prop['name']}”: a date has only start, end and time_zone, not "
            f"{', '.join(sorted(unknown))}.",
            field=field,
        )
    result = {"start": _iso(prop, value["start"], field)}
    if value.get("end"):
        result["end"] = _iso(prop, value["end"], field)
    if value.get("time_zone"):
        result["time_zone"] = str(value["time_zone"])
    return result


def _iso(prop: dict, text: Any, field: str) -> str:
    try:
        datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise ToolInputError(
            f"“{prop['name']}”: {_show(text)} is not an ISO 8601 date (2026-01-31 or "
            "2026-01-31T14:00:00+02:00).",
            field=field,
        ) from None
    return str(text).strip()


def _checkbox(prop: dict, value: Any, field: str, _lookup) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ToolInputError(f"“{prop['name']}” takes true or false, got {_show(value)}.", field=field)


def _short_string(limit: int, limit_name: str) -> Callable:
    def convert(prop: dict, value: Any, field: str, _lookup) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ToolInputError(
                f"“{prop['name']}” takes a string, got {_show(value)}.", field=field
            )
        text = str(value).strip()
        if prop["type"] == "email" and not _EMAIL.match(text):
            raise ToolInputError(f"“{prop['name']}”: {text!r} is not an email.", field=field)
        if utf16_len(text) > limit:
            raise ToolInputError(
                f"“{prop['name']}” is {utf16_len(text)} characters long; Notion allows at most "
                f"{limit} ({limit_name}).",
                field=field,
            )
        return text

    return convert


def _ids(prop: dict, value: Any, field: str, what: str) -> list[str]:
    ids = []
    for item in _as_list(value):
        raw = item.get("id") if isinstance(item, dict) else item
        try:
            ids.append(normalize_notion_id(raw))
        except ValueError:
            raise ToolInputError(
                f"“{prop['name']}” takes {what} ids (or Notion URLs), got {_show(item)}.",
                field=field,
            ) from None
    return list(dict.fromkeys(ids))


def _relation(prop: dict, value: Any, field: str, _lookup) -> list[dict]:
    ids = _ids(prop, value, field, "page")
    _check_count(ids, MAX_RELATION, "MAX_RELATION", field)
    return [{"id": page_id} for page_id in ids]


def _people(prop: dict, value: Any, field: str, lookup: UserLookup | None) -> list[dict]:
    ids = []
    for item in _as_list(value):
        raw = _person_key(item)
        try:
            ids.append(normalize_notion_id(raw))
            continue
        except ValueError:
            pass
        found = lookup(str(raw)) if lookup is not None and raw else None
        if found is None:
            raise ToolInputError(
                f"“{prop['name']}”: no user matches {_show(raw)}. Give user ids (notion_list_users "
                "lists them)" + (", names or emails." if lookup else "."),
                field=field,
            )
        ids.append(found)
    ids = list(dict.fromkeys(ids))
    _check_count(ids, MAX_PEOPLE, "MAX_PEOPLE", field)
    return [{"object": "user", "id": user_id} for user_id in ids]


def _files(prop: dict, value: Any, field: str, _lookup) -> list[dict]:
    files = []
    for item in _as_list(value):
        url, name = _file_key(item)
        if not isinstance(url, str) or urlparse(url).scheme not in ("http", "https"):
            raise ToolInputError(
                f"“{prop['name']}” takes file URLs (http or https), got {_show(item)}.",
                field=field,
            )
        if utf16_len(url) > MAX_URL:
            raise ToolInputError(
                f"“{prop['name']}”: a file URL is over {MAX_URL} characters.", field=field
            )
        name = name or unquote(urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]) or url
        files.append({"name": name[:MAX_FILE_NAME], "type": "external", "external": {"url": url}})
    return files


def _person_key(item: Any) -> Any:
    if isinstance(item, dict):
        return (
            item.get("id")
            or (item.get("person") or {}).get("email")
            or item.get("email")
            or item.get("name")
        )
    return item


def _file_key(item: Any) -> tuple[Any, str | None]:
    if isinstance(item, dict):
        return item.get("url") or (item.get("external") or {}).get("url"), item.get("name")
    return item, None


_CONVERTERS: dict[str, Callable] = {
    "title": _text,
    "rich_text": _text,
    "number": _number,
    "select": _select,
    "status": _select,
    "multi_select": _multi_select,
    "date": _date,
    "checkbox": _checkbox,
    "url": _short_string(MAX_URL, "MAX_URL"),
    "email": _short_string(MAX_EMAIL, "MAX_EMAIL"),
    "phone_number": _short_string(MAX_PHONE, "MAX_PHONE"),
    "relation": _relation,
    "people": _people,
    "files": _files,
}


def _as_list(value: Any, *, split_commas: bool = False) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        parts = value.split(",") if split_commas else [value]
        return [part.strip() for part in parts if part.strip()]
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _check_count(items: list, limit: int, limit_name: str, field: str) -> None:
    if len(items) > limit:
        raise NotionLimitError(limit_name, field, actual=len(items))


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


def user_lookup_from(users: Iterable[dict]) -> UserLookup:
    """A lookup of user ids by email or name (case-insensitive) over a list of Notion users."""
    by_key: dict[str, list[str]] = {}
    for user in users:
        email = (user.get("person") or {}).get("email")
        for key in (email, user.get("name")):
            if key:
                by_key.setdefault(key.casefold(), []).append(user["id"])

    def lookup(text: str) -> str | None:
        found = list(dict.fromkeys(by_key.get(text.strip().casefold(), [])))
        return found[0] if len(found) == 1 else None

    return lookup
