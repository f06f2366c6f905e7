"""notion_create_page, notion_update_page, notion_delete_page, notion_restore_page and
notion_get_page against the sandbox over HTTP."""

from __future__ import annotations

import json
import time

import pytest
from pydantic import ValidationError

from integrations.notion.markdown import rich_text_to_plain
from integrations.notion.sandbox import SANDBOX_READONLY_TOKEN, TASKS_DATA_SOURCE_ID
from integrations.notion.sandbox import seed as ids
from integrations.tools.errors import ToolError, ToolInputError
from tests.integrations.tools.conftest import find_landed, now, run_tool, sandbox_context, writes

ROOT = ids.ROOT_PAGE_ID


def texts(blocks: list[dict]) -> list[tuple[str, str]]:
    return [
        (b["type"], rich_text_to_plain((b.get(b["type"]) or {}).get("rich_text"))) for b in blocks
    ]


def title_of(page: dict) -> str:
    prop = next(v for v in page["properties"].values() if v["type"] == "title")
    return rich_text_to_plain(prop["title"])


# --- notion_create_page ----------------------------------------------------------------------


def test_create_page_under_a_page_writes_markdown_as_blocks(call, notion_sandbox):
    markdown = (
        "# Plan\n\nShip **it** soon.\n\n- one\n  - nested\n- [x] done\n\n```sql\nselect 1\n```"
    )
    out = call("notion_create_page", {"parent_id": ROOT, "title": "Launch", "markdown": markdown})

    page = notion_sandbox.state.page(out["id"])
    assert title_of(page) == "Launch"
    assert page["parent"] == {"type": "page_id", "page_id": ROOT}
    blocks = notion_sandbox.state.children(out["id"])
    assert texts(blocks) == [
        ("heading_1", "Plan"),
        ("paragraph", "Ship it soon."),
        ("bulleted_list_item", "one"),
        ("to_do", "done"),
        ("code", "select 1"),
    ]
    assert blocks[4]["code"]["language"] == "sql"
    assert texts(notion_sandbox.state.children(blocks[2]["id"])) == [
        ("bulleted_list_item", "nested")
    ]
    assert out["blocks_written"] == 6
    assert out["title"] == "Launch" and out["url"] and out["parent"] == {"type": "page", "id": ROOT}


def test_create_page_accepts_the_parent_as_a_notion_url(call, notion_sandbox):
    url = f"https://www.notion.so/acme/Home-{ROOT.replace('-', '')}"
    out = call("notion_create_page", {"parent_id": url, "title": "From a URL"})
    assert notion_sandbox.state.page(out["id"])["parent"]["page_id"] == ROOT


def test_create_page_in_a_database_sets_properties_by_name(call, notion_sandbox):
    out = call(
        "notion_create_page",
        {
            "parent_id": ids.TASKS_DATABASE_ID,
            "title": "Write the tools",
            "properties": {"Status": "In progress", "Tags": ["backend", "docs"], "Estimate": 3},
            "markdown": "Details below.",
        },
    )
    page = notion_sandbox.state.page(out["id"])
    assert page["parent"]["data_source_id"] == TASKS_DATA_SOURCE_ID
    props = page["properties"]
    assert rich_text_to_plain(props["Name"]["title"]) == "Write the tools"
    assert props["Status"]["status"]["name"] == "In progress"
    assert [o["name"] for o in props["Tags"]["multi_select"]] == ["backend", "docs"]
    assert props["Estimate"]["number"] == 3
    assert texts(notion_sandbox.state.children(out["id"])) == [("paragraph", "Details below.")]
    assert out["parent"]["data_source_id"] == TASKS_DATA_SOURCE_ID


def test_create_page_with_the_default_template_copies_its_content(call, notion_sandbox):
    out = call(
        "notion_create_page",
        {"parent_id": TASKS_DATA_SOURCE_ID, "title": "Crash on save", "template": "default"},
    )
    blocks = notion_sandbox.state.children(out["id"])
    assert ("heading_2", "Steps to reproduce") in texts(blocks)


def test_create_page_with_an_unknown_template_lists_the_templates(call, notion_sandbox):
    since = time.time()
    with pytest.raises(ToolInputError) as caught:
        call("notion_create_page", {"parent_id": TASKS_DATA_SOURCE_ID, "template": "Nope"})
    assert "Bug report template" in caught.value.message
    assert writes(notion_sandbox, since) == []


