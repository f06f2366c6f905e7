"""Page property values: validate request values against a schema and render stored ones."""

from __future__ import annotations

from .errors import body_validation, validation
from .richtext import rich_text_normalize
from .schema import READ_ONLY_TYPES, option_make
from .util import dump, parse_id, parse_time

MAX_REFERENCES = 100
MAX_SHORT = 200
MAX_URL = 2000
PAGE_REFERENCE_CAP = 25


def _expect(condition: bool, path: str, expected: str, value: object) -> None:
    if not condition:
        raise body_validation(f"{path} should be {expected}, instead was `{dump(value)}`.")


def _unwrap(prop: dict, raw: object, path: str) -> object:
    """Accept {"<type>": value} (canonical) or the bare value (title arrays, as Notion allows)."""
    kind = prop["type"]
    if isinstance(raw, dict) and kind in raw:
        return raw[kind]
    if isinstance(raw, dict) and kind not in ("select", "status", "date") and raw:
        other = raw.get("type") or next(iter(raw))
        raise body_validation(
            f"{path}.{kind} should be defined, instead was `undefined`. "
            f"{path}.{other} is not valid for a {kind} property."
        )
    return raw


def _option(state, ds: dict, prop: dict, raw: object, path: str, create: bool) -> str | None:
    if raw is None:
        return None
    _expect(isinstance(raw, dict), path, "an object or `null`", raw)
    options = prop[prop["type"]]["options"]
    if raw.get("id") is not None:
        for option in options:
            if option["id"] == raw["id"]:
                return option["id"]
        raise validation(f"Invalid {prop['type']} option id: {raw['id']}")
    name = raw.get("name")
    _expect(isinstance(name, str) and name != "", f"{path}.name", "a non-empty string", name)
    for option in options:
        if option["name"] == name:
            return option["id"]
    if not create:
        raise validation(f'Invalid status option. Status option "{name}" does not exist.')
    # Notion creates missing select / multi-select options on write.
    option = option_make(prop["id"], name, raw.get("color") or "default")
    options.append(option)
    state.touch_schema(ds)
    return option["id"]


def _text_value(state, prop, value, path) -> list[dict]:
    return rich_text_normalize(value, path, state.mention_text)


def _short_string(value, path, limit) -> str | None:
    if value is None:
        return None
    _expect(isinstance(value, str), path, "a string or `null`", value)
    if len(value) > limit:
        raise body_validation(f"{path}.length should be ≤ `{limit}`, instead was `{len(value)}`.")
    return value


def _date(value, path) -> dict | None:
    if value is None:
        return None
    _expect(isinstance(value, dict), path, "an object or `null`", value)
    start = value.get("start")
    _expect(
        isinstance(start, str) and parse_time(start) is not None,
        f"{path}.start",
        "a valid ISO 8601 date string",
        start,
    )
    end = value.get("end")
    if end is not None:
        _expect(
            isinstance(end, str) and parse_time(end) is not None,
            f"{path}.end",
            "a valid ISO 8601 date string or `null`",
            end,
        )
    return {"start": start, "end": end, "time_zone": value.get("time_zone")}


def _id_list(value, path, what: str) -> list[str]:
    _expect(isinstance(value, list), path, "an array", value)
    if len(value) > MAX_REFERENCES:
        raise body_validation(
            f"{path}.length should be ≤ `{MAX_REFERENCES}`, instead was `{len(value)}`."
        )
    ids = []
    for index, item in enumerate(value):
        object_id = parse_id(item.get("id")) if isinstance(item, dict) else None
        _expect(object_id is not None, f"{path}[{index}].id", f"a valid {what} uuid", item)
        if object_id not in ids:
            ids.append(object_id)
    return ids


def value_normalize(state, ds: dict | None, prop: dict, raw: object, path: str) -> object:
    """Validate one request property value and return what the store keeps."""
    kind = prop["type"]
    path = f"{path}.{kind}" if isinstance(raw, dict) and kind in raw else path
    value = _unwrap(prop, raw, path)
    if kind in READ_ONLY_TYPES:
        raise validation(f"{prop['name']} is a read-only property and cannot be set.")
    if kind in ("title", "rich_text"):
        return _text_value(state, prop, value, path)
    if kind == "number":
        ok = value is None or (isinstance(value, int | float) and not isinstance(value, bool))
        _expect(ok, path, "a number or `null`", value)
        return value
    if kind == "checkbox":
        _expect(isinstance(value, bool), path, "a boolean", value)
        return value
    if kind in ("select", "status"):
        return _option(state, ds, prop, value, path, create=kind == "select")
    if kind == "multi_select":
        _expect(isinstance(value, list), path, "an array", value)
        if len(value) > MAX_REFERENCES:
            raise body_validation(f"{path}.length should be ≤ `100`, instead was `{len(value)}`.")
        ids = [_option(state, ds, prop, item, f"{path}[{i}]", True) for i, item in enumerate(value)]
        return list(dict.fromkeys(ids))
    if kind == "date":
        return _date(value, path)
    if kind == "url":
        return _short_string(value, path, MAX_URL)
    if kind in ("email", "phone_number"):
        return _short_string(value, path, MAX_SHORT)
    if kind == "people":
        ids = _id_list(value, path, "user")
        for user_id in ids:
            if user_id not in state.users:
                raise validation(f"Could not find user with ID: {user_id}.")
        return ids
    if kind == "relation":
        ids = _id_list(value, path, "page")
        for page_id in ids:
            if page_id not in state.pages:
                raise validation(f"Could not find page with ID: {page_id}.")
        return ids
    if kind == "files":
        _expect(isinstance(value, list), path, "an array", value)
        return value
    raise validation(f"{prop['name']} property type {kind} cannot be set through the sandbox.")


def _render_option(prop: dict, option_id: str | None) -> dict | None:
    for option in prop[prop["type"]]["options"]:
        if option["id"] == option_id:
            return {"id": option["id"], "name": option["name"], "color": option["color"]}
    return None


def value_render(state, prop: dict, page: dict, viewer: dict | None, cap: bool = True) -> dict:
    """Render one stored value as Notion's {id, type, <type>: value}."""
    kind = prop["type"]
    stored = page["properties"].get(prop["id"])
    extra: dict = {}
    if kind in ("title", "rich_text"):
        value = stored or []
    elif kind in ("select", "status"):
        value = _render_option(prop, stored)
    elif kind == "multi_select":
        value = [option for option in (_render_option(prop, oid) for oid in stored or []) if option]
    elif kind == "people":
        ids = stored or []
        value = [
            state.user_render(uid, viewer) for uid in ids[: PAGE_REFERENCE_CAP if cap else None]
        ]
    elif kind == "relation":
        ids = stored or []
        shown = ids[:PAGE_REFERENCE_CAP] if cap else ids
        value = [{"id": page_id} for page_id in shown]
        extra = {"has_more": len(shown) < len(ids)}
    elif kind == "checkbox":
        value = bool(stored)
    elif kind == "files":
        value = stored or []
    elif kind in ("created_time", "last_edited_time"):
        value = page[kind]
    elif kind in ("created_by", "last_edited_by"):
        value = state.user_render(page[kind], viewer)
    elif kind == "unique_id":
        value = {"prefix": prop["unique_id"].get("prefix"), "number": page.get("number")}
    else:
        value = stored
    return {"id": prop["id"], "type": kind, kind: value, **extra}
