"""Page content for tools: read it as Markdown or blocks within a budget, write it within limits."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from integrations.notion.limits import (
    MAX_PAGE_SIZE,
    AppendResult,
    NotionLimitError,
    append_blocks,
    block_type,
    count_blocks,
    normalize_blocks,
    pages_create_with_children,
)
from integrations.notion.markdown import (
    blocks_to_markdown,
    markdown_to_blocks,
    rich_text_to_plain,
)
from integrations.tools.errors import ToolInputError
from integrations.tools.output import (
    decode_cursor,
    encode_cursor,
    fit_items,
    json_size,
    slice_text,
)

# Sub-pages and databases are listed as links; their content belongs to them, not to this page.
OWN_CONTENT_TYPES_EXCLUDED = frozenset({"child_page", "child_database"})
# Room kept for the JSON around a result's text (ids, url, cursor).
RESULT_OVERHEAD = 250
MARKDOWN_HELP = (
    "Page content as Markdown: # headings, paragraphs with **bold**, *italic*, ~~strike~~, "
    "`code` and [links](https://…), - bulleted, 1. numbered and - [ ] to-do lists (nest by "
    "indenting), > quotes, ```language code fences, --- dividers, | tables |, and callouts "
    "written as > [!NOTE] / [!TIP] / [!WARNING] / [!IMPORTANT] / [!CAUTION]."
)
BLOCKS_HELP = (
    "Content as Notion block objects (instead of markdown), e.g. "
    '[{"type": "paragraph", "paragraph": {"rich_text": [{"text": {"content": "Hi"}}]}}].'
)
_LIMIT_HINT = (
    "Notion allows 2,000 characters per link URL, 1,000 per equation and 100 formatted "
    "pieces per paragraph; shorten or split the part named."
)


# --- input: Markdown or blocks to request blocks -----------------------------------------------


def blocks_from_markdown(markdown: str, *, field: str = "markdown") -> list[dict]:
    """Request blocks for Markdown, with long text split and per-field limits checked."""
    return checked_blocks(markdown_to_blocks(markdown), field=field)


def checked_blocks(blocks: list[Any], *, field: str = "blocks") -> list[dict]:
    """A copy of request blocks with long text split; a ToolInputError (nothing sent) for a
    block Notion would refuse for its size or shape."""
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        raise ToolInputError("blocks must be a list of Notion block objects.", field=field)
    try:
        return normalize_blocks(blocks, field=field)
    except NotionLimitError as exc:
        raise ToolInputError(str(exc), field=field, hint=_LIMIT_HINT) from None
    except ValueError as exc:
        raise ToolInputError(
            f"A block is not a Notion block object: {exc}.",
            field=field,
            hint='Give blocks like {"type": "paragraph", "paragraph": {"rich_text": '
            '[{"text": {"content": "Hello"}}]}}, or use markdown instead.',
        ) from None


def inline_rich_text(text: str) -> list[dict]:
    """Rich text for inline Markdown; several paragraphs become lines of one text."""
    items: list[dict] = []
    for index, block in enumerate(markdown_to_blocks(text)):
        data = block.get(block["type"]) or {}
        if index:
            items.append({"type": "text", "text": {"content": "\n"}})
        items.extend(data.get("rich_text") or [])
    return items


def content_blocks(markdown: str | None, blocks: list | None) -> list[dict]:
    """The request blocks for whichever of markdown or blocks was given (empty if neither)."""
    if markdown is not None:
        return blocks_from_markdown(markdown)
    if blocks is not None:
        return checked_blocks(blocks)
    return []


# --- writing -------------------------------------------------------------------------------------


def append_content(
    ctx, parent_id: str, blocks: list[dict], *, after: str | None = None
) -> AppendResult:
    """Append a block tree of any size under a page or block (after block `after` if given),
    in as many requests as Notion's limits need; returns the created top-level blocks."""
    if not blocks:
        return AppendResult()
    try:
        result = append_blocks(ctx.client, parent_id, blocks, after=after)
    except NotionLimitError as exc:
        # Raised while planning, before the first request.
        raise ToolInputError(str(exc), field="blocks", hint=_LIMIT_HINT) from None
    ctx.progress(f"blocks written: {result.blocks_written}")
    return result