def test_create_page_with_an_unknown_option_is_refused_before_writing(call, notion_sandbox):
    since = time.time()
    with pytest.raises(ToolInputError) as caught:
        call(
            "notion_create_page",
            {"parent_id": ids.TASKS_DATABASE_ID, "title": "x", "properties": {"Status": "Later"}},
        )
    assert "Not started" in caught.value.message and "Done" in caught.value.message
    with pytest.raises(ToolInputError) as caught:
        call(
            "notion_create_page",
            {"parent_id": ids.TASKS_DATABASE_ID, "properties": {"Colour": "red"}},
        )
    assert "Priority" in caught.value.message
    assert writes(notion_sandbox, since) == []


def test_create_page_refuses_properties_under_a_plain_page(call, notion_sandbox):
    since = time.time()
    with pytest.raises(ToolInputError):
        call("notion_create_page", {"parent_id": ROOT, "properties": {"Status": "Done"}})
    assert writes(notion_sandbox, since) == []


@pytest.mark.parametrize(
    "arguments",
    [
        {"title": "no parent"},
        {"parent_id": "not-an-id", "title": "x"},
        {"parent_id": ROOT, "markdown": "a", "blocks": []},
        {"parent_id": ROOT, "template": "default", "markdown": "a"},
        {"parent_id": ROOT, "title": "x", "colour": "red"},
        {"parent_id": ROOT, "icon": "not an emoji at all"},
    ],
)
def test_create_page_bad_input_never_reaches_notion(call, notion_sandbox, arguments):
    since = time.time()
    with pytest.raises(ValidationError):
        call("notion_create_page", arguments)
    assert notion_sandbox.requests_since(since) == []


def test_create_page_accepts_arguments_as_a_json_string(call, notion_sandbox):
    out = call("notion_create_page", json.dumps({"parent_id": ROOT, "title": "As JSON"}))
    assert title_of(notion_sandbox.state.page(out["id"])) == "As JSON"


def test_create_page_under_an_unshared_page_names_the_integration(call, notion_sandbox):
    with pytest.raises(ToolError) as caught:
        call("notion_create_page", {"parent_id": ids.PRIVATE_PAGE_ID, "title": "x"})
    assert caught.value.code == "not_shared"
    assert ids.INTEGRATION_NAME in caught.value.message
    assert writes(notion_sandbox) == []


def test_create_page_with_250_paragraphs_lands_every_one_in_order(call, notion_sandbox):
    markdown = "\n\n".join(f"Paragraph number {n}." for n in range(250))
    out = call("notion_create_page", {"parent_id": ROOT, "title": "Long", "markdown": markdown})
    blocks = notion_sandbox.state.children(out["id"])
    assert texts(blocks) == [("paragraph", f"Paragraph number {n}.") for n in range(250)]
    assert out["blocks_written"] == 250


def test_create_page_with_a_5000_character_paragraph_lands_it_whole(call, notion_sandbox):
    text = "".join(chr(ord("a") + n % 26) for n in range(5000))
    out = call("notion_create_page", {"parent_id": ROOT, "title": "Wide", "markdown": text})
    (block,) = notion_sandbox.state.children(out["id"])
    assert rich_text_to_plain(block["paragraph"]["rich_text"]) == text
    assert all(len(item["plain_text"]) <= 2000 for item in block["paragraph"]["rich_text"])


def test_create_page_with_a_link_over_notions_limit_is_refused_before_writing(call, notion_sandbox):
    since = time.time()
    with pytest.raises(ToolInputError) as caught:
        call(
            "notion_create_page", {"parent_id": ROOT, "markdown": f"[x](https://a.b/{'p' * 2100})"}
        )
    assert "2000" in caught.value.message
    assert writes(notion_sandbox, since) == []


def test_create_page_landed_finds_the_page_an_unanswered_attempt_created(tool_ctx, notion_sandbox):
    arguments = {"parent_id": ROOT, "title": "Only once", "markdown": "Body"}
    since = now()
    assert find_landed(tool_ctx, "notion_create_page", arguments, since) is None
    notion_sandbox.inject(path="/v1/pages", method="POST", status=504, apply=True)
    with pytest.raises(ToolError) as caught:
        run_tool(tool_ctx, "notion_create_page", arguments)
    assert caught.value.__cause__.outcome_unknown
    landed = find_landed(tool_ctx, "notion_create_page", arguments, since)
    assert landed is not None and landed["title"] == "Only once"
    assert len(notion_sandbox.state.pages_titled("Only once")) == 1
    assert texts(notion_sandbox.state.children(landed["id"])) == [("paragraph", "Body")]


