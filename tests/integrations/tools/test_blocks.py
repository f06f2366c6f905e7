"""notion_get_block_children, notion_append_block_children, notion_update_block and
notion_delete_block against the sandbox over HTTP."""

from __future__ import annotations

import json
import time

import pytest
from pydantic import ValidationError

from integrations.notion.markdown import rich_text_to_plain
from integrations.notion.sandbox import seed as ids
from integrations.tools.errors import ToolError, ToolInputError
from tests.integrations.tools.conftest import find_landed, now, run_tool, writes

ROOT = ids.ROOT_PAGE_ID


def texts(blocks: list[dict]) -> list[tuple[str, str]]:
    return [
        (b["type"], rich_text_to_plain((b.get(b["type"]) or {}).get("rich_text"))) for b in blocks
    ]


def root_block(notion_sandbox, kind: str) -> dict:
    return next(b for b in notion_sandbox.state.children(ROOT) if b["type"] == kind)


# --- notion_get_block_children ---------------------------------------------------------------


def test_get_block_children_lists_one_level_as_markdown_with_ids(call, notion_sandbox):
    out = call("notion_get_block_children", {"block_id": ROOT})
    items = out["blocks"]
    stored = notion_sandbox.state.children(ROOT)
    assert [item["id"] for item in items] == [b["id"] for b in stored]
    assert items[0] == {
        "id": stored[0]["id"],
        "type": "heading_1",
        "markdown": ("# Welcome to the Phinite sandbox"),
    }
    todo = next(item for item in items if item["markdown"] == "- [ ] Assign an assistant")
    assert todo["has_children"] is True
    assert "Pick the tools" not in json.dumps(items)  # one level only
    assert out["has_more"] is False


def test_get_block_children_pages_with_limit_and_cursor(call, notion_sandbox):
    stored = [b["id"] for b in notion_sandbox.state.children(ROOT)]
    seen, cursor = [], None
    while True:
        out = call("notion_get_block_children", {"block_id": ROOT, "limit": 4, "cursor": cursor})
        assert len(out["blocks"]) <= 4
        seen += [item["id"] for item in out["blocks"]]
        cursor = out["next_cursor"]
        if not out["has_more"]:
            break
    assert seen == stored


def test_get_block_children_budget_cut_continues_without_losing_blocks(call, notion_sandbox):
    markdown = "\n\n".join(f"Paragraph {n} " + "x" * 300 for n in range(30))
    page = call("notion_create_page", {"parent_id": ROOT, "title": "P", "markdown": markdown})
    seen, cursor = [], None
    for _ in range(40):
        out = call(
            "notion_get_block_children",
            {"block_id": page["id"], "max_chars": 2_000, "cursor": cursor},
        )
        assert len(json.dumps(out, ensure_ascii=False)) <= 2_000
        seen += [item["markdown"].split(" ")[1] for item in out["blocks"]]
        cursor = out["next_cursor"]
        if not cursor:
            break
    assert seen == [str(n) for n in range(30)]


def test_get_block_children_as_blocks_returns_notion_objects(call):
    out = call("notion_get_block_children", {"block_id": ROOT, "format": "blocks", "limit": 2})
    assert [b["object"] for b in out["blocks"]] == ["block", "block"]
    assert out["blocks"][1]["paragraph"]["rich_text"][1]["annotations"]["bold"] is True
    assert out["has_more"] is True and out["next_cursor"]


def test_get_block_children_not_shared(call):
    with pytest.raises(ToolError) as caught:
        call("notion_get_block_children", {"block_id": ids.PRIVATE_PAGE_ID})
    assert caught.value.code == "not_shared" and ids.INTEGRATION_NAME in caught.value.message


@pytest.mark.parametrize(
    "arguments",
    [
        {"block_id": ROOT, "limit": 0},
        {"block_id": ROOT, "format": "html"},
        {"block_id": "abc"},
    ],
)
def test_get_block_children_bad_input_never_reaches_notion(call, notion_sandbox, arguments):
    since = time.time()
    with pytest.raises(ValidationError):
        call("notion_get_block_children", arguments)
    assert notion_sandbox.requests_since(since) == []


