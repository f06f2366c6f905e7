"""Page markdown endpoints: read, replace, targeted updates, insert, and async tasks."""

from __future__ import annotations

from integrations.notion.sandbox import seed

from .conftest import text


def _page(api, markdown: str | None = None) -> str:
    body = {"parent": {"page_id": seed.SCRATCHPAD_PAGE_ID}, "properties": {"title": text("Md")}}
    if markdown is not None:
        body["markdown"] = markdown
    return api.post("/v1/pages", json=body).json()["id"]


def test_markdown_of_the_seeded_home_page(api):
    answer = api.get(f"/v1/pages/{seed.ROOT_PAGE_ID}/markdown").json()
    assert answer["object"] == "page_markdown" and answer["id"] == seed.ROOT_PAGE_ID
    assert answer["truncated"] is False and answer["unknown_block_ids"] == []
    lines = answer["markdown"].split("\n")
    assert lines[0] == "# Welcome to the Phinite sandbox"
    assert (
        "This workspace is **fake**, *deterministic* and `offline`. Read the "
        "[Notion API docs](https://developers.notion.com)." in lines
    )
    assert "- [x] Connect Notion" in lines and "\t- [ ] Pick the tools it may call" in lines
    assert (
        "\t\t- Deeper bullet" in lines
        and "> Simple things should be simple, complex things should be possible." in lines
    )
    assert "```python" in lines and "---" in lines
    assert any(
        line.startswith("<page url=") and line.endswith(">Project Plan</page>") for line in lines
    )


def test_markdown_round_trips_through_blocks(api, notion_sandbox):
    source = (
        "## Plan\nPlain and **bold** and ~~gone~~\n- one\n\t- nested\n1. first\n"
        "- [ ] todo\n> quoted\n---\n```js\nlet a = 1;\n```"
    )
    page_id = _page(api, source)
    assert api.get(f"/v1/pages/{page_id}/markdown").json()["markdown"] == source
    nested = notion_sandbox.state.children(page_id)[2]
    assert nested["has_children"] is True


def test_replace_content_rewrites_the_page(api, notion_sandbox):
    page_id = _page(api, "old text")
    answer = api.patch(
        f"/v1/pages/{page_id}/markdown",
        json={"type": "replace_content", "replace_content": {"new_str": "# New\nfresh"}},
    ).json()
    assert answer["markdown"] == "# New\nfresh"
    kinds = [block["type"] for block in notion_sandbox.state.children(page_id)]
    assert kinds == ["heading_1", "paragraph"]


def test_update_content_applies_find_and_replace_edits(api):
    page_id = _page(api, "alpha beta\nbeta gamma")
    path = f"/v1/pages/{page_id}/markdown"
    ambiguous = api.patch(
        path,
        json={
            "type": "update_content",
            "update_content": {"content_updates": [{"old_str": "beta", "new_str": "B"}]},
        },
    )
    assert ambiguous.status_code == 400
    missing = api.patch(
        path,
        json={
            "type": "update_content",
            "update_content": {"content_updates": [{"old_str": "zeta", "new_str": "Z"}]},
        },
    )
    assert missing.status_code == 400
    done = api.patch(
        path,
        json={
            "type": "update_content",
            "update_content": {
                "content_updates": [
                    {"old_str": "beta", "new_str": "B", "replace_all_matches": True},
                    {"old_str": "alpha", "new_str": "**A**"},
                ]
            },
        },
    )
    assert done.json()["markdown"] == "**A** B\nB gamma"


def test_replacing_content_keeps_sub_pages_unless_deletion_is_allowed(api, notion_sandbox):
    path = f"/v1/pages/{seed.PROJECT_PLAN_PAGE_ID}/markdown"
    refused = api.patch(path, json={"type": "replace_content", "replace_content": {"new_str": "x"}})
    assert refused.status_code == 400
    current = api.get(path).json()["markdown"]
    kept = api.patch(
        path,
        json={
            "type": "update_content",
            "update_content": {"content_updates": [{"old_str": "## Goals", "new_str": "## Aims"}]},
        },
    )
    assert kept.status_code == 200 and kept.json()["markdown"] == current.replace(
        "## Goals", "## Aims"
    )
    assert notion_sandbox.state.page(seed.Q3_GOALS_PAGE_ID)["in_trash"] is False
    allowed = api.patch(
        path,
        json={
            "type": "replace_content",
            "replace_content": {"new_str": "x", "allow_deleting_content": True},
        },
    )
    assert allowed.status_code == 200
    assert notion_sandbox.state.page(seed.Q3_GOALS_PAGE_ID)["in_trash"] is True


def test_insert_content_appends_markdown(api):
    page_id = _page(api, "first")
    answer = api.patch(
        f"/v1/pages/{page_id}/markdown",
        json={"type": "insert_content", "insert_content": {"content": "## Added\n\nmore"}},
    ).json()
    assert answer["markdown"] == "first\n## Added\nmore"


def test_async_markdown_update_answers_202_and_a_finished_task(api):
    page_id = _page(api)
    queued = api.patch(
        f"/v1/pages/{page_id}/markdown",
        json={
            "allow_async": True,
            "type": "replace_content",
            "replace_content": {"new_str": "# Hi"},
        },
    )
    assert queued.status_code == 202
    task = queued.json()
    assert task["object"] == "async_task" and task["status"] == "queued"
    polled = api.get(f"/v1/async_tasks/{task['id']}").json()
    assert polled["status"] == "succeeded"
    assert polled["result"]["markdown"] == "# Hi"
