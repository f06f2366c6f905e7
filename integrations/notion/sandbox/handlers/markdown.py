"""Page markdown endpoints (read, replace/update/insert content) and async task polling."""

from __future__ import annotations

from ..blocks import children_normalize
from ..context import Ctx
from ..errors import archived_edit, body_validation, validation
from ..events import children_changed
from ..markdown import blocks_to_markdown, markdown_parse
from ..ops import blocks_create, trash_set
from ..util import dump, iso_millis_z, new_id

MAX_UPDATES = 100
_OPERATION = {"surface": "rest", "name": "PATCH /v1/pages/:page_id/markdown"}


def _answer(state, page_id: str) -> dict:
    return {
        "object": "page_markdown",
        "id": page_id,
        "markdown": blocks_to_markdown(state, page_id),
        "truncated": False,
        "unknown_block_ids": [],
    }


def pages_markdown_get(ctx: Ctx) -> dict:
    ctx.require("read_content")
    record = ctx.lookup("block", ctx.path_id("page_id"))
    return _answer(ctx.state, record["id"])


def _strip_refs(nodes: list[dict]) -> list[dict]:
    kept = []
    for node in nodes:
        if node["type"] == "__ref__":
            continue
        payload = node.get(node["type"])
        if isinstance(payload, dict) and payload.get("children"):
            payload["children"] = _strip_refs(payload["children"])
        kept.append(node)
    return kept


def _delete_tree(state, block_id: str) -> None:
    for child_id in list(state.tree.get(block_id, [])):
        if child_id in state.blocks:
            _delete_tree(state, child_id)
    state.tree.pop(block_id, None)
    state.blocks.pop(block_id, None)


def _replace(ctx: Ctx, page_id: str, markdown: str, allow_deleting: bool) -> None:
    """Rewrite the page's blocks from markdown; sub-pages named by <page url> stay in place."""
    state = ctx.state
    nodes = markdown_parse(markdown)
    current = state.live_children(page_id)
    kept = {node["id"] for node in nodes if node["type"] == "__ref__"} & set(current)
    dropped = [cid for cid in current if cid not in state.blocks and cid not in kept]
    if dropped and not allow_deleting:
        raise validation(
            "This edit would delete child pages or databases. Set allow_deleting_content to true "
            "to allow it."
        )
    segments: list[tuple[str, object]] = []
    for node in nodes:
        if node["type"] == "__ref__":
            if node["id"] in kept:
                segments.append(("ref", node["id"]))
            continue
        trees = children_normalize(_strip_refs([node]), "body.markdown", ctx.resolve, limits=False)
        segments.append(("trees", trees))
    for child_id in current:
        if child_id in state.blocks:
            _delete_tree(state, child_id)
    for child_id in dropped:
        trash_set(state, child_id, True, ctx.actor)
    state.tree[page_id] = [cid for cid in state.tree.get(page_id, []) if state.in_trash(cid)]
    for kind, value in segments:
        if kind == "ref":
            state.tree[page_id].append(value)
        else:
            blocks_create(state, page_id, value, ctx.actor)


def _find_range(markdown: str, selection: str) -> tuple[int, int]:
    start_text, _, end_text = selection.partition("...")
    start = markdown.find(start_text)
    end = markdown.find(end_text, start + len(start_text)) if end_text else start + len(start_text)
    if start < 0 or end < 0:
        raise validation(f"Could not find the content_range selection: {selection}")
    return start, end + len(end_text)