# --- notion_append_block_children ------------------------------------------------------------


def test_append_block_children_adds_markdown_at_the_end(call, notion_sandbox):
    page = ids.MEETING_NOTES_PAGE_ID
    out = call(
        "notion_append_block_children",
        {"block_id": page, "markdown": "## Follow-up\n\n1. Call Bob\n2. Email Carol"},
    )
    assert texts(notion_sandbox.state.children(page))[-3:] == [
        ("heading_2", "Follow-up"),
        ("numbered_list_item", "Call Bob"),
        ("numbered_list_item", "Email Carol"),
    ]
    assert out["blocks_written"] == 3
    assert out["block_ids"] == [b["id"] for b in notion_sandbox.state.children(page)[-3:]]


def test_append_block_children_after_a_given_block(call, notion_sandbox):
    page = ids.MEETING_NOTES_PAGE_ID
    first = notion_sandbox.state.children(page)[0]
    call(
        "notion_append_block_children",
        {"block_id": page, "after": first["id"], "markdown": "Inserted A\n\nInserted B"},
    )
    assert texts(notion_sandbox.state.children(page))[:4] == [
        ("heading_2", "Weekly sync"),
        ("paragraph", "Inserted A"),
        ("paragraph", "Inserted B"),
        ("paragraph", "We agreed to keep the sandbox deterministic."),
    ]


def test_append_block_children_takes_notion_blocks(call, notion_sandbox):
    block = {
        "type": "to_do",
        "to_do": {"rich_text": [{"text": {"content": "Raw"}}], "checked": True},
    }
    call("notion_append_block_children", {"block_id": ids.SCRATCHPAD_PAGE_ID, "blocks": [block]})
    (stored,) = notion_sandbox.state.children(ids.SCRATCHPAD_PAGE_ID)
    assert stored["to_do"]["checked"] is True and texts([stored]) == [("to_do", "Raw")]


def test_append_block_children_nests_under_a_block(call, notion_sandbox):
    toggle = root_block(notion_sandbox, "toggle")
    call("notion_append_block_children", {"block_id": toggle["id"], "markdown": "- inside"})
    assert texts(notion_sandbox.state.children(toggle["id"]))[-1] == (
        "bulleted_list_item",
        "inside",
    )


def test_append_block_children_250_paragraphs_land_in_order(call, notion_sandbox):
    markdown = "\n\n".join(f"Row {n}" for n in range(250))
    out = call(
        "notion_append_block_children", {"block_id": ids.SCRATCHPAD_PAGE_ID, "markdown": markdown}
    )
    assert texts(notion_sandbox.state.children(ids.SCRATCHPAD_PAGE_ID)) == [
        ("paragraph", f"Row {n}") for n in range(250)
    ]
    assert out["blocks_written"] == 250 and len(out["block_ids"]) == 100


def test_append_block_children_250_paragraphs_after_a_block_keep_their_order(call, notion_sandbox):
    page = ids.MEETING_NOTES_PAGE_ID
    first = notion_sandbox.state.children(page)[0]
    markdown = "\n\n".join(f"Row {n}" for n in range(250))
    call(
        "notion_append_block_children",
        {"block_id": page, "after": first["id"], "markdown": markdown},
    )
    found = texts(notion_sandbox.state.children(page))
    assert found[1:251] == [("paragraph", f"Row {n}") for n in range(250)]
    assert found[251] == ("paragraph", "We agreed to keep the sandbox deterministic.")


def test_append_block_children_5000_characters_land_whole(call, notion_sandbox):
    text = "0123456789" * 500
    call("notion_append_block_children", {"block_id": ids.SCRATCHPAD_PAGE_ID, "markdown": text})
    (block,) = notion_sandbox.state.children(ids.SCRATCHPAD_PAGE_ID)
    assert rich_text_to_plain(block["paragraph"]["rich_text"]) == text


