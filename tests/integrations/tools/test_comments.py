"""notion_add_comment and notion_list_comments against the sandbox over HTTP."""

from __future__ import annotations

import time

import pytest
from pydantic import ValidationError

from integrations.notion.markdown import rich_text_to_plain
from integrations.notion.sandbox import SANDBOX_NO_COMMENTS_TOKEN
from integrations.notion.sandbox import seed as ids
from integrations.tools.errors import ToolError
from tests.integrations.tools.conftest import find_landed, now, run_tool, sandbox_context

ROOT = ids.ROOT_PAGE_ID


def stored_comments(notion_sandbox, target_id: str) -> list[dict]:
    with notion_sandbox.state.lock:
        found = [
            c
            for c in notion_sandbox.state.comments.values()
            if c["parent"].get(c["parent"]["type"]) == target_id
        ]
    return sorted(found, key=lambda c: c["seq"])


def test_add_comment_on_a_page_starts_a_discussion(call, notion_sandbox):
    out = call("notion_add_comment", {"page_id": ids.SCRATCHPAD_PAGE_ID, "text": "Looks **good**"})
    (comment,) = stored_comments(notion_sandbox, ids.SCRATCHPAD_PAGE_ID)
    assert rich_text_to_plain(comment["rich_text"]) == "Looks good"
    assert comment["rich_text"][1]["annotations"]["bold"] is True
    assert comment["parent"] == {"type": "page_id", "page_id": ids.SCRATCHPAD_PAGE_ID}
    assert comment["created_by"] == ids.BOT_ID
    assert out["id"] == comment["id"] and out["text"] == "Looks **good**"
    assert out["discussion_id"] == comment["discussion_id"]


def test_add_comment_on_a_block(call, notion_sandbox):
    quote = next(b for b in notion_sandbox.state.children(ROOT) if b["type"] == "quote")
    call("notion_add_comment", {"page_id": quote["id"], "text": "Agreed."})
    found = stored_comments(notion_sandbox, quote["id"])
    assert found[-1]["parent"] == {"type": "block_id", "block_id": quote["id"]}
    assert rich_text_to_plain(found[-1]["rich_text"]) == "Agreed."


def test_add_comment_replies_in_a_discussion(call, notion_sandbox):
    out = call(
        "notion_add_comment",
        {"page_id": ROOT, "discussion_id": ids.DISCUSSION_ID, "text": "Let's do 500."},
    )
    thread = [
        c for c in stored_comments(notion_sandbox, ROOT) if c["discussion_id"] == ids.DISCUSSION_ID
    ]
    assert [rich_text_to_plain(c["rich_text"]) for c in thread] == [
        "Can we seed more tasks?",
        "300 rows should do.",
        "Let's do 500.",
    ]
    assert out["discussion_id"] == ids.DISCUSSION_ID


def test_add_comment_landed_finds_the_comment_of_an_unanswered_attempt(tool_ctx, notion_sandbox):
    arguments = {"page_id": ids.SCRATCHPAD_PAGE_ID, "text": "Only once"}
    since = now()
    assert find_landed(tool_ctx, "notion_add_comment", arguments, since) is None
    notion_sandbox.inject(path="/v1/comments", method="POST", status=504, apply=True)
    with pytest.raises(ToolError):
        run_tool(tool_ctx, "notion_add_comment", arguments)
    landed = find_landed(tool_ctx, "notion_add_comment", arguments, since)
    (comment,) = stored_comments(notion_sandbox, ids.SCRATCHPAD_PAGE_ID)
    assert landed["id"] == comment["id"]


def test_add_comment_landed_ignores_the_same_text_by_someone_else(tool_ctx, notion_sandbox):
    arguments = {"page_id": ROOT, "text": "Can we seed more tasks?"}
    assert find_landed(tool_ctx, "notion_add_comment", arguments, ids.SEED_EPOCH) is None


def test_add_comment_not_shared(call, notion_sandbox):
    with pytest.raises(ToolError) as caught:
        call("notion_add_comment", {"page_id": ids.PRIVATE_PAGE_ID, "text": "hi"})
    assert caught.value.code == "not_shared" and ids.INTEGRATION_NAME in caught.value.message
    assert stored_comments(notion_sandbox, ids.PRIVATE_PAGE_ID) == []


def test_add_comment_without_the_comment_capability_says_so(notion_sandbox):
    ctx = sandbox_context(notion_sandbox, token=SANDBOX_NO_COMMENTS_TOKEN, name="Phinite No C")
    with pytest.raises(ToolError) as caught:
        run_tool(ctx, "notion_add_comment", {"page_id": ROOT, "text": "hi"})
    assert caught.value.code == "missing_capability"
    assert "insert comments" in caught.value.message


@pytest.mark.parametrize(
    "arguments",
    [
        {"page_id": ROOT},
        {"page_id": ROOT, "text": ""},
        {"page_id": ROOT, "text": "x", "discussion_id": "no"},
        {"text": "orphan"},
    ],
)
def test_add_comment_bad_input_never_reaches_notion(call, notion_sandbox, arguments):
    since = time.time()
    with pytest.raises(ValidationError):
        call("notion_add_comment", arguments)
    assert notion_sandbox.requests_since(since) == []


def test_list_comments_gives_the_open_comments_as_markdown(call):
    out = call("notion_list_comments", {"page_id": ROOT})
    assert [c["text"] for c in out["comments"]] == [
        "Can we seed more tasks?",
        "300 rows should do.",
    ]
    first = out["comments"][0]
    assert first["discussion_id"] == ids.DISCUSSION_ID
    assert first["author"] == {"id": ids.ALICE_ID, "name": "Alice Admin"}
    assert first["on"] == {"type": "page", "id": ROOT}
    assert out["has_more"] is False


def test_list_comments_leaves_out_resolved_ones(call):
    out = call("notion_list_comments", {"page_id": ids.MEETING_NOTES_PAGE_ID})
    assert out["comments"] == []


def test_list_comments_pages_with_limit_and_cursor(call):
    for n in range(5):
        call("notion_add_comment", {"page_id": ids.SCRATCHPAD_PAGE_ID, "text": f"Note {n}"})
    seen, cursor = [], None
    for _ in range(10):
        out = call(
            "notion_list_comments",
            {"page_id": ids.SCRATCHPAD_PAGE_ID, "limit": 2, "cursor": cursor},
        )
        seen += [c["text"] for c in out["comments"]]
        cursor = out["next_cursor"]
        if not out["has_more"]:
            break
    assert seen == [f"Note {n}" for n in range(5)]


def test_list_comments_not_shared(call):
    with pytest.raises(ToolError) as caught:
        call("notion_list_comments", {"page_id": ids.PRIVATE_PAGE_ID})
    assert caught.value.code == "not_shared" and ids.INTEGRATION_NAME in caught.value.message


def test_list_comments_bad_input_never_reaches_notion(call, notion_sandbox):
    since = time.time()
    with pytest.raises(ValidationError):
        call("notion_list_comments", {"page_id": ROOT, "limit": 500})
    assert notion_sandbox.requests_since(since) == []
