"""Data source schemas: normalize property definitions from requests, as Notion stores them."""

from __future__ import annotations

import hashlib

from .errors import body_validation, validation
from .util import dump, parse_id

EMPTY_CONFIG_TYPES = {
    "title",
    "rich_text",
    "date",
    "people",
    "checkbox",
    "url",
    "email",
    "phone_number",
    "files",
    "created_time",
    "created_by",
    "last_edited_time",
    "last_edited_by",
}
OPTION_TYPES = {"select", "multi_select", "status"}
READ_ONLY_TYPES = {"created_time", "created_by", "last_edited_time", "last_edited_by", "unique_id"}
KNOWN_TYPES = EMPTY_CONFIG_TYPES | OPTION_TYPES | {"number", "relation", "unique_id"}
STATUS_DEFAULTS = (
    ("Not started", "default", "To-do", "gray"),
    ("In progress", "blue", "In progress", "blue"),
    ("Done", "green", "Complete", "green"),
)
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def short_id(*parts: str, length: int = 4) -> str:
    digest = hashlib.sha256(":".join(parts).encode()).digest()
    return "".join(_ALPHABET[byte % len(_ALPHABET)] for byte in digest[:length])


def option_id(prop_id: str, name: str) -> str:
    digest = hashlib.sha256(f"{prop_id}:{name}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def option_make(prop_id: str, name: str, color: str = "default", description=None) -> dict:
    if "," in name:
        raise validation(f"Invalid select option, commas not allowed: {name}")
    return {
        "id": option_id(prop_id, name),
        "name": name,
        "color": color,
        "description": description,
    }


def _options(prop_id: str, raw: object, path: str, current: list | None = None) -> list[dict]:
    """Options from a request; an item naming an existing option's id keeps that id (a rename,
    so rows that hold the option keep it, as Notion does)."""
    existing = {option["id"]: option for option in current or []}
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise body_validation(f"{path} should be an array, instead was `{dump(raw)}`.")
    options = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise body_validation(
                f"{path}[{index}].name should be a string, instead was `{dump(item)}`."
            )
        option = option_make(prop_id, item["name"], item.get("color") or "default")
        if item.get("id") in existing:
            kept = existing[item["id"]]
            option = {**kept, "name": item["name"], "color": item.get("color") or kept["color"]}
        options.append(option)
    return options


def _status_config(prop_id: str, raw: dict, path: str) -> dict:
    options = _options(prop_id, raw.get("options"), f"{path}.options")
    groups = []
    if not options:
        by_group: dict[str, tuple[str, list[str]]] = {}
        for name, color, group, group_color in STATUS_DEFAULTS:
            option = option_make(prop_id, name, color)
            options.append(option)
            by_group.setdefault(group, (group_color, []))[1].append(option["id"])
        for group, (color, ids) in by_group.items():
            groups.append(
                {
                    "id": option_id(prop_id, f"group:{group}"),
                    "name": group,
                    "color": color,
                    "option_ids": ids,
                }
            )
    else:
        groups.append(
            {
                "id": option_id(prop_id, "group:To-do"),
                "name": "To-do",
                "color": "gray",
                "option_ids": [option["id"] for option in options],
            }
        )
    return {"options": options, "groups": groups}


def _relation_config(raw: dict, path: str, resolve_ds) -> dict:
    ds_id = parse_id(raw.get("data_source_id"))
    if ds_id is None:
        raise body_validation(
            f"{path}.data_source_id should be a valid uuid, instead was "
            f"`{dump(raw.get('data_source_id'))}`."
        )
    database_id = resolve_ds(ds_id)
    if database_id is None:
        raise validation(f"Relation data source {ds_id} could not be found.")
    return {
        "data_source_id": ds_id,
        "database_id": database_id,
        "type": "single_property",
        "single_property": {},
    }


def _spec_check(spec: object, path: str) -> dict:
    if not isinstance(spec, dict):
        raise body_validation(f"{path} should be an object, instead was `{dump(spec)}`.")
    for key in ("type", "name"):
        if key in spec and not isinstance(spec[key], str):
            raise body_validation(
                f"{path}.{key} should be a string, instead was `{dump(spec[key])}`."
            )
    return spec


def schema_prop_make(
    ds_id: str, name: str, spec: object, path: str, resolve_ds, prop_id: str | None = None
) -> dict:
    """Build a stored schema property from a request spec such as {"select": {"options": [...]}}."""
    _spec_check(spec, path)
    kind = spec.get("type") or next((key for key in spec if key in KNOWN_TYPES), None)
    if kind not in KNOWN_TYPES:
        raise body_validation(
            f"{path} should be a valid property schema, instead was `{dump(spec)}`."
        )
    config = spec.get(kind) or {}
    if not isinstance(config, dict):
        raise body_validation(f"{path}.{kind} should be an object, instead was `{dump(config)}`.")
    pid = prop_id or ("title" if kind == "title" else short_id(ds_id, name))
    if kind in EMPTY_CONFIG_TYPES:
        stored: dict = {}
    elif kind == "number":
        stored = {"format": config.get("format", "number")}
    elif kind == "status":
        stored = _status_config(pid, config, f"{path}.status")
    elif kind in OPTION_TYPES:
        stored = {"options": _options(pid, config.get("options"), f"{path}.{kind}.options")}
    elif kind == "unique_id":
        stored = {"prefix": config.get("prefix")}
    else:
        stored = _relation_config(config, f"{path}.relation", resolve_ds)
    return {
        "id": pid,
        "name": name,
        "description": spec.get("description"),
        "type": kind,
        kind: stored,
    }


def schema_make(ds_id: str, raw: object, path: str, resolve_ds) -> dict:
    """A whole schema from a request `properties` object; exactly one title property."""
    if not isinstance(raw, dict):
        raise body_validation(f"{path} should be an object, instead was `{dump(raw)}`.")
    schema = {}
    for name, spec in raw.items():
        schema[name] = schema_prop_make(ds_id, name, spec, f"{path}.{name}", resolve_ds)
    titles = [prop for prop in schema.values() if prop["type"] == "title"]
    if len(titles) != 1:
        raise validation("Data sources must have exactly one title property.")
    _dedupe_ids(ds_id, schema)
    return schema


def _dedupe_ids(ds_id: str, schema: dict) -> None:
    seen: set[str] = set()
    for prop in schema.values():
        while prop["id"] in seen:
            prop["id"] = short_id(ds_id, prop["name"], prop["id"])
        seen.add(prop["id"])


def schema_find(schema: dict, key: str) -> dict | None:
    """Find a property by name or by id (ids may arrive URL-encoded)."""
    from urllib.parse import unquote

    if key in schema:
        return schema[key]
    decoded = unquote(key)
    for prop in schema.values():
        if prop["id"] in (key, decoded):
            return prop
    return None


def schema_update(ds_id: str, schema: dict, changes: object, resolve_ds) -> dict:
    """Apply PATCH /data_sources properties: rename, retype, add, or delete (null)."""
    if not isinstance(changes, dict):
        raise body_validation(
            f"body.properties should be an object, instead was `{dump(changes)}`."
        )
    result = dict(schema)
    for key, spec in changes.items():
        current = schema_find(result, key)
        path = f"body.properties.{key}"
        if spec is None:
            if current is None:
                raise validation(f"{key} is not a property that exists.")
            if current["type"] == "title":
                raise validation("Cannot delete the title property.")
            del result[current["name"]]
            continue
        _spec_check(spec, path)
        if current is None:
            result[spec.get("name") or key] = schema_prop_make(
                ds_id, spec.get("name") or key, spec, path, resolve_ds
            )
            continue
        result = _schema_change(ds_id, result, current, spec, path, resolve_ds)
    _dedupe_ids(ds_id, result)
    return result


def _schema_change(ds_id, schema, current, spec, path, resolve_ds) -> dict:
    name = spec.get("name") or current["name"]
    kind = spec.get("type") or next((key for key in spec if key in KNOWN_TYPES), None)
    updated = dict(current)
    if kind and kind != current["type"]:
        updated = schema_prop_make(ds_id, name, spec, path, resolve_ds, prop_id=current["id"])
    elif kind in OPTION_TYPES and isinstance(spec.get(kind), dict) and "options" in spec[kind]:
        merged = _options(
            current["id"],
            spec[kind]["options"],
            f"{path}.{kind}.options",
            current=current[kind].get("options"),
        )
        updated[kind] = {**current[kind], "options": merged}
    updated["name"] = name
    if "description" in spec:
        updated["description"] = spec["description"]
    rebuilt = {}
    for key, prop in schema.items():
        if prop["id"] == current["id"]:
            rebuilt[name] = updated
        else:
            rebuilt[key] = prop
    return rebuilt
