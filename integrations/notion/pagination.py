"""Iterate Notion's cursor-paginated lists, stopping at a limit and at the 10,000-result cap."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

FetchPage = Callable[[str | None], dict[str, Any]]


class Paginated(Iterator[dict[str, Any]]):
    """Items of a paginated list, fetched page by page as iteration needs them.

    After iteration:
    - `has_more`: more items exist; continue with `start_cursor=next_cursor` (None there means
      from the start, which happens only when the limit fell inside the first page);
    - `resume_offset`: items of the page at `next_cursor` already seen (non-zero only when the
      limit fell mid-page; `NotionClient.paginate` sizes pages so that never happens);
    - `incomplete`: Notion stopped the query early (`request_status.type == "incomplete"`, the
      10,000-result cap: https://developers.notion.com/guides/data-apis/query-large-data-sources);
    - `pages_fetched`, `items_yielded`, and `request_ids` of the responses read.
    """

    def __init__(
        self, fetch_page: FetchPage, *, limit: int | None = None, results_key: str = "results"
    ) -> None:
        if limit is not None and limit < 0:
            raise ValueError("limit must be zero or more")
        self._fetch_page = fetch_page
        self.limit = limit
        self.results_key = results_key
        self.next_cursor: str | None = None
        self.has_more = True
        self.resume_offset = 0
        self.incomplete = False
        self.incomplete_reason: str | None = None
        self.pages_fetched = 0
        self.items_yielded = 0
        self.request_ids: list[str] = []
        self._buffer: deque[dict[str, Any]] = deque()
        self._page_cursor: str | None = None
        self._page_taken = 0
        self._exhausted = False

    @property
    def remaining(self) -> int | None:
        """Items still wanted before the limit, or None without a limit."""
        return None if self.limit is None else self.limit - self.items_yielded

    def __iter__(self) -> Paginated:
        return self

    def __next__(self) -> dict[str, Any]:
        while True:
            if self.remaining == 0:
                self._stop_at_limit()
                raise StopIteration
            if self._buffer:
                self.items_yielded += 1
                self._page_taken += 1
                return self._buffer.popleft()
            if self._exhausted:
                raise StopIteration
            self._fetch()

    def _fetch(self) -> None:
        cursor = self.next_cursor
        page = self._fetch_page(cursor)
        self.pages_fetched += 1
        if isinstance(page.get("request_id"), str):
            self.request_ids.append(page["request_id"])
        self._buffer.extend(page.get(self.results_key) or [])
        self._page_cursor, self._page_taken = cursor, 0
        status = page.get("request_status") or {}
        if isinstance(status, dict) and status.get("type") == "incomplete":
            self.incomplete = True
            self.incomplete_reason = status.get("incomplete_reason")
        next_cursor = page.get("next_cursor")
        self.has_more = bool(page.get("has_more")) and bool(next_cursor)
        # A cursor that does not move would loop forever; treat it as the end.
        if not self.has_more or next_cursor == cursor:
            self.has_more = False
            self.next_cursor = None
            self._exhausted = True
        else:
            self.next_cursor = next_cursor

    def _stop_at_limit(self) -> None:
        if self._buffer:
            # Stopped mid-page: resume from that page's start and skip what was already seen.
            self.next_cursor = self._page_cursor
            self.resume_offset = self._page_taken
            self.has_more = True
        self._buffer.clear()
        self._exhausted = True


def iterate(
    fetch_page: FetchPage, *, limit: int | None = None, results_key: str = "results"
) -> Paginated:
    """Iterate the items of a paginated endpoint; `fetch_page(cursor)` returns one page."""
    return Paginated(fetch_page, limit=limit, results_key=results_key)
