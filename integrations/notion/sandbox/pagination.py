"""Cursor pagination: cursors the server issued, page_size ≤ 100, the result cap."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import validation
from .util import dump, new_id, parse_id

MAX_PAGE_SIZE = 100


@dataclass
class Page:
    ids: list[str]
    next_cursor: str | None
    has_more: bool
    request_status: dict | None = None


def page_params(source: dict, where: str) -> tuple[int, str | None]:
    """Read page_size and start_cursor from a body ("body") or query string ("query")."""
    raw_size = source.get("page_size")
    cursor = source.get("start_cursor")
    if where == "query" and isinstance(raw_size, str):
        if not raw_size.lstrip("-").isdigit():
            raise validation(
                f"query failed validation: query.page_size should be a number, instead was "
                f"`{dump(raw_size)}`."
            )
        raw_size = int(raw_size)
    size = MAX_PAGE_SIZE if raw_size is None else raw_size
    if not isinstance(size, int) or isinstance(size, bool):
        raise validation(
            f"{where} failed validation: {where}.page_size should be a number, instead was "
            f"`{dump(raw_size)}`."
        )
    if size > MAX_PAGE_SIZE:
        raise validation(
            f"{where} failed validation: {where}.page_size should be ≤ `{MAX_PAGE_SIZE}`, "
            f"instead was `{size}`."
        )
    if size < 1:
        raise validation(
            f"{where} failed validation: {where}.page_size should be ≥ `1`, instead was `{size}`."
        )
    if cursor is not None and not isinstance(cursor, str):
        raise validation(
            f"{where} failed validation: {where}.start_cursor should be a string, instead was "
            f"`{dump(cursor)}`."
        )
    return size, cursor or None


def paginate(
    state,
    items: list[str],
    scope: str,
    cursor: str | None,
    size: int,
    where: str = "body",
    cap: int | None = None,
) -> Page:
    """Slice `items` after `cursor`; a capped listing ends with request_status incomplete."""
    start = 0
    if cursor is not None:
        issued = state.cursors.get(f"{scope}|{cursor}")
        if issued is None:
            raise validation(
                f"{where} failed validation: {where}.start_cursor should be a cursor returned by "
                f"this endpoint, instead was `{dump(cursor)}`."
            )
        anchor = issued["anchor"]
        try:
            start = items.index(anchor)
        except ValueError:
            start = min(issued["offset"], len(items))
    limit = len(items) if cap is None else min(len(items), cap)
    end = min(start + size, limit)
    page_ids = items[start:end] if start < limit else []
    has_more = end < limit
    status = None
    if cap is not None and len(items) > cap and end >= cap:
        status = {"type": "incomplete", "incomplete_reason": "query_result_limit_reached"}
    next_cursor = None
    if has_more:
        # Like Notion, a cursor is the id of the next item (opaque when items have no uuid).
        next_cursor = items[end] if parse_id(items[end]) else new_id()
        state.cursor_issue(f"{scope}|{next_cursor}", items[end], end)
    return Page(page_ids, next_cursor, has_more, status)


def list_body(results: list, page: Page, kind: str, extra: dict | None = None) -> dict:
    body = {
        "object": "list",
        "results": results,
        "next_cursor": page.next_cursor,
        "has_more": page.has_more,
        "type": kind,
        kind: extra if extra is not None else {},
    }
    if page.request_status is not None:
        body["request_status"] = page.request_status
    return body
