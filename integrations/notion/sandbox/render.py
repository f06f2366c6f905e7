"""Render stored records as the JSON objects Notion answers with (key order as recorded)."""

from __future__ import annotations

import copy

from .richtext import plain_text
from .util import page_url, user_ref
from .values import value_render


def page_properties(state, page: dict, viewer, filter_ids=None, cap: bool = True) -> dict:
    data_source = state.page_data_source(page)
    if data_source is None:
        props = {
            "title": {
                "id": "title",
                "type": "title",
                "title": copy.deepcopy(page["properties"].get("title", [])),
            }
        }
    else:
        props = {
            name: value_render(state, prop, page, viewer, cap)
            for name, prop in data_source["properties"].items()
        }
    if filter_ids is not None:
        props = {name: value for name, value in props.items() if value["id"] in filter_ids}
    return copy.deepcopy(props)


def page_render(state, page: dict, viewer, filter_ids=None) -> dict:
    return {
        "object": "page",
        "id": page["id"],
        "created_time": page["created_time"],
        "last_edited_time": page["last_edited_time"],
        "created_by": user_ref(page["created_by"]),
        "last_edited_by": user_ref(page["last_edited_by"]),
        "cover": copy.deepcopy(page["cover"]),
        "icon": copy.deepcopy(page["icon"]),
        "parent": dict(page["parent"]),
        "in_trash": page["in_trash"],
        "is_archived": False,
        "is_locked": page["is_locked"],
        "properties": page_properties(state, page, viewer, filter_ids),
        "url": page_url(page["id"], state.page_title(page)),
        "public_url": None,
        "archived": page["in_trash"],
    }


def _block_frame(state, record: dict, kind: str, payload: dict) -> dict:
    return {
        "object": "block",
        "id": record["id"],
        "parent": dict(record["parent"]),
        "created_time": record["created_time"],
        "last_edited_time": record["last_edited_time"],
        "created_by": user_ref(record["created_by"]),
        "last_edited_by": user_ref(record["last_edited_by"]),
        "has_children": state.has_children(record["id"]),
        "in_trash": record["in_trash"],
        "type": kind,
        kind: payload,
        "archived": record["in_trash"],
    }


def block_render(state, object_id: str, viewer=None) -> dict:
    """Any block-like object: a block, or a page / database seen as child_page / child_database."""
    if object_id in state.pages:
        page = state.pages[object_id]
        return _block_frame(state, page, "child_page", {"title": state.page_title(page)})
    if object_id in state.databases:
        database = state.databases[object_id]
        frame = _block_frame(
            state,
            _minute_times(database),
            "child_database",
            {"title": state.database_title(database)},
        )
        return frame
    block = state.blocks[object_id]
    return _block_frame(state, block, block["type"], copy.deepcopy(block["payload"]))


def _minute_times(database: dict) -> dict:
    """Block views of databases carry minute-truncated times, like other blocks."""
    view = dict(database)
    for key in ("created_time", "last_edited_time"):
        view[key] = database[key][:16] + ":00.000Z"
    return view


def database_render(state, database: dict) -> dict:
    return {
        "object": "database",
        "id": database["id"],
        "title": copy.deepcopy(database["title"]),
        "description": copy.deepcopy(database["description"]),
        "parent": dict(database["parent"]),
        "is_inline": database["is_inline"],
        "in_trash": database["in_trash"],
        "is_locked": database["is_locked"],
        "created_time": database["created_time"],
        "last_edited_time": database["last_edited_time"],
        "data_sources": [
            {"id": ds_id, "name": plain_text(state.data_sources[ds_id]["title"])}
            for ds_id in database["data_source_ids"]
            if not state.data_sources[ds_id]["in_trash"]
        ],
        "icon": copy.deepcopy(database["icon"]),
        "cover": copy.deepcopy(database["cover"]),
        "url": page_url(database["id"]),
        "public_url": None,
        "archived": database["in_trash"],
    }


def data_source_render(state, data_source: dict) -> dict:
    database = state.databases[data_source["database_id"]]
    return {
        "object": "data_source",
        "id": data_source["id"],
        "cover": copy.deepcopy(data_source["cover"]),
        "icon": copy.deepcopy(data_source["icon"]),
        "created_time": data_source["created_time"],
        "created_by": user_ref(data_source["created_by"]),
        "last_edited_by": user_ref(data_source["last_edited_by"]),
        "last_edited_time": data_source["last_edited_time"],
        "title": copy.deepcopy(data_source["title"]),
        "description": copy.deepcopy(data_source["description"]),
        "is_inline": database["is_inline"],
        "properties": copy.deepcopy(data_source["properties"]),
        "parent": {"type": "database_id", "database_id": database["id"]},
        "database_parent": dict(database["parent"]),
        "url": page_url(database["id"]),
        "public_url": None,
        "in_trash": data_source["in_trash"],
        "archived": data_source["in_trash"],
    }


def comment_render(state, comment: dict) -> dict:
    return {
        "object": "comment",
        "id": comment["id"],
        "parent": dict(comment["parent"]),
        "discussion_id": comment["discussion_id"],
        "created_time": comment["created_time"],
        "last_edited_time": comment["last_edited_time"],
        "created_by": user_ref(comment["created_by"]),
        "rich_text": copy.deepcopy(comment["rich_text"]),
        "display_name": dict(comment["display_name"]),
    }


def object_render(state, object_id: str, viewer) -> dict:
    """Search and query results: pages and data sources."""
    if object_id in state.pages:
        return page_render(state, state.pages[object_id], viewer)
    return data_source_render(state, state.data_sources[object_id])