def write_blocks(ctx, parent_id: str, blocks: list[dict], *, after: str | None = None) -> int:
    """Append request blocks (from blocks_from_markdown or checked_blocks) under `parent_id`;
    returns how many blocks were written at any depth."""
    return append_content(ctx, parent_id, blocks, after=after).blocks_written


def create_page_with_content(ctx, *, children: list[dict], **page_fields: Any) -> tuple[dict, int]:
    """POST /v1/pages with what fits, then the rest appended; returns (page, blocks_written)."""
    try:
        page, appended = pages_create_with_children(ctx.client, children=children, **page_fields)
    except NotionLimitError as exc:
        raise ToolInputError(str(exc), field="markdown", hint=_LIMIT_HINT) from None
    return page, appended.blocks_written


def clear_content(ctx, page_id: str) -> int:
    """Move a page's blocks to the trash, keeping sub-pages and databases; returns how many."""
    removed = 0
    for child in list_children(ctx, page_id):
        if child.get("type") in OWN_CONTENT_TYPES_EXCLUDED:
            continue
        ctx.client.blocks_delete(child["id"])
        removed += 1
    return removed


def block_signature(block: dict) -> tuple[str, str]:
    """What identifies a block written from a request: its type and its text."""
    kind = block_type(block)
    data = block.get(kind) or {}
    if kind == "table":
        return kind, str(data.get("table_width"))
    if kind == "equation":
        return kind, str(data.get("expression", ""))
    return kind, rich_text_to_plain(data.get("rich_text"))


def landed_append(ctx, parent_id: str, blocks: list[dict], since: datetime) -> list[dict] | None:
    """The top-level blocks an earlier append of `blocks` created under `parent_id` at or after
    `since` (None if its first block is not there); top-level blocks that attempt did not get
    to are appended now, after the ones found."""
    if not blocks:
        return None
    wanted = [block_signature(block) for block in blocks]
    children = list_children(ctx, parent_id)
    for start, child in enumerate(children):
        if not created_since(child, since) or block_signature(child) != wanted[0]:
            continue
        found = [child]
        for block, signature in zip(children[start + 1 :], wanted[1:], strict=False):
            if not created_since(block, since) or block_signature(block) != signature:
                break
            found.append(block)
        if len(found) < len(blocks):
            found += append_content(ctx, parent_id, blocks[len(found) :], after=found[-1]["id"])
        return found
    return None


def appended_since(ctx, parent_id: str, blocks: list[dict], since: datetime) -> int | None:
    """blocks_written of an earlier append that landed (finished now if it was cut short)."""
    found = landed_append(ctx, parent_id, blocks, since)
    return None if found is None else count_blocks(blocks)


def finish_content(ctx, page_id: str, blocks: list[dict]) -> int:
    """For a page an earlier attempt created: append the top-level blocks it did not get to;
    returns the blocks written in all."""
    if not blocks:
        return 0
    present = [
        c for c in list_children(ctx, page_id) if c.get("type") not in OWN_CONTENT_TYPES_EXCLUDED
    ]
    if len(present) < len(blocks):
        after = present[-1]["id"] if present else None
        append_content(ctx, page_id, blocks[len(present) :], after=after)
    return count_blocks(blocks)


def created_since(record: dict, since: datetime) -> bool:
    """Notion's created_time is minute-granular, so compare with `since` floored to the minute."""
    stamp = record.get("created_time")
    if not stamp:
        return False
    created = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return created >= since.replace(second=0, microsecond=0)


# --- reading -------------------------------------------------------------------------------------


