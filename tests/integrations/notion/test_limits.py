"""Size limits: rich text splitting, field checks, and append plans that rebuild any block tree."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.notion.errors import ObjectNotFoundError
from integrations.notion.limits import (
    MAX_TEXT,
    NotionLimitError,
    append_blocks,
    normalize_blocks,
    normalize_properties,
    pages_create_with_children,
    plan_append,
    split_for_page_create,
    split_rich_text,
    utf16_len,
)

# --- an in-memory Notion that checks every request the way the API documents its limits ----------

# type: (deepest tier it may sit on, tier of its children relative to its own, children required)
TIERS = {"table": (2, 1, 1), "tab": (2, 1, 1), "column_list": (1, 0, 2), "column": (1, 1, 1)}


def kind_of(block: dict) -> str:
    return block.get("type") or next(k for k in block if k not in ("object", "type"))


def check_request(children: list[dict]) -> None:
    """Raise AssertionError if Notion would refuse these children in one request."""
    assert len(children) <= 100, "more than 100 children in one array"
    total = _check_level(children, tier=1)
    assert total <= 1000, "more than 1000 blocks in one request"
    size = len(json.dumps({"children": children}, ensure_ascii=False).encode())
    assert size <= 500_000, "payload over 500 KB"


def _check_level(children: list[dict], tier: int) -> int:
    assert len(children) <= 100
    total = 0
    for block in children:
        kind = kind_of(block)
        max_tier, delta, required = TIERS.get(kind, (3, 1, 0))
        assert tier <= max_tier, f"{kind} at tier {tier}"
        body = block[kind]
        for key in ("rich_text", "caption"):
            _check_rich_text(body.get(key) or [])
        for cell in body.get("cells") or []:
            _check_rich_text(cell)
        kids = body.get("children") or []
        assert len(kids) >= required, f"{kind} created without its required children"
        if kids:
            assert tier + delta <= 3, f"children nested too deep under {kind} at tier {tier}"
            total += _check_level(kids, tier + delta)
        total += 1
    return total


def _check_rich_text(items: list[dict]) -> None:
    assert len(items) <= 100
    for item in items:
        assert utf16_len(item["text"]["content"]) <= 2000


class FakeNotion:
    """Blocks in memory, appended like PATCH /v1/blocks/{id}/children does, with checks."""

    version = "2025-09-03"

    def __init__(self, root: str = "page") -> None:
        self.blocks: dict[str, dict[str, Any]] = {root: {"kind": "page", "body": {}, "kids": []}}
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.fail_on_call: int | None = None

    def _new(self, block: dict) -> str:
        kind = kind_of(block)
        body = {k: v for k, v in block[kind].items() if k != "children"}
        block_id = f"blk-{len(self.blocks)}"
        self.blocks[block_id] = {"kind": kind, "body": body, "kids": []}
        self.blocks[block_id]["kids"] = [self._new(k) for k in block[kind].get("children") or []]
        return block_id

    def _object(self, block_id: str) -> dict:
        node = self.blocks[block_id]
        return {
            "object": "block",
            "id": block_id,
            "type": node["kind"],
            node["kind"]: node["body"],
            "has_children": bool(node["kids"]),
        }

    def blocks_children_append(self, block_id, *, children, after=None, position=None):
        self.calls.append(
            ("append", block_id, {"children": children, "after": after, "position": position})
        )
        if self.fail_on_call == len(self.calls):
            raise ObjectNotFoundError("gone", status=404, method="PATCH", path="/v1/blocks")
        check_request(children)
        siblings = self.blocks[block_id]["kids"]
        anchor = after or ((position or {}).get("after_block") or {}).get("id")
        at = siblings.index(anchor) + 1 if anchor else len(siblings)
        new_ids = [self._new(block) for block in children]
        siblings[at:at] = new_ids
        # Like Notion, a positioned append also returns the siblings that now follow.
        shown = siblings[at:] if anchor else new_ids
        return {"object": "list", "results": [self._object(i) for i in shown]}

    def blocks_children_list(self, block_id, *, start_cursor=None, page_size=None):
        self.calls.append(("list", block_id, {"start_cursor": start_cursor}))
        kids = self.blocks[block_id]["kids"]
        start = int(start_cursor or 0)
        end = start + (page_size or 100)
        return {
            "object": "list",
            "results": [self._object(i) for i in kids[start:end]],
            "next_cursor": str(end) if end < len(kids) else None,
            "has_more": end < len(kids),
        }

    def pages_create(self, *, parent, properties=None, children=None, **fields):
        self.calls.append(("create", "page", {"children": children, **fields}))
        if children:
            check_request(children)
        page_id = f"page-{len(self.blocks)}"
        self.blocks[page_id] = {"kind": "page", "body": {}, "kids": []}
        self.blocks[page_id]["kids"] = [self._new(block) for block in children or []]
        return {"object": "page", "id": page_id}

    def tree(self, block_id: str = "page") -> list[dict]:
        """The stored children of a block, in request shape."""
        out = []
        for kid in self.blocks[block_id]["kids"]:
            node = self.blocks[kid]
            body = dict(node["body"])
            if node["kids"]:
                body["children"] = self.tree(kid)
            out.append({"type": node["kind"], node["kind"]: body})
        return out

    def appends(self) -> list[tuple[str, dict]]:
        return [(target, body) for name, target, body in self.calls if name == "append"]


def shape(blocks: list[dict]) -> list[tuple]:
    """Type, full text and children of each block: what a reader sees, however text was split."""
    out = []
    for block in blocks:
        kind = kind_of(block)
        body = block[kind]
        text = "".join(i["text"]["content"] for i in body.get("rich_text") or [])
        cells = tuple("".join(i["text"]["content"] for i in c) for c in body.get("cells") or [])
        out.append((kind, text, cells, tuple(shape(body.get("children") or []))))
    return out


def para(text: str, children: list[dict] | None = None, kind: str = "paragraph") -> dict:
    body: dict[str, Any] = {"rich_text": [{"type": "text", "text": {"content": text}}]}
    if children:
        body["children"] = children
    return {"type": kind, kind: body}


def table(rows: int) -> dict:
    return {
        "type": "table",
        "table": {
            "table_width": 2,
            "children": [
                {
                    "type": "table_row",
                    "table_row": {"cells": [[{"text": {"content": f"r{r}"}}], []]},
                }
                for r in range(rows)
            ],
        },
    }


def columns(*contents: list[dict]) -> dict:
    cols = [{"type": "column", "column": {"children": list(c)}} for c in contents]
    return {"type": "column_list", "column_list": {"children": cols}}


# --- rich text -----------------------------------------------------------------------------------


def test_a_5000_character_paragraph_becomes_three_items_with_no_text_lost():
    text = "".join(chr(ord("a") + i % 26) for i in range(5000))
    item = {
        "type": "text",
        "text": {"content": text, "link": {"url": "https://example.com"}},
        "annotations": {"bold": True, "color": "red"},
    }

    [block] = normalize_blocks([{"paragraph": {"rich_text": [item], "color": "blue"}}])

    parts = block["paragraph"]["rich_text"]
    assert [len(p["text"]["content"]) for p in parts] == [2000, 2000, 1000]
    assert "".join(p["text"]["content"] for p in parts) == text
    assert all(p["annotations"] == {"bold": True, "color": "red"} for p in parts)
    assert all(p["text"]["link"] == {"url": "https://example.com"} for p in parts)
    assert block["paragraph"]["color"] == "blue"
    assert item["text"]["content"] == text  # the input is left alone


def test_splitting_counts_emoji_as_two_units_and_never_cuts_one():
    text = "😀" * 1500  # 3000 UTF-16 units

    parts = split_rich_text([{"text": {"content": text}}])

    assert [utf16_len(p["text"]["content"]) for p in parts] == [2000, 1000]
    assert "".join(p["text"]["content"] for p in parts) == text


def test_text_that_would_need_more_than_100_items_is_refused_with_the_field_named():
    items = [{"text": {"content": "x" * 1999}}] * 60 + [{"text": {"content": "y" * 4001}}] * 20

    with pytest.raises(NotionLimitError) as caught:
        normalize_blocks([para("ok"), {"quote": {"rich_text": items}}])

    assert caught.value.limit == "MAX_RICH_TEXT_ITEMS"
    assert caught.value.field == "children[1].quote.rich_text"
    assert caught.value.actual == 120
    assert "MAX_RICH_TEXT_ITEMS" in str(caught.value) and "children[1]" in str(caught.value)


@pytest.mark.parametrize(
    ("block", "limit", "field"),
    [
        (
            {"paragraph": {"rich_text": [{"text": {"content": "a", "link": {"url": "u" * 2001}}}]}},
            "MAX_URL",
            "children[0].paragraph.rich_text[0].text.link.url",
        ),
        ({"bookmark": {"url": "https://" + "x" * 2000}}, "MAX_URL", "children[0].bookmark.url"),
        (
            {"image": {"type": "external", "external": {"url": "h" * 2001}}},
            "MAX_URL",
            "children[0].image.external.url",
        ),
        (
            {"equation": {"expression": "x" * 1001}},
            "MAX_EQUATION",
            "children[0].equation.expression",
        ),
        (
            {
                "callout": {
                    "rich_text": [{"type": "equation", "equation": {"expression": "e" * 1001}}]
                }
            },
            "MAX_EQUATION",
            "children[0].callout.rich_text[0].equation.expression",
        ),
    ],
)
def test_unsplittable_values_over_their_limit_are_refused(block, limit, field):
    with pytest.raises(NotionLimitError) as caught:
        normalize_blocks([block])

    assert (caught.value.limit, caught.value.field) == (limit, field)


def test_long_text_is_split_in_every_kind_of_block():
    long = "z" * 4500
    blocks = [
        para(long, kind=kind)
        for kind in ("heading_1", "bulleted_list_item", "to_do", "quote", "callout", "toggle")
    ] + [
        {
            "code": {
                "language": "python",
                "rich_text": [{"text": {"content": long}}],
                "caption": [{"text": {"content": long}}],
            }
        },
        {
            "table": {
                "table_width": 1,
                "children": [{"table_row": {"cells": [[{"text": {"content": long}}]]}}],
            }
        },
        para("top", [para(long, [para(long)])]),
    ]

    normalized = normalize_blocks(blocks)

    check_request(normalized[:6])
    assert len(normalized[6]["code"]["caption"]) == 3
    assert len(normalized[7]["table"]["children"][0]["table_row"]["cells"][0]) == 3
    deepest = normalized[8]["paragraph"]["children"][0]["paragraph"]["children"][0]
    assert len(deepest["paragraph"]["rich_text"]) == 3
    assert shape(normalized) == shape(blocks)


def test_page_properties_are_split_and_checked():
    props = normalize_properties(
        {
            "Name": {"title": [{"text": {"content": "n" * 2500}}]},
            "Site": {"url": "https://ok"},
            "Done": {"checkbox": True},
        }
    )

    assert len(props["Name"]["title"]) == 2
    with pytest.raises(NotionLimitError, match="MAX_EMAIL"):
        normalize_properties({"Mail": {"email": "a" * 201}})
    with pytest.raises(NotionLimitError, match="MAX_MULTI_SELECT") as caught:
        normalize_properties({"Tags": {"multi_select": [{"name": str(i)} for i in range(101)]}})
    assert caught.value.field == "properties['Tags'].multi_select"


# --- append plans --------------------------------------------------------------------------------


def test_250_blocks_are_appended_in_three_requests_in_order():
    notion = FakeNotion()
    blocks = [para(f"line {i}") for i in range(250)]

    created = append_blocks(notion, "page", blocks)

    assert [len(body["children"]) for _, body in notion.appends()] == [100, 100, 50]
    assert {target for target, _ in notion.appends()} == {"page"}
    assert shape(notion.tree()) == shape(blocks)
    assert [b["id"] for b in created] == notion.blocks["page"]["kids"]
    assert created.blocks_written == 250 and created.requests == 3


def test_a_four_level_tree_is_appended_level_by_level_and_arrives_complete():
    notion = FakeNotion()
    tree = [para("L1", [para("L2", [para("L3", [para("L4a"), para("L4b")])])], kind="toggle")]

    created = append_blocks(notion, "page", tree)

    appends = notion.appends()
    assert len(appends) == 2
    assert appends[0] == (
        "page",
        {"children": [para("L1", kind="toggle")], "after": None, "position": None},
    )
    assert appends[1][0] == created[0]["id"]  # the second level hangs off the created block
    assert shape(appends[1][1]["children"]) == shape(tree[0]["toggle"]["children"])
    assert shape(notion.tree()) == shape(tree)
    assert created.blocks_written == 5 and created.lookups == 0


def test_a_deep_branch_is_deferred_without_breaking_sibling_order():
    notion = FakeNotion()
    deep = para("deep", [para("d2", [para("d3", [para("d4")])])])
    tree = [para("top", [para("a"), deep, para("b"), para("c")]), para("after")]

    append_blocks(notion, "page", tree)

    assert shape(notion.tree()) == shape(tree)
    first = notion.appends()[0][1]["children"]
    assert shape(first[0]["paragraph"]["children"]) == shape([para("a")])


def test_a_table_with_150_rows_gets_its_rows_in_two_requests():
    notion = FakeNotion()

    created = append_blocks(notion, "page", [table(150)])

    appends = notion.appends()
    assert len(appends[0][1]["children"][0]["table"]["children"]) == 100
    assert appends[1][0] == created[0]["id"] and len(appends[1][1]["children"]) == 50
    assert shape(notion.tree()) == shape([table(150)])


def test_columns_with_deep_content_are_completed_by_looking_up_nested_ids():
    deep = para("t", [para("t2", [para("t3", [para("t4")])])], kind="toggle")
    layout = columns([deep, para("x")], [para("y")])
    notion = FakeNotion()

    result = append_blocks(notion, "page", [layout])

    assert shape(notion.tree()) == shape([layout])
    assert result.lookups >= 1  # Notion only returns ids of top-level blocks


def test_appending_after_a_block_keeps_the_new_blocks_together_in_place():
    notion = FakeNotion()
    append_blocks(notion, "page", [para("first"), para("last")])
    first_id = notion.blocks["page"]["kids"][0]
    blocks = [para(str(i)) for i in range(150)]

    created = append_blocks(notion, "page", blocks, after=first_id)

    texts = [t for _, t, _, _ in shape(notion.tree())]
    assert texts == ["first", *map(str, range(150)), "last"]
    assert [c["id"] for c in created] == notion.blocks["page"]["kids"][1:151]
    assert notion.appends()[-1][1]["after"] == created[99]["id"]


def test_newer_api_versions_place_blocks_with_position_instead_of_after():
    notion = FakeNotion()
    notion.version = "2026-03-11"
    append_blocks(notion, "page", [para("first")])

    append_blocks(notion, "page", [para("second")], after="blk-1")

    body = notion.appends()[-1][1]
    assert body["after"] is None
    assert body["position"] == {"type": "after_block", "after_block": {"id": "blk-1"}}


def test_large_payloads_are_spread_over_requests_under_500_kb():
    notion = FakeNotion()
    chunk = [{"text": {"content": "é" * 2000}} for _ in range(25)]  # ~100 KB a block in UTF-8
    blocks = [{"paragraph": {"rich_text": chunk}} for _ in range(12)]

    append_blocks(notion, "page", blocks)

    assert len(notion.appends()) >= 3  # check_request refused anything over 500 KB
    assert shape(notion.tree()) == shape(blocks)


def test_a_failed_append_reports_how_far_it_got():
    notion = FakeNotion()
    notion.fail_on_call = 2

    with pytest.raises(ObjectNotFoundError) as caught:
        append_blocks(notion, "page", [para(str(i)) for i in range(150)])

    progress = caught.value.append_progress
    assert progress.blocks_written == 100 and len(progress) == 100


def test_page_creation_sends_what_fits_and_appends_the_rest():
    deep = para("deep", [para("2", [para("3", [para("4")])])])
    blocks = [para(str(i)) for i in range(10)] + [deep] + [para(str(i)) for i in range(150)]

    first, rest = split_for_page_create(blocks)

    assert len(first) == 10 and len(rest) == 151
    notion = FakeNotion()
    page, appended = pages_create_with_children(
        notion, parent={"page_id": "p"}, properties={"title": []}, children=blocks
    )
    assert shape(notion.tree(page["id"])) == shape(blocks)
    assert appended.blocks_written == count(blocks)


def count(blocks: list[dict]) -> int:
    return sum(1 + count(b[kind_of(b)].get("children") or []) for b in blocks)


def test_a_column_without_room_for_its_content_is_refused_not_mangled():
    # A column must be created with a child; a table as that child would need a fourth level.
    layout = {
        "column_list": {
            "children": [
                {"column": {"children": [para("p", [table(1)])]}},
                {"column": {"children": [para("q")]}},
            ]
        }
    }
    inside = para("box", [layout])

    append_blocks(FakeNotion(), "page", [inside])  # a nested column_list is moved, not refused
    bad = {"column": {"children": [{"column_list": layout["column_list"]}]}}
    with pytest.raises(NotionLimitError, match="MAX_NESTING"):
        plan_append([bad])


# --- property: any tree is written completely with valid requests ---------------------------------

TEXT = st.one_of(
    st.text(max_size=30),
    st.builds(lambda n, c: c * n, st.integers(1, 4500), st.sampled_from(["a", "é", "😀", "ab"])),
)
CONTAINERS = ("paragraph", "toggle", "bulleted_list_item", "quote", "to_do", "callout")


def _container(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.builds(
        lambda kind, text, kids: para(text, kids, kind=kind),
        st.sampled_from(CONTAINERS),
        TEXT,
        st.lists(inner, max_size=4),
    )


def _wide(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.builds(
        lambda n, text, tail: para(text, [para(f"w{i}") for i in range(n)] + tail),
        st.integers(95, 130),
        TEXT,
        st.lists(inner, max_size=2),
    )


def _chain(inner: st.SearchStrategy) -> st.SearchStrategy:
    """Containers nested 3 to 6 deep, with other blocks at the bottom."""

    def build(depth: int, kinds: list[str], text: str, bottom: list[dict]) -> dict:
        block = para(text, bottom, kind=kinds[0])
        for level in range(1, depth):
            block = para(f"level {level}", [block], kind=kinds[level % len(kinds)])
        return block

    return st.builds(
        build,
        st.integers(3, 6),
        st.lists(st.sampled_from(CONTAINERS), min_size=1, max_size=3),
        TEXT,
        st.lists(inner, max_size=3),
    )


def _columns(inner: st.SearchStrategy) -> st.SearchStrategy:
    content = inner.filter(lambda b: kind_of(b) != "column_list")
    return st.lists(st.lists(content, min_size=1, max_size=3), min_size=2, max_size=3).map(
        lambda cols: columns(*cols)
    )


BLOCK = st.recursive(
    st.one_of(st.builds(para, TEXT), st.integers(1, 130).map(table)),
    lambda inner: st.one_of(_container(inner), _wide(inner), _chain(inner), _columns(inner)),
    max_leaves=25,
)
TREES = st.one_of(
    st.lists(BLOCK, max_size=6),
    st.builds(
        lambda n, tail: [para(str(i)) for i in range(n)] + tail,
        st.integers(95, 210),
        st.lists(BLOCK, max_size=2),
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(TREES)
def test_any_block_tree_is_written_completely_with_requests_notion_accepts(tree):
    notion = FakeNotion()

    created = append_blocks(notion, "page", tree)  # FakeNotion checks every request

    assert shape(notion.tree()) == shape(tree)
    assert [c["id"] for c in created] == notion.blocks["page"]["kids"]
    assert created.blocks_written == count(tree)
    for _, body in notion.appends():
        for text in _texts(body["children"]):
            assert utf16_len(text) <= MAX_TEXT


def _texts(blocks: list[dict]):
    for block in blocks:
        body = block[kind_of(block)]
        for item in body.get("rich_text") or []:
            yield item["text"]["content"]
        yield from _texts(body.get("children") or [])
