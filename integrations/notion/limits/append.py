"""Run an append plan with a client: write a whole block tree, level by level, in order."""

from __future__ import annotations

from typing import Any, Protocol

from ..errors import NotionError, UnexpectedResponseError
from ..pagination import iterate
from .constants import MAX_PAGE_SIZE
from .plan import AppendStep, BlockRef, count_blocks, payload_bytes, plan_append
from .plan import split_for_page_create as _split_for_page_create

# `after` was replaced by `position` in Notion-Version 2026-03-11
# (https://developers.notion.com/guides/get-started/upgrade-guide-2026-03-11).
_POSITION_VERSION = "2026-03-11"


class BlockWriter(Protocol):
    version: str

    def blocks_children_append(
        self,
        block_id: str,
        *,
        children: list[dict[str, Any]],
        after: str | None = None,
        position: dict[str, Any] | None = None,
    ) -> dict[str, Any]: ...

    def blocks_children_list(
        self, block_id: str, *, start_cursor: str | None = None, page_size: int | None = None
    ) -> dict[str, Any]: ...


class AppendResult(list):
    """The created top-level blocks, in order, plus counters of the work done."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks_written = 0  # every block created, at any depth
        self.requests = 0  # append requests sent
        self.lookups = 0  # children listings needed to find ids of nested blocks


def append_blocks(
    client: BlockWriter,
    parent_id: str,
    blocks: list[dict[str, Any]],
    *,
    after: str | None = None,
) -> AppendResult:
    """Append a block tree of any size under `parent_id` (after block `after` if given).

    On a Notion error part of the tree may already be written: the error gets an
    `append_progress` attribute holding the AppendResult so far."""
    result = AppendResult()
    steps = plan_append(blocks)
    runner = _Runner(client, parent_id, after)
    try:
        for step in steps:
            created = runner.run(step)
            result.requests += 1
            result.blocks_written += step.block_count
            if step.parent is None:
                result.extend(created)
    except NotionError as error:
        error.append_progress = result  # type: ignore[attr-defined]
        raise
    finally:
        result.lookups = runner.lookups
    return result


class _Runner:
    def __init__(self, client: BlockWriter, parent_id: str, after: str | None) -> None:
        self.client = client
        self.parent_id = parent_id
        self.after = after
        self.results: list[list[dict[str, Any]]] = []
        self.listed: dict[str, list[dict[str, Any]]] = {}
        self.lookups = 0

    def run(self, step: AppendStep) -> list[dict[str, Any]]:
        target = self.parent_id if step.parent is None else self._resolve(step.parent)
        placement = self._placement() if step.parent is None else {}
        response = self.client.blocks_children_append(target, children=step.children, **placement)
        # A positioned append also returns the siblings that follow; ours come first.
        created = list(response.get("results") or [])[: len(step.children)]
        if len(created) < len(step.children) or not all(b.get("id") for b in created):
            raise UnexpectedResponseError(
                f"Notion returned {len(created)} of {len(step.children)} appended blocks",
                method="PATCH",
                path=f"/v1/blocks/{target}/children",
            )
        self.results.append(created)
        if step.parent is None and self.after is not None:
            self.after = created[-1]["id"]  # the next batch goes right after this one
        return created

    def _placement(self) -> dict[str, Any]:
        if self.after is None:
            return {}
        if str(getattr(self.client, "version", "")) >= _POSITION_VERSION:
            return {"position": {"type": "after_block", "after_block": {"id": self.after}}}
        return {"after": self.after}

    def _resolve(self, ref: BlockRef) -> str:
        block_id = self.results[ref.step][ref.path[0]]["id"]
        for index in ref.path[1:]:
            block_id = self._children(block_id)[index]["id"]
        return block_id

    def _children(self, block_id: str) -> list[dict[str, Any]]:
        if block_id not in self.listed:
            self.lookups += 1
            pages = iterate(
                lambda cursor: self.client.blocks_children_list(
                    block_id, start_cursor=cursor, page_size=MAX_PAGE_SIZE
                )
            )
            self.listed[block_id] = list(pages)
        return self.listed[block_id]


def pages_create_with_children(
    client: Any, *, children: list[dict[str, Any]], **page_fields: Any
) -> tuple[dict[str, Any], AppendResult]:
    """Create a page with content of any size: what fits goes with `POST /v1/pages`, the rest
    is appended. On a Notion error after creation the error carries `page` (and
    `append_progress`)."""
    reserve = payload_bytes({k: v for k, v in page_fields.items() if v is not None})
    first, rest = _split_for_page_create(children, reserve_bytes=reserve)
    page = client.pages_create(children=first or None, **page_fields)
    try:
        appended = append_blocks(client, page["id"], rest) if rest else AppendResult()
    except NotionError as error:
        error.page = page  # type: ignore[attr-defined]
        raise
    appended.blocks_written += count_blocks(first)
    return page, appended
