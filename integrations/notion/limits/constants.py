"""Notion's documented request size limits and the local error raised before breaking one."""

from __future__ import annotations

from typing import Any

# https://developers.notion.com/reference/request-limits#size-limits
MAX_CHILDREN = 100
MAX_NESTING = 2
MAX_TEXT = 2000
MAX_RICH_TEXT_ITEMS = 100
MAX_PAGE_SIZE = 100
MAX_BLOCKS_PER_PAYLOAD = 1000
MAX_PAYLOAD_BYTES = 500_000
MAX_URL = 2000
MAX_EQUATION = 1000
MAX_EMAIL = 200
MAX_PHONE = 200
MAX_MULTI_SELECT = 100
MAX_RELATION = 100
MAX_PEOPLE = 100

_UNITS = {
    "MAX_TEXT": "characters",
    "MAX_URL": "characters",
    "MAX_EQUATION": "characters",
    "MAX_EMAIL": "characters",
    "MAX_PHONE": "characters",
    "MAX_PAYLOAD_BYTES": "bytes",
    "MAX_NESTING": "levels",
}


class NotionLimitError(ValueError):
    """A request would break a Notion size limit; raised locally, before anything is sent."""

    def __init__(
        self,
        limit: str,
        field: str,
        *,
        actual: int | None = None,
        maximum: int | None = None,
        detail: str = "",
    ) -> None:
        self.limit = limit
        self.field = field
        self.actual = actual
        self.maximum = maximum if maximum is not None else globals().get(limit)
        self.detail = detail
        super().__init__(self._message())

    def _message(self) -> str:
        unit = _UNITS.get(self.limit, "items")
        text = f"{self.limit} exceeded at {self.field}"
        if self.actual is not None:
            text += f": {self.actual} {unit}"
        if self.maximum is not None:
            text += f" (Notion allows at most {self.maximum})"
        if self.detail:
            text += f"; {self.detail}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": type(self).__name__,
            "limit": self.limit,
            "field": self.field,
            "actual": self.actual,
            "maximum": self.maximum,
            "message": str(self),
        }


def utf16_len(text: str) -> int:
    """Length as Notion counts it: JavaScript string length, i.e. UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def check_page_size(page_size: int | None, field: str = "page_size") -> None:
    if page_size is None:
        return
    if page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise NotionLimitError(
            "MAX_PAGE_SIZE", field, actual=page_size, detail="page_size must be 1 to 100"
        )
