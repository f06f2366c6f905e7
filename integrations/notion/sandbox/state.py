"""The sandbox's in-memory workspace: one lock, plain dict records, a JSON round trip."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from .richtext import plain_text
from .util import iso_minute, new_id, now_dt

DEFAULT_QUERY_CAP = 10_000
MAX_CURSORS = 50_000
_PERSISTED = (
    "workspaces",
    "users",
    "integrations",
    "tokens",
    "pages",
    "blocks",
    "databases",
    "data_sources",
    "comments",
    "tree",
    "seq",
    "query_cap",
)
WORKSPACE_LIMITS = {"max_file_upload_size_in_bytes": 5_242_880}


class SandboxState:
    """Every object the sandbox serves. Handlers hold `lock` while they read or write."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.clock: Callable[[], datetime] = now_dt
        self.make_id: Callable[[], str] = new_id
        self.clear()

    def clear(self) -> None:
        self.workspaces: dict[str, dict] = {}
        self.users: dict[str, dict] = {}
        self.integrations: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.pages: dict[str, dict] = {}
        self.blocks: dict[str, dict] = {}
        self.databases: dict[str, dict] = {}
        self.data_sources: dict[str, dict] = {}
        self.comments: dict[str, dict] = {}
        self.tree: dict[str, list[str]] = {}
        self.async_tasks: dict[str, dict] = {}
        self.cursors: OrderedDict[str, dict] = OrderedDict()
        self.seq = 0
        self.query_cap = DEFAULT_QUERY_CAP

    # -- time and ordering ---------------------------------------------------------------
    def stamp(self) -> tuple[str, int]:
        """The current minute-truncated time and a fresh sequence number for ordering."""
        self.seq += 1
        return iso_minute(self.clock()), self.seq

    def touch(self, record: dict, actor_id: str) -> None:
        record["last_edited_time"], record["edit_seq"] = self.stamp()
        record["last_edited_by"] = actor_id

    def touch_schema(self, data_source: dict | None) -> None:
        if data_source is not None:
            data_source["last_edited_time"], data_source["edit_seq"] = self.stamp()

    # -- lookups -------------------------------------------------------------------------
    def kind_of(self, object_id: str) -> str | None:
        for kind, table in (
            ("page", self.pages),
            ("block", self.blocks),
            ("database", self.databases),
            ("data_source", self.data_sources),
            ("comment", self.comments),
        ):
            if object_id in table:
                return kind
        return None

    def record(self, object_id: str) -> dict | None:
        return (
            self.pages.get(object_id)
            or self.blocks.get(object_id)
            or self.databases.get(object_id)
            or self.data_sources.get(object_id)
            or self.comments.get(object_id)
        )

    def parent_id(self, object_id: str) -> str | None:
        if object_id in self.data_sources:
            return self.data_sources[object_id]["database_id"]
        record = self.record(object_id)
        if record is None:
            return None
        parent = record["parent"]
        kind = parent["type"]
        return None if kind == "workspace" else parent[kind]

    def visible(self, object_id: str, integration: dict) -> bool:
        """Shared with the integration directly or through an ancestor (Notion's inheritance)."""
        record = self.record(object_id)
        if record is None or record.get("workspace_id") != integration["workspace_id"]:
            return False
        shared = integration["shared"]
        current: str | None = object_id
        for _ in range(64):
            if current is None:
                return False
            if current in shared:
                return True
            current = self.parent_id(current)
        return False

    def in_trash(self, object_id: str) -> bool:
        record = self.record(object_id)
        return bool(record and record.get("in_trash"))

    def live_children(self, parent_id: str) -> list[str]:
        return [cid for cid in self.tree.get(parent_id, []) if not self.in_trash(cid)]

    def has_children(self, object_id: str) -> bool:
        return any(not self.in_trash(cid) for cid in self.tree.get(object_id, []))

    def insert_child(
        self, parent_id: str, child_id: str, after: str | None = None, at_start: bool = False
    ) -> None:
        siblings = self.tree.setdefault(parent_id, [])
        if at_start:
            siblings.insert(0, child_id)
        elif after is not None and after in siblings:
            siblings.insert(siblings.index(after) + 1, child_id)
        else:
            siblings.append(child_id)

    def detach_child(self, parent_id: str | None, child_id: str) -> None:
        siblings = self.tree.get(parent_id or "", [])
        if child_id in siblings:
            siblings.remove(child_id)

    def page_data_source(self, page: dict) -> dict | None:
        parent = page["parent"]
        if parent["type"] == "data_source_id":
            return self.data_sources.get(parent["data_source_id"])
        return None

    def page_title(self, page: dict) -> str:
        return plain_text(page["properties"].get("title"))

    def database_title(self, database: dict) -> str:
        return plain_text(database["title"])

    def mention_text(self, kind: str, object_id: str) -> str:
        if kind == "user":
            user = self.users.get(object_id)
            return "@" + (user["name"] if user else "Anonymous")
        if kind == "page" and object_id in self.pages:
            return self.page_title(self.pages[object_id]) or "Untitled"
        if kind == "database" and object_id in self.databases:
            return self.database_title(self.databases[object_id]) or "Untitled"
        return "Untitled"

    def user_render(self, user_id: str, viewer: dict | None) -> dict:
        """A user object as `viewer` (an integration, None = full view) is allowed to see it."""
        user = self.users.get(user_id)
        if user is None:
            return {"object": "user", "id": user_id}
        result = {
            "object": "user",
            "id": user["id"],
            "name": user["name"],
            "avatar_url": user.get("avatar_url"),
            "type": user["type"],
        }
        if user["type"] == "person":
            with_email = viewer is None or viewer.get("user_info") == "with_email"
            result["person"] = (
                {"email": user["email"], "email_verified": True} if with_email else {}
            )
        else:
            workspace = self.workspaces[user["workspace_id"]]
            result["bot"] = {
                "owner": {"type": "workspace", "workspace": True},
                "workspace_name": workspace["name"],
                "workspace_id": workspace["id"],
                "workspace_limits": dict(WORKSPACE_LIMITS),
            }
        return result

    # -- cursors -------------------------------------------------------------------------
    def cursor_issue(self, key: str, anchor: str | None, offset: int) -> None:
        """Remember an issued cursor (key "scope|cursor") and where its page starts."""
        self.cursors[key] = {"anchor": anchor, "offset": offset}
        self.cursors.move_to_end(key)
        while len(self.cursors) > MAX_CURSORS:
            self.cursors.popitem(last=False)

    # -- inspection for tests (Notion-shaped, full view) ---------------------------------
    def page(self, page_id: str) -> dict | None:
        from .render import page_render

        with self.lock:
            page = self.pages.get(page_id)
            return page_render(self, page, None) if page else None

    def block(self, block_id: str) -> dict | None:
        from .render import block_render

        with self.lock:
            return block_render(self, block_id, None) if self.record(block_id) else None

    def children(self, parent_id: str, include_trashed: bool = False) -> list[dict]:
        from .render import block_render

        with self.lock:
            ids = self.tree.get(parent_id, []) if include_trashed else self.live_children(parent_id)
            return [block_render(self, cid, None) for cid in ids]

    def pages_titled(self, title: str, include_trashed: bool = False) -> list[dict]:
        from .render import page_render

        with self.lock:
            return [
                page_render(self, page, None)
                for page in self.pages.values()
                if self.page_title(page) == title and (include_trashed or not page["in_trash"])
            ]

    def data_source_rows(self, data_source_id: str, include_trashed: bool = False) -> list[dict]:
        from .render import page_render

        with self.lock:
            rows = self.data_sources[data_source_id]["rows"]
            return [
                page_render(self, self.pages[row_id], None)
                for row_id in rows
                if include_trashed or not self.pages[row_id]["in_trash"]
            ]

    def markdown_of(self, page_id: str) -> str:
        from .markdown import blocks_to_markdown

        with self.lock:
            return blocks_to_markdown(self, page_id)

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {
                "pages": len(self.pages),
                "blocks": len(self.blocks),
                "databases": len(self.databases),
                "data_sources": len(self.data_sources),
                "comments": len(self.comments),
                "users": len(self.users),
            }

    # -- persistence ---------------------------------------------------------------------
    def to_json(self) -> str:
        with self.lock:
            data = {name: getattr(self, name) for name in _PERSISTED}
            for integration in data["integrations"].values():
                integration["shared"] = sorted(integration["shared"])
            text = json.dumps(data, ensure_ascii=False)
            for integration in self.integrations.values():
                integration["shared"] = set(integration["shared"])
            return text

    def load_json(self, text: str) -> None:
        data = json.loads(text)
        with self.lock:
            self.clear()
            for name in _PERSISTED:
                if name in data:
                    setattr(self, name, data[name])
            for integration in self.integrations.values():
                integration["shared"] = set(integration["shared"])

    def save(self, path: str | Path) -> None:
        target = Path(path)
        temporary = target.with_suffix(target.suffix + ".tmp")
        temporary.write_text(self.to_json(), encoding="utf-8")
        temporary.replace(target)

    def load(self, path: str | Path) -> None:
        self.load_json(Path(path).read_text(encoding="utf-8"))
