"""Page endpoints: create (children, markdown, template, position), read, update, move."""

from __future__ import annotations

from urllib.parse import unquote

from ..blocks import children_normalize
from ..context import Ctx
from ..errors import archived_edit, body_validation, validation
from ..events import children_changed, page_event, page_properties, page_trashed
from ..markdown import markdown_parse
from ..ops import blocks_clone, blocks_create, page_create, trash_set
from ..pagination import list_body, page_params, paginate
from ..render import page_render
from ..richtext import rich_text_normalize
from ..schema import schema_find
from ..util import dump, parse_id
from ..values import value_normalize, value_render

PAGINATED_PROPERTY_TYPES = {"title", "rich_text", "people", "relation"}


def properties_normalize(ctx: Ctx, data_source: dict | None, raw: object, path: str) -> dict:
    """Request property values (keyed by name or id) to stored values keyed by property id."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise body_validation(f"{path} should be an object, instead was `{dump(raw)}`.")
    stored = {}
    for key, value in raw.items():
        if data_source is None:
            if key != "title":
                raise validation(f"{key} is not a property that exists.")
            title = value.get("title") if isinstance(value, dict) else value
            stored["title"] = rich_text_normalize(title, f"{path}.title", ctx.resolve)
            continue
        prop = schema_find(data_source["properties"], key)
        if prop is None:
            raise validation(f"{key} is not a property that exists.")
        stored[prop["id"]] = value_normalize(ctx.state, data_source, prop, value, f"{path}.{key}")
    return stored


def parent_resolve(ctx: Ctx, raw: object, allow_block: bool = False) -> tuple[dict, dict | None]:
    """Request parent -> (stored parent, data source or None)."""
    if not isinstance(raw, dict):
        raise body_validation(f"body.parent should be an object, instead was `{dump(raw)}`.")
    if "page_id" in raw:
        page = ctx.lookup("page", raw["page_id"])
        if page["in_trash"]:
            raise archived_edit()
        return {"type": "page_id", "page_id": page["id"]}, None
    if "data_source_id" in raw:
        data_source = ctx.lookup("data_source", raw["data_source_id"])
        return _row_parent(data_source), data_source
    if "database_id" in raw:
        database = ctx.lookup("database", raw["database_id"])
        live = [
            ds for ds in database["data_source_ids"] if not ctx.state.data_sources[ds]["in_trash"]
        ]
        if len(live) != 1:
            raise validation(
                f"Database {database['id']} has {len(live)} data sources. Use a data_source_id "
                "parent instead of database_id."
            )
        data_source = ctx.state.data_sources[live[0]]
        return _row_parent(data_source), data_source
    if allow_block and "block_id" in raw:
        block = ctx.lookup("block", raw["block_id"])
        return {"type": "block_id", "block_id": block["id"]}, None
    if raw.get("workspace") is True:
        raise validation("Internal integrations cannot create workspace-level pages.")
    raise body_validation("body.parent.page_id should be defined, instead was `undefined`.")


def _row_parent(data_source: dict) -> dict:
    return {
        "type": "data_source_id",
        "data_source_id": data_source["id"],
        "database_id": data_source["database_id"],
    }


def content_trees(ctx: Ctx, body: dict) -> list[dict]:
    """`children` (≤100, Notion's limits) or `markdown` (mutually exclusive)."""
    if body.get("children") and body.get("markdown"):
        raise validation(
            "body failed validation: provide either `children` or `markdown`, not both."
        )
    if body.get("markdown"):
        if not isinstance(body["markdown"], str):
            raise body_validation(
                f"body.markdown should be a string, instead was `{dump(body['markdown'])}`."
            )
        nodes = [node for node in markdown_parse(body["markdown"]) if node["type"] != "__ref__"]
        return children_normalize(nodes, "body.markdown", ctx.resolve, limits=False)
    children = body.get("children")
    return children_normalize(children, "body.children", ctx.resolve) if children else []


def _template_source(ctx: Ctx, raw: object, data_source: dict | None) -> dict | None:
    if raw is None:
        return None
    kind = raw.get("type") if isinstance(raw, dict) else None
    if kind == "none":
        return None
    if kind not in ("default", "template_id"):
        raise body_validation(
            f"body.template.type should be one of `none`, `default`, "
            f"`template_id`, instead was `{dump(kind)}`."
        )
    if data_source is None:
        raise validation("Templates can only be applied to pages in a data source.")
    if kind == "default":
        template_id = data_source["default_template"]
        if template_id is None:
            raise validation("This data source has no default template.")
    else:
        template_id = parse_id(raw.get("template_id"))
        if template_id not in data_source["templates"]:
            raise validation(
                f"Template {raw.get('template_id')} is not a template of this data source."
            )
    return ctx.state.pages[template_id]


def _template_apply(ctx: Ctx, page: dict, template: dict) -> None:
    for prop_id, value in template["properties"].items():
        if not page["properties"].get(prop_id):
            page["properties"][prop_id] = value
    blocks_clone(ctx.state, template["id"], page["id"], ctx.actor)


def _position(ctx: Ctx, raw: object, parent: dict) -> dict | None:
    if raw is None:
        return None
    if parent["type"] != "page_id":
        raise validation("body.position is only supported for pages with a page parent.")
    kind = raw.get("type") if isinstance(raw, dict) else None
    if kind == "after_block":
        after = parse_id((raw.get("after_block") or {}).get("id"))
        if after not in ctx.state.live_children(parent["page_id"]):
            raise validation(f"Block {after} is not a child of page {parent['page_id']}.")
        return {"type": kind, "after_block": {"id": after}}
    if kind in ("page_start", "page_end"):
        return {"type": kind}
    raise body_validation(
        f"body.position.type should be one of `after_block`, `page_start`, "
        f"`page_end`, instead was `{dump(kind)}`."
    )


def pages_create(ctx: Ctx) -> dict:
    ctx.require("insert_content")
    body = ctx.body
    parent, data_source = parent_resolve(ctx, body.get("parent"))
    properties = properties_normalize(ctx, data_source, body.get("properties"), "body.properties")
    trees = content_trees(ctx, body)
    template = _template_source(ctx, body.get("template"), data_source)
    if template is not None and trees:
        raise validation("Cannot provide `children` or `markdown` when applying a template.")
    position = _position(ctx, body.get("position"), parent)
    page = page_create(
        ctx.state,
        parent=parent,
        properties=properties,
        actor=ctx.actor,
        workspace_id=ctx.integration["workspace_id"],
        icon=body.get("icon"),
        cover=body.get("cover"),
        position=position,
    )
    blocks_create(ctx.state, page["id"], trees, ctx.actor)
    if template is not None:
        _template_apply(ctx, page, template)
    page_event(ctx, "page.created", page)
    return page_render(ctx.state, page, ctx.integration)


def _filter_ids(ctx: Ctx) -> set[str] | None:
    values = ctx.query_lists.get("filter_properties") or ctx.query_lists.get("filter_properties[]")
    return {unquote(value) for value in values} if values else None


def pages_get(ctx: Ctx) -> dict:
    ctx.require("read_content")
    page = ctx.lookup("page", ctx.path_id("page_id"))
    return page_render(ctx.state, page, ctx.integration, _filter_ids(ctx))


def pages_update(ctx: Ctx) -> dict:
    ctx.require("update_content")
    page = ctx.lookup("page", ctx.path_id("page_id"))
    body = ctx.body
    trash = body.get("in_trash", body.get("archived"))
    edits = {"properties", "icon", "cover", "is_locked", "template"} & set(body)
    if page["in_trash"] and trash is not False and edits:
        raise archived_edit()
    was_trashed, was_locked = page["in_trash"], page.get("is_locked", False)
    before_properties = dict(page["properties"])
    before_children = ctx.state.live_children(page["id"]) if "template" in body else []
    if trash is not None:
        if not isinstance(trash, bool):
            raise body_validation(
                f"body.in_trash should be a boolean, instead was `{dump(trash)}`."
            )
        trash_set(ctx.state, page["id"], trash, ctx.actor)
    data_source = ctx.state.page_data_source(page)
    changes = properties_normalize(ctx, data_source, body.get("properties"), "body.properties")
    template = _template_source(ctx, body.get("template"), data_source)
    page["properties"].update(changes)
    for key in ("icon", "cover"):
        if key in body:
            if body[key] is not None and not isinstance(body[key], dict):
                raise body_validation(
                    f"body.{key} should be an object or `null`, instead was `{dump(body[key])}`."
                )
            page[key] = body[key]
    if "is_locked" in body:
        page["is_locked"] = bool(body["is_locked"])
    if template is not None:
        if body.get("erase_content"):
            for child_id in ctx.state.live_children(page["id"]):
                if child_id in ctx.state.blocks:
                    trash_set(ctx.state, child_id, True, ctx.actor)
        _template_apply(ctx, page, template)
    ctx.state.touch(page, ctx.actor)
    _update_events(ctx, page, was_trashed, was_locked, before_properties, before_children)
    return page_render(ctx.state, page, ctx.integration)


def _update_events(ctx: Ctx, page: dict, was_trashed, was_locked, properties, children) -> None:
    page_trashed(ctx, page, was_trashed)
    page_properties(ctx, page, properties)
    if page.get("is_locked", False) != was_locked:
        page_event(ctx, "page.locked" if page["is_locked"] else "page.unlocked", page)
    if "template" in ctx.body:
        children_changed(ctx, page["id"], children)


def _is_descendant(state, candidate: str, ancestor: str) -> bool:
    current: str | None = candidate
    for _ in range(64):
        if current is None:
            return False
        if current == ancestor:
            return True
        current = state.parent_id(current)
    return False


def pages_move(ctx: Ctx) -> dict:
    ctx.require("update_content")
    state = ctx.state
    page = ctx.lookup("page", ctx.path_id("page_id"))
    parent, data_source = parent_resolve(ctx, ctx.body.get("parent"))
    target = parent.get("page_id") or parent.get("data_source_id")
    if _is_descendant(state, target, page["id"]):
        raise validation("A page cannot be moved into itself or one of its descendants.")
    old = page["parent"]
    if old["type"] == "data_source_id":
        state.data_sources[old["data_source_id"]]["rows"].remove(page["id"])
    elif old["type"] != "workspace":
        state.detach_child(old[old["type"]], page["id"])
    page["parent"] = parent
    keep = {"title"} | (
        {p["id"] for p in data_source["properties"].values()} if data_source else set()
    )
    page["properties"] = {key: value for key, value in page["properties"].items() if key in keep}
    if data_source is not None:
        data_source["rows"].append(page["id"])
    else:
        state.insert_child(parent["page_id"], page["id"])
    state.touch(page, ctx.actor)
    page_event(ctx, "page.moved", page)
    return page_render(state, page, ctx.integration)


def page_property_get(ctx: Ctx) -> dict:
    ctx.require("read_content")
    state = ctx.state
    page = ctx.lookup("page", ctx.path_id("page_id"))
    key = unquote(ctx.params["property_id"])
    data_source = state.page_data_source(page)
    if data_source is None:
        prop = {"id": "title", "name": "title", "type": "title"} if key == "title" else None
    else:
        prop = schema_find(data_source["properties"], key)
    if prop is None:
        raise validation(f"Could not find property with name or id: {key}")
    kind = prop["type"]
    if kind == "title" and data_source is None:
        rendered = {"id": "title", "type": "title", "title": page["properties"].get("title", [])}
    else:
        rendered = value_render(state, prop, page, ctx.integration, cap=False)
    if kind not in PAGINATED_PROPERTY_TYPES:
        return {"object": "property_item", **rendered}
    size, cursor = page_params(ctx.query, "query")
    values = rendered[kind]
    keys = [str(index) for index in range(len(values))]
    window = paginate(state, keys, f"property:{page['id']}:{prop['id']}", cursor, size, "query")
    items = [
        {"object": "property_item", "type": kind, "id": prop["id"], kind: values[int(k)]}
        for k in window.ids
    ]
    next_url = None
    if window.next_cursor:
        next_url = (
            f"{ctx.base_url}/v1/pages/{page['id']}/properties/{prop['id']}"
            f"?start_cursor={window.next_cursor}"
        )
    return list_body(
        items,
        window,
        "property_item",
        {"id": prop["id"], "next_url": next_url, "type": kind, kind: {}},
    )
