"""Comment tools: add a comment (or a reply in a discussion) and list the open comments."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from integrations.notion.markdown import rich_text_to_markdown, rich_text_to_plain
from integrations.tools import content
from integrations.tools.base import Tool, ToolContext
from integrations.tools.inputs import BUDGET_DEFAULT, Limit, MaxChars, NotionId, ToolInput


def comment_item(comment: dict) -> dict:
    """A comment as an assistant reads it: who, when, where, and the text as Markdown."""
    created_by = comment.get("created_by") or {}
    author = {"id": created_by.get("id")}
    name = (comment.get("display_name") or {}).get("resolved_name")
    if name:
        author["name"] = name
    parent = comment.get("parent") or {}
    kind = parent.get("type", "")
    return {
        "id": comment["id"],
        "discussion_id": comment.get("discussion_id"),
        "on": {"type": kind.removesuffix("_id"), "id": parent.get(kind)},
        "author": author,
        "created_time": comment.get("created_time"),
        "text": rich_text_to_markdown(comment.get("rich_text")),
    }


# --- notion_add_comment ----------------------------------------------------------------------


class AddCommentInput(ToolInput):
    page_id: NotionId = Field(
        description="The page or block to comment on; for a reply, the page or block the "
        "discussion is on (as notion_list_comments shows it)."
    )
    text: str = Field(
        min_length=1,
        max_length=20_000,
        description="The comment as inline Markdown (**bold**, *italic*, `code`, [link](url)).",
    )
    discussion_id: NotionId | None = Field(
        default=None,
        description="Reply in this discussion (from notion_list_comments) instead of starting "
        "a new one.",
    )


def _rich_text(args: AddCommentInput) -> list[dict]:
    rich = content.inline_rich_text(args.text)
    probe = [{"type": "paragraph", "paragraph": {"rich_text": rich}}]
    return content.checked_blocks(probe, field="text")[0]["paragraph"]["rich_text"]


def add_comment(ctx: ToolContext, args: AddCommentInput) -> dict:
    rich_text = _rich_text(args)
    if args.discussion_id:
        comment = ctx.client.comments_create(discussion_id=args.discussion_id, rich_text=rich_text)
    else:
        target = ctx.client.blocks_retrieve(args.page_id)
        key = "page_id" if target.get("type") == "child_page" else "block_id"
        comment = ctx.client.comments_create(parent={key: target["id"]}, rich_text=rich_text)
    return comment_item(comment)


def add_comment_landed(ctx: ToolContext, args: AddCommentInput, since: datetime) -> dict | None:
    """The same text, by this integration's bot, on the same page or block, at or after
    `since` (in the same discussion for a reply)."""
    text = rich_text_to_plain(_rich_text(args))
    bot_id = ctx.client.users_me().get("id")
    for comment in ctx.client.paginate("comments_list", block_id=args.page_id):
        if (
            (comment.get("created_by") or {}).get("id") == bot_id
            and rich_text_to_plain(comment.get("rich_text")) == text
            and content.created_since(comment, since)
            and (not args.discussion_id or comment.get("discussion_id") == args.discussion_id)
        ):
            return comment_item(comment)
    return None


# --- notion_list_comments --------------------------------------------------------------------


class ListCommentsInput(ToolInput):
    page_id: NotionId = Field(description="The page or block whose comments to list.")
    limit: Limit = 50
    max_chars: MaxChars = BUDGET_DEFAULT
    cursor: str | None = Field(default=None, description="next_cursor from the previous call.")


def list_comments(ctx: ToolContext, args: ListCommentsInput) -> dict:
    items, next_cursor = content.list_window(
        lambda **page: ctx.client.comments_list(block_id=args.page_id, **page),
        cursor=args.cursor,
        limit=args.limit,
        budget=args.max_chars - content.RESULT_OVERHEAD,
        shape=comment_item,
    )
    return {
        "page_id": args.page_id,
        "comments": items,
        "has_more": next_cursor is not None,
        "next_cursor": next_cursor,
    }


TOOLS = [
    Tool(
        name="notion_add_comment",
        description="Comment on a page or a block, or reply in an existing discussion "
        "(discussion_id from notion_list_comments). Use it to leave a remark for people "
        "without changing the page itself. Text is inline Markdown. Returns the comment {id, "
        "discussion_id, text}.",
        access="write",
        input_model=AddCommentInput,
        handler=add_comment,
        find_landed=add_comment_landed,
    ),
    Tool(
        name="notion_list_comments",
        description="List the open (unresolved) comments on a page or block, oldest first. Use "
        "it before replying in a discussion. Returns {comments: [{id, discussion_id, author, "
        "created_time, text as Markdown}], has_more, next_cursor}. Comments on blocks inside a "
        "page are listed per block.",
        access="read",
        input_model=ListCommentsInput,
        handler=list_comments,
    ),
]
