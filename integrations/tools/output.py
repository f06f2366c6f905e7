"""Keeping results inside a character budget, with a cursor to continue."""

import base64
import json
from typing import Any

from integrations.tools.errors import ToolInputError


def encode_cursor(state: dict) -> str:
    raw = json.dumps(state, separators=(",", ":")).encode()
    return "pc_" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict:
    """Our own cursors start with pc_; anything else is passed through as Notion's cursor."""
    if not cursor:
        return {}
    if not cursor.startswith("pc_"):
        return {"notion_cursor": cursor}
    body = cursor[3:]
    try:
        return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        raise ToolInputError(
            "This cursor is not one we issued; pass next_cursor from the previous result as is.",
            field="cursor",
        ) from None


def slice_text(text: str, *, offset: int, budget: int) -> tuple[str, int | None]:
    """Up to `budget` characters of `text` from `offset`, cut at a line break when one is
    near, and the offset to continue from (None when the end was reached)."""
    if offset >= len(text):
        return "", None
    end = offset + budget
    if end >= len(text):
        return text[offset:], None
    cut = text.rfind("\n", offset, end)
    if cut <= offset + budget // 2:
        cut = end
    return text[offset:cut], cut


def json_size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str))


def fit_items(items: list, *, budget: int, overhead: int = 200) -> tuple[list, bool]:
    """The longest prefix of `items` whose JSON fits the budget; True when some were left out."""
    kept, used = [], overhead
    for item in items:
        size = json_size(item) + 2
        if kept and used + size > budget:
            return kept, True
        kept.append(item)
        used += size
    return kept, False