def test_create_page_landed_finishes_content_the_attempt_did_not_append(tool_ctx, notion_sandbox):
    markdown = "\n\n".join(f"Line {n}" for n in range(150))
    arguments = {"parent_id": ROOT, "title": "Half written", "markdown": markdown}
    since = now()
    notion_sandbox.inject(path="/v1/blocks/*/children", method="PATCH", status=504)
    with pytest.raises(ToolError):
        run_tool(tool_ctx, "notion_create_page", arguments)
    landed = find_landed(tool_ctx, "notion_create_page", arguments, since)
    assert landed["blocks_written"] == 150
    blocks = notion_sandbox.state.children(landed["id"])
    assert texts(blocks) == [("paragraph", f"Line {n}") for n in range(150)]


def test_create_page_landed_finds_a_database_row_by_title(tool_ctx, notion_sandbox):
    arguments = {"parent_id": ids.TASKS_DATABASE_ID, "title": "Row once", "properties": {}}
    since = now()
    assert find_landed(tool_ctx, "notion_create_page", arguments, since) is None
    notion_sandbox.inject(path="/v1/pages", method="POST", drop=True, apply=True)
    with pytest.raises(ToolError):
        run_tool(tool_ctx, "notion_create_page", arguments)
    landed = find_landed(tool_ctx, "notion_create_page", arguments, since)
    assert landed["title"] == "Row once"
    assert notion_sandbox.state.page(landed["id"])["parent"]["data_source_id"] == (
        TASKS_DATA_SOURCE_ID
    )


# --- notion_update_page ----------------------------------------------------------------------


def test_update_page_changes_title_and_icon_and_appends_markdown(call, notion_sandbox):
    page_id = ids.SCRATCHPAD_PAGE_ID
    out = call(
        "notion_update_page",
        {"page_id": page_id, "title": "Scratch", "icon": "📝", "markdown": "- added"},
    )
    page = notion_sandbox.state.page(page_id)
    assert title_of(page) == "Scratch"
    assert page["icon"] == {"type": "emoji", "emoji": "📝"}
    assert texts(notion_sandbox.state.children(page_id))[-1] == ("bulleted_list_item", "added")
    assert out["blocks_written"] == 1 and set(out["updated"]) == {"title", "icon", "content"}


def test_update_page_replace_keeps_sub_pages(call, notion_sandbox):
    page_id = ids.PROJECT_PLAN_PAGE_ID
    out = call(
        "notion_update_page",
        {"page_id": page_id, "markdown": "Fresh start.", "content_mode": "replace"},
    )
    children = notion_sandbox.state.children(page_id)
    assert [c["type"] for c in children] == ["child_page", "paragraph"]
    assert children[0]["id"] == ids.Q3_GOALS_PAGE_ID
    assert out["blocks_removed"] == 4 and out["blocks_written"] == 1


def test_update_page_sets_database_properties_by_name(call, notion_sandbox):
    row = ids.TASK_ROW_IDS[3]
    call("notion_update_page", {"page_id": row, "properties": {"Status": "Done", "Done": True}})
    props = notion_sandbox.state.page(row)["properties"]
    assert props["Status"]["status"]["name"] == "Done" and props["Done"]["checkbox"] is True


def test_update_page_renames_a_database_row_through_its_title_property(call, notion_sandbox):
    row = ids.TASK_ROW_IDS[4]
    out = call("notion_update_page", {"page_id": row, "title": "Renamed row"})
    assert title_of(notion_sandbox.state.page(row)) == "Renamed row" == out["title"]


def test_update_page_with_an_unknown_option_writes_nothing(call, notion_sandbox):
    since = time.time()
    with pytest.raises(ToolInputError) as caught:
        call("notion_update_page", {"page_id": ids.TASK_ROW_IDS[3], "properties": {"Tags": ["x"]}})
    assert "backend" in caught.value.message
    assert writes(notion_sandbox, since) == []


@pytest.mark.parametrize(
    "arguments",
    [
        {"page_id": ROOT},
        {"page_id": ROOT, "title": "x", "content_mode": "overwrite"},
        {"page_id": ROOT, "cover": "not a url"},
    ],
)
def test_update_page_bad_input_never_reaches_notion(call, notion_sandbox, arguments):
    since = time.time()
    with pytest.raises(ValidationError):
        call("notion_update_page", arguments)
    assert notion_sandbox.requests_since(since) == []


def test_update_page_not_shared(call, notion_sandbox):
    with pytest.raises(ToolError) as caught:
        call("notion_update_page", {"page_id": ids.PRIVATE_PAGE_ID, "title": "x"})
    assert caught.value.code == "not_shared" and ids.INTEGRATION_NAME in caught.value.message
    assert writes(notion_sandbox) == []


