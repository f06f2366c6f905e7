"""Webhook change records that handlers collect under the state lock (see webhooks.py)."""

from __future__ import annotations

from .util import iso_millis_z


def _emit(
    ctx, kind: str, entity: dict, data: dict, workspace_id: str, scope: str | None = None
) -> None:
    """Queue a change on the request; `scope` is the object whose sharing decides who sees it."""
    # ctx.events is None when nobody is subscribed: handlers then pay nothing for webhooks.
    if ctx.events is None:
        return
    ctx.events.append(
        {
            "type": kind,
            "entity": entity,
            "data": data,
            "workspace_id": workspace_id,
            "scope": scope or entity["id"],
            "author": ctx.actor,
            "timestamp": iso_millis_z(ctx.state.clock()),
        }
    )


def page_parent(state, page: dict) -> dict:
    """A page's parent as webhook events name it (database rows carry their data source)."""
    parent = page["parent"]
    kind = parent["type"]
    if kind == "data_source_id":
        return {
            "id": parent["database_id"],
            "type": "database",
            "data_source_id": parent["data_source_id"],
        }
    if kind == "workspace":
        return {"id": page["workspace_id"], "type": "space"}
    return {"id": parent[kind], "type": kind.removesuffix("_id")}


def containing_page(state, object_id: str) -> str | None:
    """The page whose content holds a block (walks up through nested blocks)."""
    current: str | None = object_id
    for _ in range(64):
        if current is None or current in state.pages:
            return current
        if current not in state.blocks:
            return None
        current = state.parent_id(current)
    return None


def page_event(ctx, kind: str, page: dict, **extra) -> None:
    data = {"parent": page_parent(ctx.state, page), **extra}
    _emit(ctx, kind, {"id": page["id"], "type": "page"}, data, page["workspace_id"])


def page_trashed(ctx, page: dict, was_in_trash: bool) -> None:
    if page["in_trash"] != was_in_trash:
        page_event(ctx, "page.deleted" if page["in_trash"] else "page.undeleted", page)


def page_properties(ctx, page: dict, before: dict) -> None:
    """page.properties_updated naming only the property ids whose stored values changed."""
    after = page["properties"]
    changed = [pid for pid in after if before.get(pid) != after[pid]]
    changed += [pid for pid in before if pid not in after]
    if changed:
        page_event(ctx, "page.properties_updated", page, updated_properties=changed)


def content_updated(ctx, block_ids: list[str], container_id: str | None = None) -> None:
    """page.content_updated on the page that holds the blocks (or `container_id`'s page)."""
    if ctx.events is None or not block_ids:
        return
    page_id = containing_page(ctx.state, container_id or block_ids[0])
    if page_id is None:
        return
    blocks = [{"id": block_id, "type": "block"} for block_id in block_ids]
    page_event(ctx, "page.content_updated", ctx.state.pages[page_id], updated_blocks=blocks)


def children_changed(ctx, parent_id: str, before: list[str]) -> None:
    """content_updated for the top-level children that appeared or disappeared under a page."""
    if ctx.events is None:
        return
    after = ctx.state.live_children(parent_id)
    kept = set(before) & set(after)
    # New, trashed and hard-deleted blocks; sub-pages and databases are objects of their own.
    state = ctx.state
    changed = [
        cid
        for cid in before + after
        if cid not in kept and cid not in state.pages and cid not in state.databases
    ]
    content_updated(ctx, list(dict.fromkeys(changed)), parent_id)


def comment_event(ctx, kind: str, comment: dict) -> None:
    parent = comment["parent"]
    target = parent[parent["type"]]
    page_id = containing_page(ctx.state, target) or target
    data = {
        "page_id": page_id,
        "parent": {"id": target, "type": parent["type"].removesuffix("_id")},
    }
    entity = {"id": comment["id"], "type": "comment"}
    # A deleted comment is gone from the store, so its parent decides who may see the event.
    _emit(ctx, kind, entity, data, comment["workspace_id"], scope=target)


def schema_changes(before: dict, after: dict) -> list[dict]:
    """Properties created, updated or deleted between two stored schemas (keyed by name)."""
    old = {prop["id"]: prop for prop in before.values()}
    new = {prop["id"]: prop for prop in after.values()}
    changes = []
    for prop_id, prop in new.items():
        if prop_id not in old:
            changes.append({"id": prop_id, "name": prop["name"], "action": "created"})
        elif old[prop_id] != prop:
            changes.append({"id": prop_id, "name": prop["name"], "action": "updated"})
    for prop_id, prop in old.items():
        if prop_id not in new:
            changes.append({"id": prop_id, "name": prop["name"], "action": "deleted"})
    return changes


def schema_updated(ctx, data_source: dict, before: dict) -> None:
    changes = schema_changes(before, data_source["properties"])
    if changes:
        entity = {"id": data_source["id"], "type": "data_source"}
        data = {
            "parent": {"id": data_source["database_id"], "type": "database"},
            "updated_properties": changes,
        }
        _emit(ctx, "data_source.schema_updated", entity, data, data_source["workspace_id"])
