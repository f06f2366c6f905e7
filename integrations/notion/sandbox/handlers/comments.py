"""Comment endpoints: create (page, block or discussion), list unresolved, get, update, delete."""

from __future__ import annotations

from ..context import Ctx
from ..errors import body_validation, restricted, validation
from ..events import comment_event
from ..markdown import inline_parse
from ..ops import comment_create
from ..pagination import list_body, page_params, paginate
from ..render import comment_render
from ..richtext import rich_text_normalize
from ..util import dump, parse_id

MAX_ATTACHMENTS = 3


def _comment_text(ctx: Ctx, body: dict) -> list[dict]:
    if body.get("rich_text") is not None and body.get("markdown") is not None:
        raise validation(
            "body failed validation: provide either `rich_text` or `markdown`, not both."
        )
    if body.get("markdown") is not None:
        if not isinstance(body["markdown"], str):
            raise body_validation(
                f"body.markdown should be a string, instead was `{dump(body['markdown'])}`."
            )
        return rich_text_normalize(inline_parse(body["markdown"]), "body.markdown", ctx.resolve)
    if body.get("rich_text") is None:
        raise body_validation("body.rich_text should be defined, instead was `undefined`.")
    return rich_text_normalize(body["rich_text"], "body.rich_text", ctx.resolve)


def comments_create(ctx: Ctx) -> dict:
    ctx.require("insert_comments")
    state = ctx.state
    body = ctx.body
    attachments = body.get("attachments") or []
    if len(attachments) > MAX_ATTACHMENTS:
        raise body_validation(
            f"body.attachments.length should be ≤ `{MAX_ATTACHMENTS}`, instead "
            f"was `{len(attachments)}`."
        )
    discussion_id = None
    if body.get("discussion_id") is not None:
        discussion_id = parse_id(body["discussion_id"])
        thread = [c for c in state.comments.values() if c["discussion_id"] == discussion_id]
        if not thread or not state.visible(thread[0]["id"], ctx.integration):
            raise ctx.not_found("discussion", discussion_id or str(body["discussion_id"]))
        parent = dict(thread[0]["parent"])
    else:
        raw = body.get("parent")
        if not isinstance(raw, dict):
            raise body_validation("body.parent should be defined, instead was `undefined`.")
        if "page_id" in raw:
            parent = {"type": "page_id", "page_id": ctx.lookup("page", raw["page_id"])["id"]}
        elif "block_id" in raw:
            parent = {"type": "block_id", "block_id": ctx.lookup("block", raw["block_id"])["id"]}
        else:
            raise body_validation("body.parent.page_id should be defined, instead was `undefined`.")
    comment = comment_create(
        state,
        parent=parent,
        discussion_id=discussion_id,
        rich_text=_comment_text(ctx, body),
        actor=ctx.actor,
        workspace_id=ctx.integration["workspace_id"],
        display_name={"type": "integration", "resolved_name": ctx.integration["name"]},
    )
    comment_event(ctx, "comment.created", comment)
    return comment_render(state, comment)


def comments_list(ctx: Ctx) -> dict:
    ctx.require("read_comments")
    state = ctx.state
    raw = ctx.query.get("block_id")
    if raw is None:
        raise validation(
            "query failed validation: query.block_id should be defined, instead was `undefined`."
        )
    target = ctx.lookup("block", raw, "query.block_id")
    size, cursor = page_params(ctx.query, "query")
    ids = [
        comment["id"]
        for comment in sorted(state.comments.values(), key=lambda c: c["seq"])
        if comment["parent"].get(comment["parent"]["type"]) == target["id"]
        and not comment["resolved"]
    ]
    window = paginate(state, ids, f"comments:{target['id']}", cursor, size, "query")
    results = [comment_render(state, state.comments[cid]) for cid in window.ids]
    return list_body(results, window, "comment")


def comments_get(ctx: Ctx) -> dict:
    ctx.require("read_comments")
    return comment_render(ctx.state, ctx.lookup("comment", ctx.path_id("comment_id")))


def _own_comment(ctx: Ctx) -> dict:
    ctx.require("insert_comments")
    comment = ctx.lookup("comment", ctx.path_id("comment_id"))
    if comment["created_by"] != ctx.actor:
        raise restricted()
    return comment


def comments_update(ctx: Ctx) -> dict:
    comment = _own_comment(ctx)
    comment["rich_text"] = _comment_text(ctx, ctx.body)
    comment["last_edited_time"], comment["edit_seq"] = ctx.state.stamp()
    comment_event(ctx, "comment.updated", comment)
    return comment_render(ctx.state, comment)


def comments_delete(ctx: Ctx) -> dict:
    comment = _own_comment(ctx)
    del ctx.state.comments[comment["id"]]
    comment_event(ctx, "comment.deleted", comment)
    return comment_render(ctx.state, comment)