def test_update_page_landed_finds_appended_content(tool_ctx, notion_sandbox):
    arguments = {"page_id": ids.MEETING_NOTES_PAGE_ID, "markdown": "Decision: ship it."}
    since = now()
    assert find_landed(tool_ctx, "notion_update_page", arguments, since) is None
    notion_sandbox.inject(path="/v1/blocks/*/children", method="PATCH", status=500, apply=True)
    with pytest.raises(ToolError):
        run_tool(tool_ctx, "notion_update_page", arguments)
    landed = find_landed(tool_ctx, "notion_update_page", arguments, since)
    assert landed["blocks_written"] == 1
    found = [t for t in texts(notion_sandbox.state.children(ids.MEETING_NOTES_PAGE_ID))]
    assert found.count(("paragraph", "Decision: ship it.")) == 1


# --- notion_delete_page / notion_restore_page ------------------------------------------------


def test_delete_page_moves_it_to_the_trash_and_restore_brings_it_back(call, notion_sandbox):
    page_id = ids.MEETING_NOTES_PAGE_ID
    out = call("notion_delete_page", {"page_id": page_id})
    assert notion_sandbox.state.page(page_id)["in_trash"] is True
    assert out["in_trash"] is True and "notion_restore_page" in out["restore"]
    back = call("notion_restore_page", {"page_id": page_id.replace("-", "")})
    assert notion_sandbox.state.page(page_id)["in_trash"] is False
    assert back["in_trash"] is False and back["title"] == "Meeting Notes"


@pytest.mark.parametrize("name", ["notion_delete_page", "notion_restore_page"])
def test_delete_and_restore_not_shared(call, notion_sandbox, name):
    with pytest.raises(ToolError) as caught:
        call(name, {"page_id": ids.PRIVATE_PAGE_ID})
    assert caught.value.code == "not_shared" and ids.INTEGRATION_NAME in caught.value.message
    assert notion_sandbox.state.page(ids.PRIVATE_PAGE_ID)["in_trash"] is False


@pytest.mark.parametrize("name", ["notion_delete_page", "notion_restore_page"])
def test_delete_and_restore_bad_input_never_reaches_notion(call, notion_sandbox, name):
    since = time.time()
    with pytest.raises(ValidationError):
        call(name, {"page_id": "nope"})
    assert notion_sandbox.requests_since(since) == []


def test_delete_page_without_the_capability_says_which_one(notion_sandbox):
    ctx = sandbox_context(notion_sandbox, token=SANDBOX_READONLY_TOKEN, name="Phinite Read-only")
    with pytest.raises(ToolError) as caught:
        run_tool(ctx, "notion_delete_page", {"page_id": ids.SCRATCHPAD_PAGE_ID})
    assert caught.value.code == "missing_capability"


# --- notion_get_page -------------------------------------------------------------------------


def test_get_page_returns_content_as_one_markdown_document(call):
    out = call("notion_get_page", {"page_id": ROOT})
    markdown = out["markdown"]
    assert out["title"] == ids.ROOT_PAGE_TITLE and out["icon"] == "🏠"
    assert markdown.startswith("# Welcome to the Phinite sandbox")
    for piece in (
        "**fake**",
        "[Notion API docs](https://developers.notion.com)",
        "- [x] Connect Notion",
        "  - [ ] Pick the tools it may call",
        "    - Deeper bullet",
        "2. Step two",
        "```python\nprint('hello sandbox')\n```",
        "| Create Page | ready |",
        "Hidden until expanded.",
        "[📄 Project Plan]",
    ):
        assert piece in markdown
    assert out["has_more"] is False and out["next_cursor"] is None
    assert '"object"' not in json.dumps(out)


def test_get_page_of_a_database_row_gives_plain_properties(call):
    out = call("notion_get_page", {"page_id": ids.TASK_ROW_IDS[2], "include_content": False})
    assert out["properties"]["Name"] == out["title"]
    assert out["properties"]["Status"] in ("Not started", "In progress", "Done")
    assert isinstance(out["properties"]["Tags"], list)
    assert "markdown" not in out