def list_children(ctx, block_id: str) -> list[dict]:
    """Every child block of a page or block, in order (all pages of the listing)."""
    return list(ctx.client.paginate("blocks_children_list", block_id))


def block_tree(ctx, block: dict) -> dict:
    """A copy of `block` with its descendants under "children", read recursively."""
    if not block.get("has_children") or block.get("type") in OWN_CONTENT_TYPES_EXCLUDED:
        return block
    children = [block_tree(ctx, child) for child in list_children(ctx, block["id"])]
    return {**block, "children": children}


def _top_level(ctx, parent_id: str, start: dict) -> Iterator[tuple[dict, dict]]:
    """(position, block with descendants) for each top-level block from position `start`; a
    position is Notion's cursor of the listing page holding the block and its index there."""
    cursor, index = start.get("c"), int(start.get("i", 0))
    while True:
        page = ctx.client.blocks_children_list(
            parent_id, start_cursor=cursor, page_size=MAX_PAGE_SIZE
        )
        results = page.get("results") or []
        for position in range(index, len(results)):
            yield {"c": cursor, "i": position}, block_tree(ctx, results[position])
        next_cursor = page.get("next_cursor")
        if not page.get("has_more") or not next_cursor or next_cursor == cursor:
            return
        cursor, index = next_cursor, 0


def _position_from(cursor: str | None) -> dict:
    state = decode_cursor(cursor)
    if "notion_cursor" in state:
        raise ToolInputError(
            "This cursor does not belong to this page's content; pass next_cursor as returned.",
            field="cursor",
        )
    return state


def text_size(text: str) -> int:
    """Characters `text` takes inside a JSON result (escapes included)."""
    return len(json.dumps(text, ensure_ascii=False)) - 2


def _slice_to_budget(text: str, offset: int, budget: int) -> tuple[str, int | None]:
    """The longest slice of `text` from `offset` whose JSON size fits `budget`."""
    size = max(1, budget)
    while True:
        part, next_offset = slice_text(text, offset=offset, budget=size)
        if text_size(part) <= budget or size <= 1:
            return part, next_offset
        size = max(1, int(size * 0.8))


def page_content_markdown(ctx, page_id: str, *, budget: int, cursor: str | None = None) -> dict:
    """A page's (or block's) content as one Markdown document of at most `budget` JSON
    characters, read recursively. Returns {"markdown", "has_more", "next_cursor",
    "blocks_read"}; pass next_cursor back to continue where this part ended."""
    start = _position_from(cursor)
    offset = int(start.get("o", 0))
    head = ""  # the rest of a block cut by the previous part
    kept: list[tuple[dict, dict]] = []
    used = 0
    next_position: dict | None = None
    for position, block in _top_level(ctx, page_id, start):
        rendered = blocks_to_markdown([block])
        if offset:
            head, rest = _slice_to_budget(rendered, offset, budget)
            offset = 0
            used = text_size(head)
            if rest is not None:
                next_position = {**position, "o": rest}
                break
            continue
        size = text_size(rendered) + 2
        if used + size <= budget:
            kept.append((position, block))
            used += size
            continue
        if not kept and not head:
            # One block larger than the whole budget: send it in parts.
            head, rest = _slice_to_budget(rendered, 0, budget)
            next_position = {**position, "o": rest} if rest is not None else None
            if next_position is None:
                continue
            break
        next_position = position
        break
    numbered_before = 0 if head else int(start.get("n", 0))
    markdown = _join(head, kept, numbered_before)
    # Rendering blocks together can be a little longer (list numbers), so trim if it overflows.
    while kept and text_size(markdown) > budget:
        next_position = kept.pop()[0]
        markdown = _join(head, kept, numbered_before)
    if next_position is not None and "o" not in next_position:
        numbered = _numbered_run([block for _, block in kept], numbered_before)
        if numbered:
            next_position = {**next_position, "n": numbered}
    return {
        "markdown": markdown,
        "has_more": next_position is not None,
        "next_cursor": encode_cursor(next_position) if next_position else None,
        "blocks_read": len(kept),
    }


