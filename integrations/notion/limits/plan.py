"""Plan a block tree of any size into append requests that respect Notion's per-request limits."""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .constants import (
    MAX_BLOCKS_PER_PAYLOAD,
    MAX_CHILDREN,
    MAX_NESTING,
    MAX_PAYLOAD_BYTES,
    NotionLimitError,
)
from .richtext import block_type, children_of, normalize_blocks, with_children

# Blocks in one request sit on tiers 1 (top) to 3; tier-3 blocks carry no children. Sources:
# https://developers.notion.com/reference/patch-block-children and the SDK request unions
# BlockObjectRequest > BlockObjectWithSingleLevelOfChildrenRequest > ...WithoutChildren.
MAX_TIER = 1 + MAX_NESTING
# Room left for the request wrapper (`{"children":[…],"after":…}`) and JSON punctuation.
_WRAPPER_BYTES = 1_000
_PER_CHILD_BYTES = 16


@dataclass(frozen=True)
class _Rule:
    max_tier: int = MAX_TIER  # deepest tier where the type may appear
    child_delta: int = 1  # tier of its children relative to its own
    min_children: int = 0  # children the type must be created with


_DEFAULT_RULE = _Rule()
# Types whose children are required, and the tiers they may take. A column_list's columns share
# its tier (the SDK gives them a dedicated union), so column content may nest one level deeper.
_RULES = {
    "table": _Rule(max_tier=2, min_children=1),
    "tab": _Rule(max_tier=2, min_children=1),
    "column_list": _Rule(max_tier=1, child_delta=0, min_children=2),
    "column": _Rule(max_tier=1, min_children=1),
}


def _rule(block: dict[str, Any]) -> _Rule:
    return _RULES.get(block_type(block), _DEFAULT_RULE)


@dataclass(frozen=True)
class BlockRef:
    """A block created by an earlier step: `path[0]` indexes that step's returned blocks; further
    indexes walk down its inline children (resolved by listing children, as Notion returns ids
    of top-level blocks only)."""

    step: int
    path: tuple[int, ...]


@dataclass
class AppendStep:
    """One `PATCH /v1/blocks/{parent}/children` request; parent None means the target block."""

    parent: BlockRef | None
    children: list[dict[str, Any]]
    block_count: int = 0


def payload_bytes(data: Any) -> int:
    """Bytes of the JSON body as the client sends it (UTF-8, compact)."""
    return len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def count_blocks(blocks: list[dict[str, Any]]) -> int:
    return sum(1 + count_blocks(children_of(b)) for b in blocks)


def fits_whole(block: dict[str, Any], tier: int = 1) -> bool:
    """True when the block and all its descendants can be sent at `tier` in one request."""
    rule = _rule(block)
    if tier > rule.max_tier:
        return False
    kids = children_of(block)
    if not kids:
        return True
    child_tier = tier + rule.child_delta
    if child_tier > MAX_TIER or len(kids) > MAX_CHILDREN:
        return False
    return all(fits_whole(kid, child_tier) for kid in kids)


@dataclass
class _Budget:
    blocks: int = MAX_BLOCKS_PER_PAYLOAD
    nbytes: int = MAX_PAYLOAD_BYTES - _WRAPPER_BYTES

    def allows(self, blocks: int, nbytes: int) -> bool:
        return blocks <= self.blocks and nbytes <= self.nbytes

    def spend(self, blocks: int, nbytes: int) -> None:
        self.blocks -= blocks
        self.nbytes -= nbytes


@dataclass
class _Inline:
    payload: dict[str, Any]
    blocks: int
    nbytes: int
    deferred: list[tuple[BlockRef, list[dict[str, Any]]]] = field(default_factory=list)


def _whole_cost(block: dict[str, Any]) -> tuple[int, int]:
    return 1 + count_blocks(children_of(block)), payload_bytes(block) + _PER_CHILD_BYTES


