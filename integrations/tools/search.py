"""Search tool: find pages and databases shared with the integration by title."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from integrations.notion.markdown import rich_text_to_plain
from integrations.tools import content
from integrations.tools.base import Tool, ToolContext
from integrations.tools.inputs import BUDGET_DEFAULT, Limit, MaxChars, ToolInput
from integrations.tools.pages import page_title, parent_summary

_FILTERS = {"page": "page", "database": "data_source"}
_SORTS = {
    "last_edited_desc": {"timestamp": "last_edited_time", "direction": "descending"},
    "last_edited_asc": {"timestamp": "last_edited_time", "direction": "ascending"},
}


def search_item(result: dict) -> dict:
    """A page or a database (Notion returns its data source) as a short item."""
    if result.get("object") == "data_source":
        database_id = (result.get("parent") or {}).get("database_id")
        item = {
            "object": "database",
            "id": database_id or result["id"],
            "data_source_id": result["id"],
            "title": rich_text_to_plain(result.get("title")),
            "url": result.get("url"),
            "parent": parent_summary(result.get("database_parent")),
        }
    else:
        item = {
            "object": "page",
            "id": result["id"],
            "title": page_title(result),
            "url": result.get("url"),
            "parent": parent_summary(result.get("parent")),
        }
    item["last_edited_time"] = result.get("last_edited_time")
    if result.get("in_trash"):
        item["in_trash"] = True
    return item


class SearchPagesInput(ToolInput):
    query: str = Field(
        default="",
        max_length=500,
        description="Words of the title to look for (Notion searches titles, not page text); "
        "empty lists everything shared with the integration.",
    )
    object: Literal["page", "database", "all"] = Field(
        default="all", description="Only pages, only databases, or both."
    )
    sort: Literal["relevance", "last_edited_desc", "last_edited_asc"] = Field(
        default="relevance", description="Order of results."
    )
    limit: Limit = 20
    max_chars: MaxChars = BUDGET_DEFAULT
    cursor: str | None = Field(default=None, description="next_cursor from the previous call.")


def search_pages(ctx: ToolContext, args: SearchPagesInput) -> dict:
    kind = _FILTERS.get(args.object)
    search_filter = {"property": "object", "value": kind} if kind else None

    def fetch(**page) -> dict:
        return ctx.client.search(
            query=args.query or None, filter=search_filter, sort=_SORTS.get(args.sort), **page
        )

    items, next_cursor = content.list_window(
        fetch,
        cursor=args.cursor,
        limit=args.limit,
        budget=args.max_chars - content.RESULT_OVERHEAD,
        shape=search_item,
    )
    return {"results": items, "has_more": next_cursor is not None, "next_cursor": next_cursor}


TOOLS = [
    Tool(
        name="notion_search_pages",
        description="Find pages and databases shared with the integration by words of their "
        "title (not their text). Returns {results: [{object, id, title, url, parent, "
        "last_edited_time}], has_more, next_cursor}; databases also carry data_source_id. Use "
        "it to get the id of a page or database before reading or writing it.",
        access="read",
        input_model=SearchPagesInput,
        handler=search_pages,
    ),
]
