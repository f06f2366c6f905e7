"""Block endpoints: read, update, trash, list children, append children."""

from __future__ import annotations

from ..blocks import PARENT_TYPES, READ_ONLY, children_normalize, payload_update
from ..context import Ctx
from ..errors import archived_edit, body_validation, validation
from ..events import content_updated, page_trashed
from ..ops import blocks_create, trash_set
from ..pagination import list_body, page_params, paginate
from ..render import block_render
from ..util import dump, parse_id

_CONTROL_KEYS = {"in_trash", "archived", "type", "object", "id"}


def blocks_get(ctx: Ctx) -> dict:
    ctx.require("read_content")
    record = ctx.lookup("block", ctx.path_id("block_id"))
    return block_render(ctx.state, record["id"], ctx.integration)


def blocks_update(ctx: Ctx) -> dict:
    ctx.require("update_content")
    state = ctx.state
    record = ctx.lookup("block", ctx.path_id("block_id"))
    body = ctx.body
    trash = body.get("in_trash", body.get("archived"))
    edits = [key for key in body if key not in _CONTROL_KEYS]
    if record["in_trash"] and trash is not False and edits:
        raise archived_edit()
    was_trashed = record["in_trash"]
    if trash is not None:
        if not isinstance(trash, bool):
            raise body_validation(
                f"body.in_trash should be a boolean, instead was `{dump(trash)}`."
            )
        trash_set(state, record["id"], trash, ctx.actor)
    if edits:
        kind = (
            record.get("type")
            if record["id"] in state.blocks
            else ("child_page" if record["id"] in state.pages else "child_database")
        )
        key = edits[0]
        if len(edits) > 1 or key != kind:
            raise validation(
                f"body failed validation: body.{key} should be not present, instead was "
                f"`{dump(body[key])}`. The block's type is {kind} and cannot change."
            )
        if kind in READ_ONLY:
            raise validation(f"Blocks of type {kind} cannot be updated through the blocks API.")
        record["payload"] = payload_update(
            kind, record["payload"], body[key], f"body.{key}", ctx.resolve
        )
        state.touch(record, ctx.actor)
    _change_events(ctx, record, was_trashed, bool(edits))
    return block_render(state, record["id"], ctx.integration)


def _change_events(ctx: Ctx, record: dict, was_trashed: bool, edited: bool) -> None:
    """A trashed page is page.deleted; a changed block is content of the page holding it."""
    if record["id"] in ctx.state.pages:
        page_trashed(ctx, record, was_trashed)
    elif record["id"] in ctx.state.blocks and (edited or record["in_trash"] != was_trashed):
        content_updated(ctx, [record["id"]])


def blocks_delete(ctx: Ctx) -> dict:
    ctx.require("update_content")
    record = ctx.lookup("block", ctx.path_id("block_id"))
    was_trashed = record["in_trash"]
    trash_set(ctx.state, record["id"], True, ctx.actor)
    _change_events(ctx, record, was_trashed, False)
    return block_render(ctx.state, record["id"], ctx.integration)


def blocks_children_list(ctx: Ctx) -> dict:
    ctx.require("read_content")
    record = ctx.lookup("block", ctx.path_id("block_id"))
    size, cursor = page_params(ctx.query, "query")
    ids = ctx.state.live_children(record["id"])
    window = paginate(ctx.state, ids, f"children:{record['id']}", cursor, size, "query")
    results = [block_render(ctx.state, child_id, ctx.integration) for child_id in window.ids]
    return list_body(results, window, "block")


def _placement(ctx: Ctx, parent_id: str) -> tuple[str | None, bool]:
    body = ctx.body
    after, position = body.get("after"), body.get("position")
    if after is not None and position is not None:
        raise validation("body failed validation: provide either `after` or `position`, not both.")
    if position is not None:
        kind = position.get("type") if isinstance(position, dict) else None
        if kind == "start":
            return None, True
        if kind == "end":
            return None, False
        if kind != "after_block":
            raise body_validation(
                f"body.position.type should be one of `after_block`, `start`, "
                f"`end`, instead was `{dump(kind)}`."
            )
        after = (position.get("after_block") or {}).get("id")
    if after is None:
        return None, False
    after_id = parse_id(after)
    if after_id is None:
        raise body_validation(f"body.after should be a valid uuid, instead was `{dump(after)}`.")
    if after_id not in ctx.state.live_children(parent_id):
        raise validation(f"Block {after_id} is not a child of block {parent_id}.")
    return after_id, False


def blocks_children_append(ctx: Ctx) -> dict:
    ctx.require("insert_content")
    state = ctx.state
    record = ctx.lookup("block", ctx.path_id("block_id"))
    if record["in_trash"]:
        raise archived_edit()
    if record["id"] in state.databases:
        raise validation("Databases cannot have block children; create pages in a data source.")
    if record["id"] in state.blocks and record["type"] not in PARENT_TYPES:
        raise validation(f"Block type {record['type']} does not support children.")
    if "children" not in ctx.body:
        raise body_validation("body.children should be defined, instead was `undefined`.")
    trees = children_normalize(ctx.body["children"], "body.children", ctx.resolve)
    after, at_start = _placement(ctx, record["id"])
    created = blocks_create(state, record["id"], trees, ctx.actor, after=after, at_start=at_start)
    state.touch(record, ctx.actor)
    content_updated(ctx, created, record["id"])
    results = [block_render(state, block_id, ctx.integration) for block_id in created]
    return {
        "object": "list",
        "results": results,
        "next_cursor": None,
        "has_more": False,
        "type": "block",
        "block": {},
    }