def test_append_block_children_deep_nesting_is_sent_in_steps(call, notion_sandbox):
    markdown = "- a\n  - b\n    - c\n      - d\n        - e"
    call("notion_append_block_children", {"block_id": ids.SCRATCHPAD_PAGE_ID, "markdown": markdown})
    block = notion_sandbox.state.children(ids.SCRATCHPAD_PAGE_ID)[0]
    depth = 0
    while block is not None:
        depth += 1
        kids = notion_sandbox.state.children(block["id"])
        block = kids[0] if kids else None
    assert depth == 5


def test_append_block_children_landed_finds_the_blocks_of_an_unanswered_attempt(
    tool_ctx, notion_sandbox
):
    arguments = {"block_id": ids.SCRATCHPAD_PAGE_ID, "markdown": "First\n\nSecond"}
    since = now()
    assert find_landed(tool_ctx, "notion_append_block_children", arguments, since) is None
    notion_sandbox.inject(path="/v1/blocks/*/children", method="PATCH", drop=True, apply=True)
    with pytest.raises(ToolError):
        run_tool(tool_ctx, "notion_append_block_children", arguments)
    landed = find_landed(tool_ctx, "notion_append_block_children", arguments, since)
    stored = notion_sandbox.state.children(ids.SCRATCHPAD_PAGE_ID)
    assert texts(stored) == [("paragraph", "First"), ("paragraph", "Second")]
    assert landed["block_ids"] == [b["id"] for b in stored] and landed["blocks_written"] == 2


def test_append_block_children_landed_finishes_a_cut_short_append(tool_ctx, notion_sandbox):
    markdown = "\n\n".join(f"Row {n}" for n in range(150))
    arguments = {"block_id": ids.SCRATCHPAD_PAGE_ID, "markdown": markdown}
    since = now()
    # What an attempt that died after its first request (100 blocks) left behind.
    tool_ctx.client.blocks_children_append(
        ids.SCRATCHPAD_PAGE_ID,
        children=[
            {"type": "paragraph", "paragraph": {"rich_text": [{"text": {"content": f"Row {n}"}}]}}
            for n in range(100)
        ],
    )
    landed = find_landed(tool_ctx, "notion_append_block_children", arguments, since)
    assert landed["blocks_written"] == 150
    assert texts(notion_sandbox.state.children(ids.SCRATCHPAD_PAGE_ID)) == [
        ("paragraph", f"Row {n}") for n in range(150)
    ]


def test_append_block_children_not_shared(call, notion_sandbox):
    with pytest.raises(ToolError) as caught:
        call("notion_append_block_children", {"block_id": ids.PRIVATE_PAGE_ID, "markdown": "x"})
    assert caught.value.code == "not_shared" and ids.INTEGRATION_NAME in caught.value.message
    assert len(notion_sandbox.state.children(ids.PRIVATE_PAGE_ID)) == 1


@pytest.mark.parametrize(
    "arguments",
    [
        {"block_id": ROOT},
        {"block_id": ROOT, "markdown": "a", "blocks": []},
        {"block_id": ROOT, "markdown": "a", "after": "zzz"},
        {"block_id": ROOT, "blocks": "not a list"},
    ],
)
def test_append_block_children_bad_input_never_reaches_notion(call, notion_sandbox, arguments):
    since = time.time()
    with pytest.raises(ValidationError):
        call("notion_append_block_children", arguments)
    assert notion_sandbox.requests_since(since) == []


def test_append_block_children_refuses_a_block_that_is_not_one(call, notion_sandbox):
    since = time.time()
    with pytest.raises(ToolInputError):
        call("notion_append_block_children", {"block_id": ROOT, "blocks": [{"text": "hi", "x": 1}]})
    assert notion_sandbox.requests_since(since) == []


# --- notion_update_block ---------------------------------------------------------------------


def test_update_block_ticks_a_to_do(call, notion_sandbox):
    todo = next(
        b
        for b in notion_sandbox.state.children(ROOT)
        if b["type"] == "to_do" and not b["to_do"]["checked"]
    )
    out = call("notion_update_block", {"block_id": todo["id"], "checked": True})
    assert notion_sandbox.state.block(todo["id"])["to_do"]["checked"] is True
    assert out["markdown"] == "- [x] Assign an assistant"


