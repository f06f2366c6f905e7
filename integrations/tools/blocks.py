"""Block tools: read one level of children, append content, update or trash one block."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, model_validator

from integrations.notion.markdown import blocks_to_markdown
from integrations.notion.markdown.vocabulary import NOTION_LANGUAGES, language_from_info
from integrations.tools import content
from integrations.tools.base import Tool, ToolContext
from integrations.tools.errors import ToolInputError
from integrations.tools.inputs import BUDGET_DEFAULT, Limit, MaxChars, NotionId, ToolInput

# Blocks whose text is their rich_text (what notion_update_block's `text` replaces).
TEXT_TYPES = frozenset(
    {
        "paragraph",
        "heading_1",
        "heading_2",
        "heading_3",
        "heading_4",
        "bulleted_list_item",
        "numbered_list_item",
        "to_do",
        "toggle",
        "quote",
        "callout",
        "code",
    }
)


def block_markdown(block: dict) -> str:
    """One block alone as Markdown, without a note about children it was not read with."""
    return blocks_to_markdown([{**block, "has_children": False}])


def block_item(block: dict) -> dict:
    """A block as a compact item: id, type, its own Markdown, and whether it has children."""
    item = {"id": block["id"], "type": block.get("type"), "markdown": block_markdown(block)}
    if block.get("has_children"):
        item["has_children"] = True
    return item


# --- notion_get_block_children ---------------------------------------------------------------


class GetBlockChildrenInput(ToolInput):
    block_id: NotionId = Field(description="The page or block whose children to list.")
    format: Literal["markdown", "blocks"] = Field(
        default="markdown",
        description="markdown: each child as {id, type, markdown, has_children}; blocks: "
        "Notion's block objects.",
    )
    limit: Limit = 50
    max_chars: MaxChars = BUDGET_DEFAULT
    cursor: str | None = Field(default=None, description="next_cursor from the previous call.")


def get_block_children(ctx: ToolContext, args: GetBlockChildrenInput) -> dict:
    shape = block_item if args.format == "markdown" else (lambda block: block)
    items, next_cursor = content.list_window(
        lambda **page: ctx.client.blocks_children_list(args.block_id, **page),
        cursor=args.cursor,
        limit=args.limit,
        budget=args.max_chars - content.RESULT_OVERHEAD,
        shape=shape,
    )
    return {
        "block_id": args.block_id,
        "blocks": items,
        "has_more": next_cursor is not None,
        "next_cursor": next_cursor,
    }


# --- notion_append_block_children ------------------------------------------------------------


class AppendBlockChildrenInput(ToolInput):
    block_id: NotionId = Field(description="The page or block to add content to.")
    markdown: str | None = Field(default=None, description=content.MARKDOWN_HELP)
    blocks: list[dict] | None = Field(default=None, description=content.BLOCKS_HELP)
    after: NotionId | None = Field(
        default=None,
        description="Insert after this child block (its id); omit to add at the end.",
    )

    @model_validator(mode="after")
    def _one_content(self) -> AppendBlockChildrenInput:
        if (self.markdown is None) == (self.blocks is None):
            raise ValueError("give exactly one of markdown or blocks")
        return self


def _append_result(block_id: str, created: list[dict], written: int) -> dict:
    return {
        "block_id": block_id,
        "blocks_written": written,
        "block_ids": [block["id"] for block in created[:100]],
    }


def append_block_children(ctx: ToolContext, args: AppendBlockChildrenInput) -> dict:
    blocks = content.content_blocks(args.markdown, args.blocks)
    if not blocks:
        raise ToolInputError("There is no content to append.", field="markdown")
    created = content.append_content(ctx, args.block_id, blocks, after=args.after)
    return _append_result(args.block_id, created, created.blocks_written)


def append_block_children_landed(
    ctx: ToolContext, args: AppendBlockChildrenInput, since: datetime
) -> dict | None:
    blocks = content.content_blocks(args.markdown, args.blocks)
    found = content.landed_append(ctx, args.block_id, blocks, since)
    if found is None:
        return None
    return _append_result(args.block_id, found, content.count_blocks(blocks))


# --- notion_update_block ---------------------------------------------------------------------


class UpdateBlockInput(ToolInput):
    block_id: NotionId = Field(description="The block to change.")
    text: str | None = Field(
        default=None,
        description="New text of a text block (paragraph, heading, list item, to-do, toggle, "
        "quote, callout) as inline Markdown (**bold**, *italic*, `code`, [link](url)); for a "
        "code block, the code as is.",
    )
    checked: bool | None = Field(default=None, description="For a to-do: tick or untick it.")
    language: str | None = Field(
        default=None, description="For a code block: its language (e.g. python, sql)."
    )

    @model_validator(mode="after")
    def _something(self) -> UpdateBlockInput:
        if self.text is None and self.checked is None and self.language is None:
            raise ValueError("nothing to change: give text, checked or language")
        language = (self.language or "").strip().lower()
        plain = language in ("plain text", "text", "plain", "")
        if not plain and language_from_info(language) == "plain text":
            raise ValueError(
                f"unknown code language {self.language!r}; Notion knows e.g. "
                + ", ".join(sorted(NOTION_LANGUAGES)[:40])
            )
        return self


def _update_body(args: UpdateBlockInput, kind: str) -> dict:
    if kind not in TEXT_TYPES:
        raise ToolInputError(
            f"A {kind} block can't be changed with this tool; it changes text blocks, to-dos "
            "and code blocks.",
            field="block_id",
            hint="Delete it with notion_delete_block and append a new one instead.",
        )
    data: dict[str, Any] = {}
    if args.checked is not None:
        if kind != "to_do":
            message = f"checked applies to to-do blocks; this is a {kind}."
            raise ToolInputError(message, field="checked")
        data["checked"] = args.checked
    if args.language is not None:
        if kind != "code":
            message = f"language applies to code blocks; this is a {kind}."
            raise ToolInputError(message, field="language")
        data["language"] = language_from_info(args.language)
    if args.text is not None:
        rich = (
            [{"type": "text", "text": {"content": args.text}}]
            if kind == "code"
            else content.inline_rich_text(args.text)
        )
        probe = content.checked_blocks([{"type": kind, kind: {"rich_text": rich}}], field="text")
        data["rich_text"] = probe[0][kind]["rich_text"]
    return {kind: data}


def update_block(ctx: ToolContext, args: UpdateBlockInput) -> dict:
    block = ctx.client.blocks_retrieve(args.block_id)
    kind = block.get("type", "")
    updated = ctx.client.blocks_update(args.block_id, body=_update_body(args, kind))
    return block_item(updated)


# --- notion_delete_block ---------------------------------------------------------------------


class DeleteBlockInput(ToolInput):
    block_id: NotionId = Field(description="The block to move to the trash.")


def delete_block(ctx: ToolContext, args: DeleteBlockInput) -> dict:
    block = ctx.client.blocks_delete(args.block_id)
    result = {"id": block["id"], "type": block.get("type"), "in_trash": True}
    if block.get("type") == "child_page":
        result["restore"] = (
            f"This was a sub-page; notion_restore_page with page_id {block['id']} brings it back."
        )
    return result


TOOLS = [
    Tool(
        name="notion_get_block_children",
        description="List one level of a page's or block's children, in order, with their ids. "
        "Use it when you need block ids to update, delete or insert after a block (to read a "
        "page, notion_get_page is better). Returns {blocks: [{id, type, markdown, "
        "has_children}], has_more, next_cursor}; pass next_cursor back while has_more is true.",
        access="read",
        input_model=GetBlockChildrenInput,
        handler=get_block_children,
    ),
    Tool(
        name="notion_append_block_children",
        description="Add content to a page or block, at the end or after a given child block, "
        "from Markdown or Notion blocks of any length (sent in chunks within Notion's limits). "
        "Use it to add to an existing page without touching what is there. Returns "
        "{blocks_written, block_ids} (ids of the new top-level blocks).",
        access="write",
        input_model=AppendBlockChildrenInput,
        handler=append_block_children,
        find_landed=append_block_children_landed,
    ),
    Tool(
        name="notion_update_block",
        description="Change one block: its text (inline Markdown), a to-do's checkbox, or a code "
        "block's language. Use it when one item changes, e.g. ticking a to-do (block ids come "
        "from notion_get_block_children). A block's type can't change. Returns the block as "
        "{id, type, markdown}.",
        access="write",
        input_model=UpdateBlockInput,
        handler=update_block,
    ),
    Tool(
        name="notion_delete_block",
        description="Move one block (and what is nested under it) to Notion's trash. Use it when "
        "a paragraph, list item or other block should go (ids from notion_get_block_children). "
        "Returns {id, type, in_trash}.",
        access="full",
        input_model=DeleteBlockInput,
        handler=delete_block,
    ),
]
