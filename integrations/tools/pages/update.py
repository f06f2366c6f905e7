"""notion_update_page, notion_delete_page and notion_restore_page."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, model_validator

from integrations.notion.markdown import plain_to_rich_text
from integrations.tools import content
from integrations.tools.base import ToolContext
from integrations.tools.errors import ToolInputError
from integrations.tools.inputs import NotionId, ToolInput
from integrations.tools.pages.common import (
    check_cover,
    check_icon,
    cover_value,
    icon_value,
    page_result,
    properties_for,
    title_property_name,
)

# --- notion_update_page ----------------------------------------------------------------------


class UpdatePageInput(ToolInput):
    page_id: NotionId = Field(description="The page to change: its id or URL.")
    title: str | None = Field(default=None, max_length=2000, description="A new title.")
    properties: dict[str, Any] | None = Field(
        default=None,
        description="For a page in a database: new values by property name, plain "
        '(e.g. {"Status": "Done"}); null clears a value.',
    )
    icon: str | None = Field(
        default=None, description="An emoji or an https:// image URL; empty string removes it."
    )
    cover: str | None = Field(
        default=None, description="An https:// image URL; empty string removes it."
    )
    markdown: str | None = Field(
        default=None,
        description="Content to add, or to replace the page's content with. "
        + content.MARKDOWN_HELP,
    )
    content_mode: Literal["append", "replace"] = Field(
        default="append",
        description="append: add markdown at the end of the page; replace: move the page's "
        "current blocks to the trash first (sub-pages and databases stay).",
    )

    @model_validator(mode="after")
    def _something(self) -> UpdatePageInput:
        fields = (self.title, self.properties, self.icon, self.cover, self.markdown)
        if all(value is None for value in fields):
            raise ValueError("nothing to change: give title, properties, icon, cover or markdown")
        check_icon(self.icon)
        check_cover(self.cover)
        return self


def _update_properties(ctx: ToolContext, args: UpdatePageInput, page: dict) -> dict:
    parent = page.get("parent") or {}
    values = dict(args.properties or {})
    if parent.get("type") != "data_source_id":
        if values:
            raise ToolInputError(
                "properties can only be set on a page in a database; this page's only property "
                "is its title.",
                field="properties",
            )
        return (
            {"title": {"title": plain_to_rich_text(args.title)}} if args.title is not None else {}
        )
    schema = ctx.client.data_sources_retrieve(parent["data_source_id"]).get("properties") or {}
    if args.title is not None:
        values[title_property_name(page)] = args.title
    return properties_for(ctx, schema, values) if values else {}


def update_page(ctx: ToolContext, args: UpdatePageInput) -> dict:
    blocks = content.blocks_from_markdown(args.markdown) if args.markdown is not None else None
    page = ctx.client.pages_retrieve(args.page_id)
    updated: list[str] = []
    properties = {}
    if args.title is not None or args.properties:
        properties = _update_properties(ctx, args, page)
        updated += [name for name in ("title",) if args.title is not None]
        updated += list(args.properties or {})
    icon, cover = icon_value(args.icon), cover_value(args.cover)
    updated += [name for name, value in (("icon", icon), ("cover", cover)) if value is not None]
    if properties or icon is not None or cover is not None:
        page = ctx.client.pages_update(
            args.page_id, properties=properties or None, icon=icon, cover=cover
        )
    extra: dict[str, Any] = {}
    if blocks is not None:
        if args.content_mode == "replace":
            extra["blocks_removed"] = content.clear_content(ctx, page["id"])
        extra["blocks_written"] = content.write_blocks(ctx, page["id"], blocks)
        updated.append("content")
    return page_result(page, updated=updated, **extra)


def update_page_landed(ctx: ToolContext, args: UpdatePageInput, since: datetime) -> dict | None:
    """Only appending content can't be repeated safely; every other change can be sent again."""
    if args.markdown is None or args.content_mode != "append":
        return None
    blocks = content.blocks_from_markdown(args.markdown)
    written = content.appended_since(ctx, args.page_id, blocks, since)
    if written is None:
        return None
    page = ctx.client.pages_retrieve(args.page_id)
    return page_result(page, updated=["content"], blocks_written=written)


# --- notion_delete_page / notion_restore_page ------------------------------------------------


class PageIdInput(ToolInput):
    page_id: NotionId = Field(description="The page: its id or URL.")


def delete_page(ctx: ToolContext, args: PageIdInput) -> dict:
    page = ctx.client.pages_trash(args.page_id)
    return page_result(
        page,
        in_trash=True,
        restore=f"Notion keeps it in the trash (about 30 days): call notion_restore_page with "
        f"page_id {page['id']} to bring it back.",
    )


def restore_page(ctx: ToolContext, args: PageIdInput) -> dict:
    page = ctx.client.pages_restore(args.page_id)
    return page_result(page, in_trash=bool(page.get("in_trash")))
