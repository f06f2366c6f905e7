"""notion_search_pages against the sandbox over HTTP."""

from __future__ import annotations

import json
import time

import pytest
from pydantic import ValidationError

from integrations.notion.sandbox import SANDBOX_OTHER_WORKSPACE_TOKEN
from integrations.notion.sandbox import seed as ids
from tests.integrations.tools.conftest import run_tool, sandbox_context


def test_search_finds_a_page_by_words_of_its_title(call):
    out = call("notion_search_pages", {"query": "project plan", "object": "page"})
    assert [r["id"] for r in out["results"]] == [ids.PROJECT_PLAN_PAGE_ID]
    item = out["results"][0]
    assert item["title"] == "Project Plan" and item["object"] == "page"
    assert item["url"] and item["parent"] == {"type": "page", "id": ids.ROOT_PAGE_ID}


def test_search_finds_databases_with_their_data_source(call):
    out = call("notion_search_pages", {"query": "Tasks", "object": "database"})
    (item,) = out["results"]
    assert item["object"] == "database" and item["title"] == "Tasks"
    assert item["id"] == ids.TASKS_DATABASE_ID
    assert item["data_source_id"] == ids.TASKS_DATA_SOURCE_ID


def test_search_never_shows_what_is_not_shared(call):
    out = call("notion_search_pages", {"query": ids.PRIVATE_PAGE_TITLE, "limit": 100})
    assert out["results"] == []


def test_search_as_another_workspace_sees_only_its_own_pages(notion_sandbox):
    ctx = sandbox_context(notion_sandbox, token=SANDBOX_OTHER_WORKSPACE_TOKEN, name="Other")
    out = run_tool(ctx, "notion_search_pages", {"limit": 100})
    assert [r["title"] for r in out["results"]] == ["Other Corp Wiki"]


def test_search_sorts_by_last_edit(call):
    newest = call("notion_search_pages", {"object": "page", "sort": "last_edited_desc"})
    oldest = call("notion_search_pages", {"object": "page", "sort": "last_edited_asc"})
    times = [r["last_edited_time"] for r in newest["results"]]
    assert times == sorted(times, reverse=True)
    times = [r["last_edited_time"] for r in oldest["results"]]
    assert times == sorted(times)


def test_search_pages_through_everything_with_limit_and_cursor(call):
    whole, cursor = [], None
    for _ in range(100):
        out = call("notion_search_pages", {"query": "Task", "limit": 40, "cursor": cursor})
        assert len(out["results"]) <= 40
        whole += [r["id"] for r in out["results"]]
        cursor = out["next_cursor"]
        if not out["has_more"]:
            break
    assert len(whole) == len(set(whole))
    assert set(ids.TASK_ROW_IDS) <= set(whole)


def test_search_budget_cut_continues_without_losing_results(call):
    reference = call("notion_search_pages", {"query": "Task", "limit": 60, "max_chars": 100_000})
    seen, cursor = [], None
    while len(seen) < 60:
        out = call(
            "notion_search_pages",
            {"query": "Task", "limit": 60 - len(seen), "max_chars": 2_000, "cursor": cursor},
        )
        assert len(json.dumps(out, ensure_ascii=False)) <= 2_000
        assert out["results"]
        seen += [r["id"] for r in out["results"]]
        cursor = out["next_cursor"]
    assert seen == [r["id"] for r in reference["results"]]


@pytest.mark.parametrize(
    "arguments",
    [{"limit": 0}, {"object": "block"}, {"sort": "title"}, {"query": "x", "page": 2}],
)
def test_search_bad_input_never_reaches_notion(call, notion_sandbox, arguments):
    since = time.time()
    with pytest.raises(ValidationError):
        call("notion_search_pages", arguments)
    assert notion_sandbox.requests_since(since) == []
