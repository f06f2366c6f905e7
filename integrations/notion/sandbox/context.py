"""The per-request context handed to every endpoint handler."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import not_found, restricted, validation
from .state import SandboxState
from .util import dump, parse_id

# Which stored tables answer to each object kind in a path (a page is also a block).
_TABLES = {
    "page": ("pages",),
    "block": ("blocks", "pages", "databases"),
    "database": ("databases",),
    "data_source": ("data_sources",),
    "comment": ("comments",),
}


@dataclass
class Ctx:
    state: SandboxState
    integration: dict
    method: str
    path: str
    params: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    query_lists: dict = field(default_factory=dict)
    body: dict = field(default_factory=dict)
    request_id: str = ""
    base_url: str = ""
    # Webhook change records (events.py); None when no webhook subscription is listening.
    events: list | None = None

    @property
    def actor(self) -> str:
        return self.integration["id"]

    def require(self, capability: str) -> None:
        if capability not in self.integration["capabilities"]:
            raise restricted()

    def not_found(self, kind: str, object_id: str):
        return not_found(kind, object_id, self.integration["name"], self.integration["id"])

    def path_id(self, name: str) -> str:
        raw = self.params[name]
        object_id = parse_id(raw)
        if object_id is None:
            raise validation(
                f"path failed validation: path.{name} should be a valid uuid, instead was "
                f"`{dump(raw)}`."
            )
        return object_id

    def lookup(self, kind: str, raw_id: object, where: str | None = None) -> dict:
        """A record of `kind` the integration can see, or Notion's sharing-aware 404."""
        object_id = parse_id(raw_id)
        if object_id is None:
            label = where or f"body.parent.{kind}_id"
            raise validation(
                f"body failed validation: {label} should be a valid uuid, instead was "
                f"`{dump(raw_id)}`."
            )
        for table in _TABLES[kind]:
            record = getattr(self.state, table).get(object_id)
            if record is not None:
                if self.state.visible(object_id, self.integration):
                    return record
                break
        raise self.not_found(kind, object_id)

    def resolve(self, kind: str, object_id: str) -> str:
        return self.state.mention_text(kind, object_id)