def test_update_block_rewrites_text_with_inline_markdown(call, notion_sandbox):
    quote = root_block(notion_sandbox, "quote")
    call("notion_update_block", {"block_id": quote["id"], "text": "Be **bold**."})
    rich = notion_sandbox.state.block(quote["id"])["quote"]["rich_text"]
    assert rich_text_to_plain(rich) == "Be bold." and rich[1]["annotations"]["bold"] is True


def test_update_block_changes_code_and_its_language(call, notion_sandbox):
    code = root_block(notion_sandbox, "code")
    call(
        "notion_update_block",
        {"block_id": code["id"], "text": "SELECT *\nFROM t", "language": "sql"},
    )
    stored = notion_sandbox.state.block(code["id"])["code"]
    assert (
        stored["language"] == "sql"
        and rich_text_to_plain(stored["rich_text"]) == "SELECT *\nFROM t"
    )


def test_update_block_refuses_checked_on_a_paragraph_without_writing(call, notion_sandbox):
    paragraph = root_block(notion_sandbox, "paragraph")
    since = time.time()
    with pytest.raises(ToolInputError) as caught:
        call("notion_update_block", {"block_id": paragraph["id"], "checked": True})
    assert "to-do" in caught.value.message
    assert writes(notion_sandbox, since) == []


def test_update_block_refuses_a_divider(call, notion_sandbox):
    divider = root_block(notion_sandbox, "divider")
    since = time.time()
    with pytest.raises(ToolInputError):
        call("notion_update_block", {"block_id": divider["id"], "text": "x"})
    assert writes(notion_sandbox, since) == []


@pytest.mark.parametrize(
    "arguments",
    [
        {"block_id": ROOT},
        {"block_id": ROOT, "language": "klingon"},
        {"block_id": ROOT, "checked": "perhaps"},
    ],
)
def test_update_block_bad_input_never_reaches_notion(call, notion_sandbox, arguments):
    since = time.time()
    with pytest.raises(ValidationError):
        call("notion_update_block", arguments)
    assert notion_sandbox.requests_since(since) == []


def test_update_block_not_shared(call, notion_sandbox):
    secret = notion_sandbox.state.children(ids.PRIVATE_PAGE_ID)[0]
    with pytest.raises(ToolError) as caught:
        call("notion_update_block", {"block_id": secret["id"], "text": "mine"})
    assert caught.value.code == "not_shared" and ids.INTEGRATION_NAME in caught.value.message
    assert texts([notion_sandbox.state.block(secret["id"])]) == [
        ("paragraph", "Secret plans for next year.")
    ]


# --- notion_delete_block ---------------------------------------------------------------------


def test_delete_block_moves_it_to_the_trash(call, notion_sandbox):
    quote = root_block(notion_sandbox, "quote")
    out = call("notion_delete_block", {"block_id": quote["id"]})
    assert notion_sandbox.state.block(quote["id"])["in_trash"] is True
    assert quote["id"] not in [b["id"] for b in notion_sandbox.state.children(ROOT)]
    assert out == {"id": quote["id"], "type": "quote", "in_trash": True}


def test_delete_block_of_a_sub_page_says_how_to_restore_it(call, notion_sandbox):
    out = call("notion_delete_block", {"block_id": ids.SCRATCHPAD_PAGE_ID})
    assert "notion_restore_page" in out["restore"]
    assert notion_sandbox.state.page(ids.SCRATCHPAD_PAGE_ID)["in_trash"] is True


def test_delete_block_not_shared(call, notion_sandbox):
    secret = notion_sandbox.state.children(ids.PRIVATE_PAGE_ID)[0]
    with pytest.raises(ToolError) as caught:
        call("notion_delete_block", {"block_id": secret["id"]})
    assert caught.value.code == "not_shared" and ids.INTEGRATION_NAME in caught.value.message
    assert notion_sandbox.state.block(secret["id"])["in_trash"] is False


def test_delete_block_bad_input_never_reaches_notion(call, notion_sandbox):
    since = time.time()
    with pytest.raises(ValidationError):
        call("notion_delete_block", {"block_id": ""})
    assert notion_sandbox.requests_since(since) == []
