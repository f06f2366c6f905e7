"""Store operations shared by the handlers and the seed: create, trash and copy objects."""

from __future__ import annotations

import copy

from .schema import schema_make
from .util import iso_millis_offset


def _stamped(state, actor: str) -> dict:
    moment, seq = state.stamp()
    return {
        "created_time": moment,
        "last_edited_time": moment,
        "created_by": actor,
        "last_edited_by": actor,
        "seq": seq,
        "edit_seq": seq,
    }


def parent_ref(state, parent_id: str) -> dict:
    """How a block names its container: a page (or database row) or another block."""
    if parent_id in state.pages:
        return {"type": "page_id", "page_id": parent_id}
    return {"type": "block_id", "block_id": parent_id}


def workspace_of(state, object_id: str) -> str:
    return state.record(object_id)["workspace_id"]


def blocks_create(
    state,
    parent_id: str,
    trees: list[dict],
    actor: str,
    after: str | None = None,
    at_start: bool = False,
) -> list[str]:
    """Create normalized block trees under a page or block; returns the new top-level ids."""
    workspace_id = workspace_of(state, parent_id)
    created: list[str] = []
    anchor = after
    for tree in trees:
        block_id = state.make_id()
        state.blocks[block_id] = {
            "id": block_id,
            "workspace_id": workspace_id,
            "parent": parent_ref(state, parent_id),
            "type": tree["type"],
            "payload": tree["payload"],
            "in_trash": False,
            **_stamped(state, actor),
        }
        if anchor is None and at_start:
            state.insert_child(parent_id, block_id, at_start=True)
        else:
            state.insert_child(parent_id, block_id, after=anchor)
        anchor = block_id if (anchor is not None or at_start) else None
        blocks_create(state, block_id, tree["children"], actor)
        created.append(block_id)
    return created


def page_create(
    state,
    *,
    parent: dict,
    properties: dict,
    actor: str,
    workspace_id: str,
    icon=None,
    cover=None,
    position: dict | None = None,
    is_template: bool = False,
    object_id: str | None = None,
) -> dict:
    """Store a page under a page, block, data source or the workspace."""
    page_id = object_id or state.make_id()
    page = {
        "id": page_id,
        "workspace_id": workspace_id,
        "parent": parent,
        "icon": icon,
        "cover": cover,
        "in_trash": False,
        "is_locked": False,
        "is_template": is_template,
        "properties": properties,
        **_stamped(state, actor),
    }
    state.pages[page_id] = page
    kind = parent["type"]
    if kind == "data_source_id":
        data_source = state.data_sources[parent["data_source_id"]]
        (data_source["templates"] if is_template else data_source["rows"]).append(page_id)
        page["number"] = len(data_source["rows"])
    elif kind in ("page_id", "block_id"):
        position = position or {}
        after = (position.get("after_block") or {}).get("id")
        state.insert_child(
            parent[kind], page_id, after=after, at_start=position.get("type") == "page_start"
        )
    return page


def database_create(
    state,
    *,
    parent: dict,
    title: list,
    actor: str,
    workspace_id: str,
    schema_request: dict,
    description=None,
    is_inline: bool = False,
    icon=None,
    cover=None,
    object_id: str | None = None,
    data_source_id: str | None = None,
) -> dict:
    database_id = object_id or state.make_id()
    moment = iso_millis_offset(state.clock())
    stamped = _stamped(state, actor)
    database = {
        "id": database_id,
        "workspace_id": workspace_id,
        "parent": parent,
        "title": title,
        "description": description or [],
        "is_inline": is_inline,
        "in_trash": False,
        "is_locked": False,
        "icon": icon,
        "cover": cover,
        "data_source_ids": [],
        **stamped,
        "created_time": moment,
        "last_edited_time": moment,
    }
    state.databases[database_id] = database
    if parent["type"] in ("page_id", "block_id"):
        state.insert_child(parent[parent["type"]], database_id)
    data_source_create(
        state,
        database=database,
        title=copy.deepcopy(title),
        actor=actor,
        schema_request=schema_request,
        object_id=data_source_id,
    )
    return database


def data_source_create(
    state,
    *,
    database: dict,
    title: list,
    actor: str,
    schema_request: dict,
    icon=None,
    object_id: str | None = None,
) -> dict:
    ds_id = object_id or state.make_id()
    schema = schema_make(ds_id, schema_request, "body.properties", _database_of(state))
    data_source = {
        "id": ds_id,
        "workspace_id": database["workspace_id"],
        "database_id": database["id"],
        "parent": {"type": "database_id", "database_id": database["id"]},
        "title": title,
        "description": [],
        "icon": icon,
        "cover": None,
        "properties": schema,
        "in_trash": False,
        "rows": [],
        "templates": [],
        "default_template": None,
        **_stamped(state, actor),
    }
    state.data_sources[ds_id] = data_source
    database["data_source_ids"].append(ds_id)
    return data_source


def _database_of(state):
    def resolve(ds_id: str) -> str | None:
        data_source = state.data_sources.get(ds_id)
        return data_source["database_id"] if data_source else None

    return resolve


def blocks_clone(state, source_id: str, target_id: str, actor: str) -> None:
    """Copy a page's live blocks (not sub-pages) under another page: template application."""
    for child_id in state.live_children(source_id):
        block = state.blocks.get(child_id)
        if block is None:
            continue
        tree = {"type": block["type"], "payload": copy.deepcopy(block["payload"]), "children": []}
        (new_id,) = blocks_create(state, target_id, [tree], actor)
        blocks_clone(state, child_id, new_id, actor)


def trash_set(state, object_id: str, flag: bool, actor: str) -> None:
    record = state.record(object_id)
    record["in_trash"] = flag
    state.touch(record, actor)
    if object_id in state.databases:
        for ds_id in record["data_source_ids"]:
            state.data_sources[ds_id]["in_trash"] = flag


def comment_create(
    state,
    *,
    parent: dict,
    discussion_id: str | None,
    rich_text: list,
    actor: str,
    display_name: dict,
    workspace_id: str,
    resolved: bool = False,
    object_id: str | None = None,
) -> dict:
    comment_id = object_id or state.make_id()
    comment = {
        "id": comment_id,
        "workspace_id": workspace_id,
        "parent": parent,
        "discussion_id": discussion_id or state.make_id(),
        "rich_text": rich_text,
        "display_name": display_name,
        "resolved": resolved,
        **_stamped(state, actor),
    }
    state.comments[comment_id] = comment
    return comment
