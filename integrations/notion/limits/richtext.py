"""Split long rich text and check per-field limits in blocks and page properties."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from .constants import (
    MAX_EMAIL,
    MAX_EQUATION,
    MAX_MULTI_SELECT,
    MAX_PEOPLE,
    MAX_PHONE,
    MAX_RELATION,
    MAX_RICH_TEXT_ITEMS,
    MAX_TEXT,
    MAX_URL,
    NotionLimitError,
    utf16_len,
)

# Keys that live beside the type key in a block object and never name its type.
_BLOCK_META_KEYS = frozenset({"object", "type", "id", "has_children", "parent", "in_trash"})
_RICH_TEXT_KEYS = ("rich_text", "caption")
_MEDIA_TYPES = frozenset({"image", "video", "pdf", "file", "audio"})


def block_type(block: Mapping[str, Any]) -> str:
    """The block's type: its `type` field, or the one key holding the type's body."""
    declared = block.get("type")
    if isinstance(declared, str) and declared:
        return declared
    keys = [k for k, v in block.items() if k not in _BLOCK_META_KEYS and isinstance(v, dict)]
    if len(keys) != 1:
        raise ValueError(f"cannot tell the block's type from keys {sorted(block)}")
    return keys[0]


def children_of(block: Mapping[str, Any]) -> list[dict[str, Any]]:
    body = block.get(block_type(block))
    kids = body.get("children") if isinstance(body, dict) else None
    return list(kids) if kids else []


def with_children(block: Mapping[str, Any], children: list[dict[str, Any]]) -> dict[str, Any]:
    """A shallow copy of the block carrying exactly `children` (none: the key is dropped)."""
    kind = block_type(block)
    body = dict(block.get(kind) or {})
    if children:
        body["children"] = children
    else:
        body.pop("children", None)
    return {**block, kind: body}


def split_text(text: str, size: int = MAX_TEXT) -> list[str]:
    """Cut text into pieces of at most `size` UTF-16 units without splitting a character."""
    if utf16_len(text) <= size:
        return [text]
    pieces: list[str] = []
    start = units = 0
    for index, char in enumerate(text):
        width = 2 if ord(char) > 0xFFFF else 1
        if units + width > size:
            pieces.append(text[start:index])
            start, units = index, 0
        units += width
    pieces.append(text[start:])
    return pieces


def split_rich_text(
    items: Iterable[Mapping[str, Any]], *, field: str = "rich_text"
) -> list[dict[str, Any]]:
    """Split text items over 2,000 characters into several items with the same annotations and
    link; raise NotionLimitError for what cannot be split (long URL or equation, > 100 items)."""
    result: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        where = f"{field}[{index}]"
        kind = item.get("type") or ("text" if "text" in item else None)
        if kind == "equation":
            expression = (item.get("equation") or {}).get("expression") or ""
            _check_len("MAX_EQUATION", f"{where}.equation.expression", expression, MAX_EQUATION)
        if kind != "text" or not isinstance(item.get("text"), dict):
            result.append(copy.deepcopy(dict(item)))
            continue
        text = item["text"]
        link = text.get("link") or {}
        if isinstance(link, dict) and link.get("url"):
            _check_len("MAX_URL", f"{where}.text.link.url", link["url"], MAX_URL)
        for piece in split_text(text.get("content") or ""):
            part = copy.deepcopy(dict(item))
            part["text"]["content"] = piece
            if "plain_text" in part:
                part["plain_text"] = piece
            result.append(part)
    if len(result) > MAX_RICH_TEXT_ITEMS:
        raise NotionLimitError(
            "MAX_RICH_TEXT_ITEMS",
            field,
            actual=len(result),
            detail="after splitting text longer than 2000 characters",
        )
    return result


def normalize_blocks(
    blocks: Iterable[Mapping[str, Any]], *, field: str = "children"
) -> list[dict[str, Any]]:
    """A copy of a block tree with long rich text split everywhere and per-field limits checked."""
    return [_normalize_block(block, f"{field}[{i}]") for i, block in enumerate(blocks)]


def _normalize_block(block: Mapping[str, Any], where: str) -> dict[str, Any]:
    kind = block_type(block)
    body = block.get(kind)
    if not isinstance(body, dict):
        return copy.deepcopy(dict(block))
    children = body.get("children")
    # Deep-copy everything but the children, which are normalized (and copied) below.
    body = copy.deepcopy({k: v for k, v in body.items() if k != "children"})
    here = f"{where}.{kind}"
    for key in _RICH_TEXT_KEYS:
        if isinstance(body.get(key), list):
            body[key] = split_rich_text(body[key], field=f"{here}.{key}")
    if kind == "table_row" and isinstance(body.get("cells"), list):
        body["cells"] = [
            split_rich_text(cell, field=f"{here}.cells[{i}]")
            for i, cell in enumerate(body["cells"])
        ]
    if kind == "equation":
        _check_len("MAX_EQUATION", f"{here}.expression", body.get("expression") or "", MAX_EQUATION)
    if isinstance(body.get("url"), str):
        _check_len("MAX_URL", f"{here}.url", body["url"], MAX_URL)
    external = body.get("external")
    if kind in _MEDIA_TYPES and isinstance(external, dict) and isinstance(external.get("url"), str):
        _check_len("MAX_URL", f"{here}.external.url", external["url"], MAX_URL)
    if isinstance(children, list):
        body["children"] = normalize_blocks(children, field=f"{here}.children")
    elif children is not None:
        body["children"] = copy.deepcopy(children)
    out = copy.deepcopy({k: v for k, v in block.items() if k != kind})
    out[kind] = body
    return out


def normalize_properties(
    properties: Mapping[str, Any], *, field: str = "properties"
) -> dict[str, Any]:
    """A copy of page property values with long title/rich text split and value limits checked."""
    out: dict[str, Any] = {}
    for name, value in properties.items():
        where = f"{field}[{name!r}]"
        if not isinstance(value, dict):
            out[name] = copy.deepcopy(value)
            continue
        value = copy.deepcopy(dict(value))
        for key in ("title", "rich_text"):
            if isinstance(value.get(key), list):
                value[key] = split_rich_text(value[key], field=f"{where}.{key}")
        for key, limit_name, limit in (
            ("url", "MAX_URL", MAX_URL),
            ("email", "MAX_EMAIL", MAX_EMAIL),
            ("phone_number", "MAX_PHONE", MAX_PHONE),
        ):
            if isinstance(value.get(key), str):
                _check_len(limit_name, f"{where}.{key}", value[key], limit)
        for key, limit_name, limit in (
            ("multi_select", "MAX_MULTI_SELECT", MAX_MULTI_SELECT),
            ("relation", "MAX_RELATION", MAX_RELATION),
            ("people", "MAX_PEOPLE", MAX_PEOPLE),
        ):
            if isinstance(value.get(key), list) and len(value[key]) > limit:
                raise NotionLimitError(limit_name, f"{where}.{key}", actual=len(value[key]))
        out[name] = value
    return out


def _check_len(limit_name: str, field: str, text: str, limit: int) -> None:
    length = utf16_len(text)
    if length > limit:
        raise NotionLimitError(limit_name, field, actual=length, maximum=limit)
