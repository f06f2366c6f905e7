"""Block requests: validate children arrays (Notion's limits) and fill payload defaults."""

from __future__ import annotations

import copy

from .errors import body_validation
from .richtext import rich_text_normalize
from .util import dump, parse_id

MAX_CHILDREN = 100
MAX_DEPTH = 3  # top level plus two levels of nesting per request
MAX_ELEMENTS = 1000

_TEXT = {"rich_text": [], "color": "default"}
_MEDIA = {"caption": [], "type": "external", "external": {"url": ""}}
BLOCK_DEFAULTS: dict[str, dict] = {
    "paragraph": {"rich_text": [], "icon": None, "color": "default"},
    "heading_1": {"rich_text": [], "is_toggleable": False, "color": "default"},
    "heading_2": {"rich_text": [], "is_toggleable": False, "color": "default"},
    "heading_3": {"rich_text": [], "is_toggleable": False, "color": "default"},
    "bulleted_list_item": _TEXT,
    "numbered_list_item": _TEXT,
    "toggle": _TEXT,
    "quote": _TEXT,
    "to_do": {"rich_text": [], "checked": False, "color": "default"},
    "callout": {
        "rich_text": [],
        "icon": {"type": "emoji", "emoji": "💡"},
        "color": "gray_background",
    },
    "code": {"caption": [], "rich_text": [], "language": "plain text"},
    "divider": {},
    "breadcrumb": {},
    "table_of_contents": {"color": "default"},
    "equation": {"expression": ""},
    "bookmark": {"caption": [], "url": ""},
    "embed": {"caption": [], "url": ""},
    "image": _MEDIA,
    "video": _MEDIA,
    "file": _MEDIA,
    "pdf": _MEDIA,
    "audio": _MEDIA,
    "table": {"table_width": 1, "has_column_header": False, "has_row_header": False},
    "table_row": {"cells": []},
    "column_list": {},
    "column": {},
    "link_to_page": {},
    "synced_block": {"synced_from": None},
}
READ_ONLY = {"child_page", "child_database", "unsupported"}
PARENT_TYPES = {
    "paragraph",
    "bulleted_list_item",
    "numbered_list_item",
    "toggle",
    "quote",
    "to_do",
    "callout",
    "heading_1",
    "heading_2",
    "heading_3",
    "table",
    "column_list",
    "column",
    "synced_block",
}
_META = {"object", "type", "children", "has_children", "id", "archived", "in_trash"}


def block_type_of(request: dict) -> str | None:
    kind = request.get("type")
    if kind:
        return kind
    keys = [key for key in request if key not in _META]
    return keys[0] if len(keys) == 1 else None


def payload_normalize(kind: str, raw: object, path: str, resolve, limits: bool = True) -> dict:
    """Fill a block payload's defaults and normalize its rich text arrays."""
    if not isinstance(raw, dict):
        raise body_validation(f"{path} should be an object, instead was `{dump(raw)}`.")
    payload = copy.deepcopy(BLOCK_DEFAULTS[kind])
    for key, value in raw.items():
        if key == "children":
            continue
        if key in ("rich_text", "caption"):
            payload[key] = rich_text_normalize(value, f"{path}.{key}", resolve, limits)
        elif key == "cells" and kind == "table_row":
            if not isinstance(value, list):
                raise body_validation(
                    f"{path}.cells should be an array, instead was `{dump(value)}`."
                )
            payload["cells"] = [
                rich_text_normalize(cell, f"{path}.cells[{i}]", resolve, limits)
                for i, cell in enumerate(value)
            ]
        else:
            default = BLOCK_DEFAULTS[kind].get(key)
            if default is not None and not isinstance(value, type(default)):
                kind_name = (
                    type(default).__name__.replace("str", "string").replace("dict", "object")
                )
                raise body_validation(
                    f"{path}.{key} should be a {kind_name}, instead was `{dump(value)}`."
                )
            payload[key] = copy.deepcopy(value)
    if kind == "link_to_page":
        target = parse_id(raw.get("page_id") or raw.get("database_id"))
        if target is None:
            raise body_validation(
                f"{path}.page_id should be a valid uuid, instead was `{dump(raw)}`."
            )
    if kind in ("image", "video", "file", "pdf", "audio") and "external" in raw:
        payload["type"] = "external"
    return payload


def children_normalize(
    children: object, path: str, resolve, depth: int = 1, limits: bool = True, count=None
) -> list[dict]:
    """Validate a request children array and return [{type, payload, children}] trees."""
    count = count if count is not None else [0]
    if not isinstance(children, list):
        raise body_validation(f"{path} should be an array, instead was `{dump(children)}`.")
    if limits and len(children) > MAX_CHILDREN:
        raise body_validation(
            f"{path}.length should be ≤ `{MAX_CHILDREN}`, instead was `{len(children)}`."
        )
    trees = []
    for index, request in enumerate(children):
        item_path = f"{path}[{index}]"
        if not isinstance(request, dict):
            raise body_validation(
                f"{item_path} should be an object, instead was `{dump(request)}`."
            )
        kind = block_type_of(request)
        if kind in READ_ONLY:
            raise body_validation(
                f"{item_path}.{kind} should be not present, instead was "
                f"`{dump(request.get(kind))}`."
            )
        if kind not in BLOCK_DEFAULTS:
            raise body_validation(
                f"{item_path} should be a valid block object, instead was `{dump(request)}`."
            )
        raw = request.get(kind, {})
        payload = payload_normalize(kind, raw, f"{item_path}.{kind}", resolve, limits)
        nested = raw.get("children") if isinstance(raw, dict) else None
        nested = nested if nested is not None else request.get("children")
        kids: list[dict] = []
        if nested:
            if limits and depth >= MAX_DEPTH:
                raise body_validation(
                    f"{item_path}.{kind}.children should be not present, instead was "
                    f"`{dump(nested)}`."
                )
            if kind not in PARENT_TYPES:
                raise body_validation(
                    f"{item_path}.{kind}.children should be not present, instead was "
                    f"`{dump(nested)}`."
                )
            kids = children_normalize(
                nested, f"{item_path}.{kind}.children", resolve, depth + 1, limits, count
            )
        if kind == "table":
            _table_check(payload, kids, item_path)
        count[0] += 1
        if limits and count[0] > MAX_ELEMENTS:
            raise body_validation(
                f"body.children should have at most {MAX_ELEMENTS} block elements in one request."
            )
        trees.append({"type": kind, "payload": payload, "children": kids})
    return trees


def _table_check(payload: dict, rows: list[dict], path: str) -> None:
    if not rows:
        raise body_validation(f"{path}.table.children should be defined, instead was `undefined`.")
    width = payload.get("table_width")
    for index, row in enumerate(rows):
        if row["type"] != "table_row":
            raise body_validation(f"{path}.table.children[{index}] should be a table_row.")
        if len(row["payload"]["cells"]) != width:
            raise body_validation(
                f"{path}.table.children[{index}].table_row.cells.length should be "
                f"`{width}`, instead was `{len(row['payload']['cells'])}`."
            )


def payload_update(kind: str, current: dict, raw: object, path: str, resolve) -> dict:
    """PATCH /blocks/{id}: merge the given fields into the current payload."""
    if kind in READ_ONLY or kind not in BLOCK_DEFAULTS:
        raise body_validation(f"{path} should be not present, instead was `{dump(raw)}`.")
    fresh = payload_normalize(kind, raw, path, resolve)
    merged = copy.deepcopy(current)
    for key in raw:
        if key != "children":
            merged[key] = fresh[key]
    return merged
