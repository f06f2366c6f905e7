"""Request-shaped blocks turned into the shape Notion returns them in."""

from __future__ import annotations

import copy

from .rich_text import normalize_rich_text

_RICH_TEXT_KEYS = ("rich_text", "caption")


def request_blocks_to_response_shape(blocks: list[dict]) -> list[dict]:
    """Copies of request blocks as Notion would return them: full rich-text objects
    (`plain_text`, `href`, every annotation), `object` and `has_children` on each block.
    Children stay where they were given (under block[type]["children"]).
    """
    return [_block(block) for block in blocks]


def _block(block: dict) -> dict:
    block = copy.deepcopy(block)
    kind = block.get("type") or next(key for key in block if key not in ("object", "children"))
    data = block.setdefault(kind, {})
    for key in _RICH_TEXT_KEYS:
        if key in data:
            data[key] = normalize_rich_text(data[key])
    if kind == "table_row":
        data["cells"] = [normalize_rich_text(cell) for cell in data.get("cells", [])]
    children = data.get("children") or block.get("children") or []
    if "children" in data:
        data["children"] = [_block(child) for child in data["children"]]
    if "children" in block:
        block["children"] = [_block(child) for child in block["children"]]
    block |= {"object": "block", "type": kind, "has_children": bool(children)}
    return block