def _apply(ctx: Ctx, page_id: str, body: dict) -> None:
    state = ctx.state
    kind = body.get("type")
    options = body.get(kind) if isinstance(kind, str) else None
    if kind not in ("replace_content", "update_content", "insert_content", "replace_content_range"):
        raise body_validation(
            f"body.type should be one of `replace_content`, `update_content`, "
            f"`insert_content`, `replace_content_range`, instead was `{dump(kind)}`."
        )
    if not isinstance(options, dict):
        raise body_validation(f"body.{kind} should be defined, instead was `undefined`.")
    allow = bool(options.get("allow_deleting_content"))
    current = blocks_to_markdown(state, page_id)
    if kind == "replace_content":
        new_str = options.get("new_str")
        if not isinstance(new_str, str):
            raise body_validation(
                f"body.replace_content.new_str should be a string, instead was `{dump(new_str)}`."
            )
        _replace(ctx, page_id, new_str, allow)
    elif kind == "update_content":
        _replace(ctx, page_id, _updated(current, options.get("content_updates")), allow)
    elif kind == "insert_content":
        content = options.get("content")
        if not isinstance(content, str):
            raise body_validation(
                f"body.insert_content.content should be a string, instead was `{dump(content)}`."
            )
        trees = children_normalize(
            _strip_refs(markdown_parse(content)), "body.insert_content", ctx.resolve, limits=False
        )
        at_start = (options.get("position") or {}).get("type") == "start"
        blocks_create(state, page_id, trees, ctx.actor, at_start=at_start)
    else:
        start, end = _find_range(current, str(options.get("content_range", "")))
        content = str(options.get("content", ""))
        _replace(ctx, page_id, current[:start] + content + current[end:], allow)


def _updated(markdown: str, updates: object) -> str:
    if not isinstance(updates, list) or not updates:
        raise body_validation(
            f"body.update_content.content_updates should be a non-empty array, "
            f"instead was `{dump(updates)}`."
        )
    if len(updates) > MAX_UPDATES:
        raise body_validation(
            f"body.update_content.content_updates.length should be ≤ "
            f"`{MAX_UPDATES}`, instead was `{len(updates)}`."
        )
    for index, update in enumerate(updates):
        old, new = (
            (update.get("old_str"), update.get("new_str"))
            if isinstance(update, dict)
            else (None, None)
        )
        if not isinstance(old, str) or not old or not isinstance(new, str):
            raise body_validation(
                f"body.update_content.content_updates[{index}] should have string "
                f"old_str and new_str, instead was `{dump(update)}`."
            )
        matches = markdown.count(old)
        if matches == 0:
            raise validation(f"content_updates[{index}].old_str was not found in the page content.")
        if matches > 1 and not update.get("replace_all_matches"):
            raise validation(
                f"content_updates[{index}].old_str matches {matches} times; set "
                "replace_all_matches to true or give more context."
            )
        markdown = (
            markdown.replace(old, new)
            if update.get("replace_all_matches")
            else (markdown.replace(old, new, 1))
        )
    return markdown


def pages_markdown_update(ctx: Ctx) -> dict | tuple[int, dict]:
    ctx.require("update_content")
    state = ctx.state
    record = ctx.lookup("block", ctx.path_id("page_id"))
    if record["in_trash"]:
        raise archived_edit()
    before = state.live_children(record["id"])
    _apply(ctx, record["id"], ctx.body)
    state.touch(record, ctx.actor)
    children_changed(ctx, record["id"], before)
    answer = _answer(state, record["id"])
    if not ctx.body.get("allow_async"):
        return answer
    task_id = "task_" + new_id().replace("-", "")
    created = iso_millis_z(state.clock())
    status_url = f"{ctx.base_url}/v1/async_tasks/{task_id}"
    state.async_tasks[task_id] = {
        "object": "async_task",
        "id": task_id,
        "status": "succeeded",
        "status_url": status_url,
        "created_time": created,
        "operation": dict(_OPERATION),
        "result": {key: answer[key] for key in ("markdown", "truncated", "unknown_block_ids")}
        | {"id": record["id"], "object": "page_markdown"},
        "integration_id": ctx.actor,
    }
    return 202, {
        "object": "async_task",
        "id": task_id,
        "status": "queued",
        "status_url": status_url,
        "created_time": created,
        "poll_after_seconds": 2,
        "operation": dict(_OPERATION),
    }


def async_tasks_get(ctx: Ctx) -> dict:
    task = ctx.state.async_tasks.get(ctx.params["task_id"])
    if task is None or task["integration_id"] != ctx.actor:
        raise ctx.not_found("async_task", ctx.params["task_id"])
    return {key: value for key, value in task.items() if key != "integration_id"}
