"""Database (container) and data source (schema) endpoints, plus data source templates."""

from __future__ import annotations

import copy

from ..context import Ctx
from ..errors import archived_edit, body_validation, validation
from ..events import schema_updated
from ..ops import data_source_create, database_create, trash_set
from ..pagination import page_params, paginate
from ..render import data_source_render, database_render
from ..richtext import plain_text, rich_text_normalize
from ..schema import schema_update
from ..util import dump, iso_millis_offset

DEFAULT_SCHEMA = {"Name": {"title": {}}}


def _rich(ctx: Ctx, body: dict, key: str) -> list | None:
    if key not in body:
        return None
    return rich_text_normalize(body[key] or [], f"body.{key}", ctx.resolve)


def _icon(body: dict, key: str):
    value = body.get(key)
    if value is not None and not isinstance(value, dict):
        raise body_validation(
            f"body.{key} should be an object or `null`, instead was `{dump(value)}`."
        )
    return value


def databases_create(ctx: Ctx) -> dict:
    ctx.require("insert_content")
    body = ctx.body
    raw_parent = body.get("parent")
    if not isinstance(raw_parent, dict):
        raise body_validation(f"body.parent should be an object, instead was `{dump(raw_parent)}`.")
    if raw_parent.get("workspace") is True:
        raise validation("Internal integrations cannot create workspace-level databases.")
    page = ctx.lookup("page", raw_parent.get("page_id"), "body.parent.page_id")
    if page["in_trash"]:
        raise archived_edit()
    initial = body.get("initial_data_source") or {}
    if not isinstance(initial, dict):
        raise body_validation(
            f"body.initial_data_source should be an object, instead was `{dump(initial)}`."
        )
    if "properties" in body:
        raise validation(
            "body failed validation: body.properties should be not present; use "
            "initial_data_source.properties (Notion-Version 2025-09-03)."
        )
    database = database_create(
        ctx.state,
        parent={"type": "page_id", "page_id": page["id"]},
        title=_rich(ctx, body, "title") or [],
        description=_rich(ctx, body, "description") or [],
        is_inline=bool(body.get("is_inline", False)),
        icon=_icon(body, "icon"),
        cover=_icon(body, "cover"),
        actor=ctx.actor,
        workspace_id=ctx.integration["workspace_id"],
        schema_request=initial.get("properties") or DEFAULT_SCHEMA,
    )
    return database_render(ctx.state, database)


def databases_get(ctx: Ctx) -> dict:
    ctx.require("read_content")
    return database_render(ctx.state, ctx.lookup("database", ctx.path_id("database_id")))


def databases_update(ctx: Ctx) -> dict:
    ctx.require("update_content")
    database = ctx.lookup("database", ctx.path_id("database_id"))
    body = ctx.body
    if "properties" in body:
        raise validation(
            "body failed validation: body.properties should be not present; update "
            "the schema with PATCH /v1/data_sources/{id} (Notion-Version 2025-09-03)."
        )
    trash = body.get("in_trash", body.get("archived"))
    if trash is not None:
        trash_set(ctx.state, database["id"], bool(trash), ctx.actor)
    for key in ("title", "description"):
        value = _rich(ctx, body, key)
        if value is not None:
            database[key] = value
    for key in ("icon", "cover"):
        if key in body:
            database[key] = _icon(body, key)
    for key in ("is_inline", "is_locked"):
        if key in body:
            database[key] = bool(body[key])
    ctx.state.touch(database, ctx.actor)
    database["last_edited_time"] = iso_millis_offset(ctx.state.clock())
    return database_render(ctx.state, database)


def data_sources_create(ctx: Ctx) -> dict:
    ctx.require("insert_content")
    body = ctx.body
    raw_parent = body.get("parent")
    database_id = raw_parent.get("database_id") if isinstance(raw_parent, dict) else None
    database = ctx.lookup("database", database_id, "body.parent.database_id")
    if "properties" not in body:
        raise body_validation("body.properties should be defined, instead was `undefined`.")
    data_source = data_source_create(
        ctx.state,
        database=database,
        title=_rich(ctx, body, "title") or [],
        actor=ctx.actor,
        schema_request=body["properties"],
        icon=_icon(body, "icon"),
    )
    return data_source_render(ctx.state, data_source)


def data_sources_get(ctx: Ctx) -> dict:
    ctx.require("read_content")
    return data_source_render(ctx.state, ctx.lookup("data_source", ctx.path_id("data_source_id")))


def _drop_stale_values(state, data_source: dict, before: dict) -> None:
    """Deleted or retyped properties lose their stored values (Notion drops them too)."""
    after = {prop["id"]: prop["type"] for prop in data_source["properties"].values()}
    stale = {pid for pid, kind in before.items() if after.get(pid) != kind}
    if not stale:
        return
    for page_id in data_source["rows"] + data_source["templates"]:
        properties = state.pages[page_id]["properties"]
        for pid in stale:
            properties.pop(pid, None)


def data_sources_update(ctx: Ctx) -> dict:
    ctx.require("update_content")
    state = ctx.state
    data_source = ctx.lookup("data_source", ctx.path_id("data_source_id"))
    body = ctx.body
    trash = body.get("in_trash", body.get("archived"))
    if trash is not None:
        data_source["in_trash"] = bool(trash)
    for key in ("title", "description"):
        value = _rich(ctx, body, key)
        if value is not None:
            data_source[key] = value
    if "icon" in body:
        data_source["icon"] = _icon(body, "icon")
    if "properties" in body:
        # A deep copy: schema_update may rewrite a property's id in place when ids collide.
        schema_before = copy.deepcopy(data_source["properties"])
        before = {prop["id"]: prop["type"] for prop in data_source["properties"].values()}

        def resolve(ds_id):
            target = state.data_sources.get(ds_id)
            return target["database_id"] if target else None

        data_source["properties"] = schema_update(
            data_source["id"], data_source["properties"], body["properties"], resolve
        )
        _drop_stale_values(state, data_source, before)
        schema_updated(ctx, data_source, schema_before)
    state.touch(data_source, ctx.actor)
    return data_source_render(state, data_source)


def data_sources_templates(ctx: Ctx) -> dict:
    ctx.require("read_content")
    state = ctx.state
    data_source = ctx.lookup("data_source", ctx.path_id("data_source_id"))
    size, cursor = page_params(ctx.query, "query")
    needle = (ctx.query.get("name") or "").lower()
    ids = [
        template_id
        for template_id in data_source["templates"]
        if not state.pages[template_id]["in_trash"]
        and needle in state.page_title(state.pages[template_id]).lower()
    ]
    window = paginate(state, ids, f"templates:{data_source['id']}", cursor, size, "query")
    templates = [
        {
            "id": template_id,
            "name": plain_text(state.pages[template_id]["properties"].get("title")),
            "is_default": template_id == data_source["default_template"],
        }
        for template_id in window.ids
    ]
    # Recorded answers carry no object/request_id keys here; the key is `templates`.
    return {"templates": templates, "has_more": window.has_more, "next_cursor": window.next_cursor}
