"""notion_get_page: properties plus content as Markdown (or blocks) within a budget."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from integrations.tools import content
from integrations.tools.base import ToolContext
from integrations.tools.errors import ToolInputError
from integrations.tools.inputs import BUDGET_DEFAULT, MaxChars, NotionId, ToolInput
from integrations.tools.output import json_size
from integrations.tools.pages.common import page_result
from integrations.tools.properties import page_properties_plain


class GetPageInput(ToolInput):
    page_id: NotionId = Field(description="The page: its id or URL.")
    raw: bool = Field(
        default=False,
        description="Return the content as Notion block objects instead of Markdown (larger; "
        "only when block ids or exact formatting are needed).",
    )
    include_content: bool = Field(default=True, description="false: properties only, no content.")
    max_chars: MaxChars = BUDGET_DEFAULT
    cursor: str | None = Field(
        default=None,
        description="next_cursor from a previous call, to read the rest of a long page.",
    )


def _page_meta(page: dict) -> dict:
    meta = page_result(page)
    if (page.get("parent") or {}).get("type") in ("data_source_id", "database_id"):
        meta["properties"] = page_properties_plain(page)
    icon = page.get("icon") or {}
    if icon.get("type") == "emoji":
        meta["icon"] = icon.get("emoji")
    meta |= {
        "created_time": page.get("created_time"),
        "last_edited_time": page.get("last_edited_time"),
    }
    if page.get("in_trash"):
        meta["in_trash"] = True
    return meta


def get_page(ctx: ToolContext, args: GetPageInput) -> dict:
    if args.cursor:
        # A continuation: the page's properties were in the first part.
        meta: dict[str, Any] = {"id": args.page_id}
    else:
        meta = _page_meta(ctx.client.pages_retrieve(args.page_id))
        if not args.include_content:
            return meta
    budget = args.max_chars - json_size(meta) - content.RESULT_OVERHEAD
    if budget < 200:
        raise ToolInputError(
            "max_chars is too small for this page's properties; raise it.", field="max_chars"
        )
    reader = content.page_content_blocks if args.raw else content.page_content_markdown
    body = reader(ctx, args.page_id, budget=budget, cursor=args.cursor)
    body.pop("blocks_read", None)
    return meta | body