def _join(head: str, kept: list[tuple[dict, dict]], numbered_before: int = 0) -> str:
    blocks = [block for _, block in kept]
    if numbered_before and blocks and blocks[0].get("type") == "numbered_list_item":
        # A numbered list cut by the previous part goes on counting: render it behind
        # placeholder items (one line each) and drop their lines.
        placeholder = {"type": "numbered_list_item", "numbered_list_item": {"rich_text": []}}
        body = blocks_to_markdown([placeholder] * numbered_before + blocks)
        body = body.split("\n", numbered_before)[-1]
    else:
        body = blocks_to_markdown(blocks)
    return "\n\n".join(part for part in (head, body) if part)


def _numbered_run(blocks: list[dict], numbered_before: int) -> int:
    """How many numbered list items end `blocks` in a row (counting those before them)."""
    run = 0
    for block in reversed(blocks):
        if block.get("type") != "numbered_list_item":
            return run
        run += 1
    return run + numbered_before


def page_content_blocks(ctx, page_id: str, *, budget: int, cursor: str | None = None) -> dict:
    """A page's (or block's) content as Notion's block objects, descendants nested under
    "children", within `budget` JSON characters. A block too large alone is given without its
    children (marked "children_omitted"): read them with its id."""
    start = _position_from(cursor)
    kept: list[dict] = []
    used = 0
    next_position: dict | None = None
    for position, block in _top_level(ctx, page_id, start):
        size = json_size(block) + 2
        if used + size > budget and "children" in block:
            if kept:
                next_position = position
                break
            block = {k: v for k, v in block.items() if k != "children"} | {"children_omitted": True}
            size = json_size(block) + 2
        if kept and used + size > budget:
            next_position = position
            break
        kept.append(block)
        used += size
    return {
        "blocks": kept,
        "has_more": next_position is not None,
        "next_cursor": encode_cursor(next_position) if next_position else None,
    }


# --- lists within a budget -----------------------------------------------------------------------


def list_window(
    fetch: Callable[..., dict],
    *,
    cursor: str | None,
    limit: int,
    budget: int,
    shape: Callable[[dict], dict],
    results_key: str = "results",
) -> tuple[list[dict], str | None]:
    """Up to `limit` items of a Notion list endpoint, shaped, that fit `budget` characters, and
    the cursor to continue (None at the end). `fetch(start_cursor=, page_size=)` reads a page.

    Notion's cursors point at pages; when the budget cuts inside one, our own cursor records
    the page's cursor and how many of its items were already returned."""
    state = decode_cursor(cursor)
    page_cursor = state.get("notion_cursor", state.get("c"))
    skip = int(state.get("s", 0))
    items: list[tuple[dict, dict]] = []  # (position, shaped item)
    after_last: dict | None = None
    while len(items) < limit:
        page = fetch(
            start_cursor=page_cursor, page_size=min(MAX_PAGE_SIZE, skip + limit - len(items))
        )
        results = page.get(results_key) or []
        for index in range(skip, len(results)):
            if len(items) == limit:
                after_last = {"c": page_cursor, "s": index}
                break
            items.append(({"c": page_cursor, "s": index}, shape(results[index])))
        else:
            next_cursor = page.get("next_cursor")
            if page.get("has_more") and next_cursor and next_cursor != page_cursor:
                after_last = {"c": next_cursor, "s": 0}
                page_cursor, skip = next_cursor, 0
                continue
            after_last = None
        break
    shaped = [item for _, item in items]
    fitted, cut = fit_items(shaped, budget=budget, overhead=0)
    if cut:
        after_last = items[len(fitted)][0]
    return fitted, _list_cursor(after_last)


def _list_cursor(position: dict | None) -> str | None:
    if position is None:
        return None
    if not position.get("s") and position.get("c"):
        return position["c"]  # Notion's own cursor is enough at a page boundary
    return encode_cursor(position)