def _inline(block: dict[str, Any], tier: int, ref: BlockRef, budget: _Budget) -> _Inline:
    """The largest valid prefix of the block's subtree for one request; the rest is deferred.

    Deferred children are always a suffix of some block's children, so appending them later to
    that block keeps the original order."""
    rule = _rule(block)
    kind = block_type(block)
    if tier > rule.max_tier:
        raise NotionLimitError(
            "MAX_NESTING", kind, detail=f"a {kind} block cannot be nested {tier - 1} levels deep"
        )
    shell = with_children(block, [])
    own_bytes = payload_bytes(shell) + _PER_CHILD_BYTES
    room = _Budget(budget.blocks - 1, budget.nbytes - own_bytes)
    kids = children_of(block)
    child_tier = tier + rule.child_delta
    sent: list[dict[str, Any]] = []
    deferred: list[tuple[BlockRef, list[dict[str, Any]]]] = []
    used_blocks, used_bytes = 1, own_bytes
    while child_tier <= MAX_TIER and len(sent) < min(len(kids), MAX_CHILDREN):
        kid = kids[len(sent)]
        if fits_whole(kid, child_tier):
            cost = _whole_cost(kid)
            if room.allows(*cost) or len(sent) < rule.min_children:
                sent.append(kid)
                room.spend(*cost)
                used_blocks, used_bytes = used_blocks + cost[0], used_bytes + cost[1]
                continue
        if len(sent) >= rule.min_children:
            break
        # A required child that cannot travel whole goes in part; its rest is appended later.
        part = _inline(kid, child_tier, BlockRef(ref.step, (*ref.path, len(sent))), room)
        sent.append(part.payload)
        deferred.extend(part.deferred)
        room.spend(part.blocks, part.nbytes)
        used_blocks, used_bytes = used_blocks + part.blocks, used_bytes + part.nbytes
    if len(sent) < min(rule.min_children, len(kids)):
        raise NotionLimitError(
            "MAX_NESTING", kind, detail=f"a {kind} block must be created with its children"
        )
    if len(sent) < len(kids):
        deferred.append((ref, kids[len(sent) :]))
    return _Inline(with_children(block, sent), used_blocks, used_bytes, deferred)


def plan_append(blocks: list[dict[str, Any]], *, normalize: bool = True) -> list[AppendStep]:
    """Turn a block tree of any length and depth into successive append requests.

    Each request holds at most 100 children per array, 2 nesting levels, 1,000 blocks and
    500 KB. Top-level blocks keep their order across requests; deeper content is appended to its
    parent once that parent exists (see BlockRef)."""
    if normalize:
        blocks = normalize_blocks(blocks)
    steps: list[AppendStep] = []
    queue: deque[tuple[BlockRef | None, list[dict[str, Any]]]] = deque([(None, list(blocks))])
    while queue:
        parent, pending = queue.popleft()
        while pending:
            step = _plan_step(len(steps), parent, pending)
            steps.append(step.step)
            queue.extend(step.deferred)
            pending = pending[len(step.step.children) :]
    return steps


@dataclass
class _PlannedStep:
    step: AppendStep
    deferred: list[tuple[BlockRef, list[dict[str, Any]]]]


def _plan_step(index: int, parent: BlockRef | None, pending: list[dict[str, Any]]) -> _PlannedStep:
    budget = _Budget()
    children: list[dict[str, Any]] = []
    deferred: list[tuple[BlockRef, list[dict[str, Any]]]] = []
    total = 0
    for block in pending[:MAX_CHILDREN]:
        ref = BlockRef(index, (len(children),))
        part = _inline(block, 1, ref, budget)
        if children and (
            not budget.allows(part.blocks, part.nbytes)
            # A block squeezed by what this request already holds goes first in the next one.
            or (part.deferred and _inline(block, 1, ref, _Budget()).blocks > part.blocks)
        ):
            break
        if not budget.allows(part.blocks, part.nbytes):
            raise NotionLimitError(
                "MAX_PAYLOAD_BYTES",
                f"children[{index}]",
                actual=part.nbytes,
                detail="a single block is too large for one request",
            )
        children.append(part.payload)
        deferred.extend(part.deferred)
        budget.spend(part.blocks, part.nbytes)
        total += part.blocks
    return _PlannedStep(AppendStep(parent, children, total), deferred)


def split_for_page_create(
    blocks: list[dict[str, Any]], *, reserve_bytes: int = 0, normalize: bool = True
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split content for `POST /v1/pages`: the first part goes with the create (≤100 blocks, whole
    subtrees only, since the response gives no block ids); the rest is for `append_blocks`."""
    if normalize:
        blocks = normalize_blocks(blocks)
    budget = _Budget(nbytes=MAX_PAYLOAD_BYTES - _WRAPPER_BYTES - reserve_bytes)
    first: list[dict[str, Any]] = []
    for block in blocks[:MAX_CHILDREN]:
        cost = _whole_cost(block)
        if not (fits_whole(block, 1) and budget.allows(*cost)):
            break
        first.append(block)
        budget.spend(*cost)
    return first, list(blocks[len(first) :])