def test_get_page_splits_a_long_page_into_parts_within_the_budget(call):
    markdown = "\n\n".join(
        f"## Section {n}\n\nText of section {n} with **bold** words.\n\n- item {n}"
        for n in range(80)
    )
    page = call("notion_create_page", {"parent_id": ROOT, "title": "Big", "markdown": markdown})
    whole = call("notion_get_page", {"page_id": page["id"], "max_chars": 100_000})
    assert whole["has_more"] is False

    parts, cursor = [], None
    while True:
        arguments = {"page_id": page["id"], "max_chars": 2_000}
        if cursor:
            arguments["cursor"] = cursor
        out = call("notion_get_page", arguments)
        assert len(json.dumps(out, ensure_ascii=False)) <= 2_000
        parts.append(out["markdown"])
        if not out["has_more"]:
            break
        cursor = out["next_cursor"]
    assert len(parts) > 3
    assert "\n\n".join(parts) == whole["markdown"]


def test_get_page_cuts_one_block_larger_than_the_budget_and_continues_it(call):
    text = " ".join(f"word{n}" for n in range(1500))
    page = call(
        "notion_create_page", {"parent_id": ROOT, "title": "W", "markdown": text + "\n\nEnd."}
    )
    pieces, cursor = [], None
    for _ in range(20):
        out = call("notion_get_page", {"page_id": page["id"], "max_chars": 3_000, "cursor": cursor})
        assert len(json.dumps(out, ensure_ascii=False)) <= 3_000
        pieces.append(out["markdown"])
        cursor = out["next_cursor"]
        if not cursor:
            break
    joined = "".join(pieces)
    assert joined.replace("\n\nEnd.", "").replace("\n", " ").split() == text.split()
    assert pieces[-1].endswith("End.")


def test_get_page_raw_returns_blocks_with_nested_children(call):
    out = call("notion_get_page", {"page_id": ROOT, "raw": True, "max_chars": 100_000})
    blocks = out["blocks"]
    assert blocks[0]["type"] == "heading_1"
    bullets = next(b for b in blocks if b["type"] == "bulleted_list_item")
    nested = bullets["children"][0]
    assert nested["children"][0]["bulleted_list_item"]["rich_text"][0]["plain_text"] == (
        "Deeper bullet"
    )
    table = next(b for b in blocks if b["type"] == "table")
    assert len(table["children"]) == 3
    assert "markdown" not in out


def test_get_page_raw_within_the_budget_continues_with_the_cursor(call):
    seen, cursor = [], None
    for _ in range(30):
        out = call(
            "notion_get_page", {"page_id": ROOT, "raw": True, "max_chars": 3_000, "cursor": cursor}
        )
        assert len(json.dumps(out, ensure_ascii=False)) <= 3_000 or len(out["blocks"]) == 1
        seen += [b["id"] for b in out["blocks"]]
        cursor = out["next_cursor"]
        if not cursor:
            break
    whole = call("notion_get_page", {"page_id": ROOT, "raw": True, "max_chars": 100_000})
    assert seen == [b["id"] for b in whole["blocks"]]


def test_get_page_not_shared(call):
    with pytest.raises(ToolError) as caught:
        call("notion_get_page", {"page_id": ids.PRIVATE_PAGE_ID})
    assert caught.value.code == "not_shared" and ids.INTEGRATION_NAME in caught.value.message


@pytest.mark.parametrize(
    "arguments",
    [{"page_id": ROOT, "max_chars": 10}, {"page_id": "x"}, {"page_id": ROOT, "raw": "maybe"}],
)
def test_get_page_bad_input_never_reaches_notion(call, notion_sandbox, arguments):
    since = time.time()
    with pytest.raises(ValidationError):
        call("notion_get_page", arguments)
    assert notion_sandbox.requests_since(since) == []


def test_get_page_refuses_a_cursor_it_did_not_issue(call):
    with pytest.raises(ToolInputError):
        call("notion_get_page", {"page_id": ROOT, "cursor": "pc_notbase64!!"})


def test_get_page_keeps_counting_a_numbered_list_across_parts(call):
    markdown = "\n".join(f"{n}. Step number {n} of the long procedure" for n in range(1, 41))
    page = call("notion_create_page", {"parent_id": ROOT, "title": "Steps", "markdown": markdown})
    parts, cursor = [], None
    for _ in range(20):
        out = call("notion_get_page", {"page_id": page["id"], "max_chars": 1_000, "cursor": cursor})
        assert len(json.dumps(out, ensure_ascii=False)) <= 1_000
        parts.append(out["markdown"])
        cursor = out["next_cursor"]
        if not cursor:
            break
    assert len(parts) > 2
    lines = "\n".join(parts).split("\n")
    assert [line.split(".")[0] for line in lines if line] == [str(n) for n in range(1, 41)]
    assert all(
        line.endswith(f"Step number {line.split('.')[0]} of the long procedure")
        for line in lines
        if line
    )
