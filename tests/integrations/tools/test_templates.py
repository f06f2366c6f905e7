"""notion_create_template, notion_list_templates and notion_create_page_from_template: Phinite
templates in the database, pages made from them in the sandbox over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from integrations.models import ActionLog, Template
from integrations.notion.markdown import rich_text_to_plain
from integrations.notion.sandbox import TASKS_DATA_SOURCE_ID, TASKS_DATABASE_ID
from integrations.notion.sandbox import seed as ids
from integrations.tools.errors import ToolError, ToolInputError
from integrations.tools.output import json_size
from integrations.tools.properties import page_properties_plain
from integrations.tools.registry import get_tool
from tests.integrations.tools.conftest import find_landed, run_tool, sandbox_context, writes

ROOT = ids.ROOT_PAGE_ID
NOTES = {
    "name": "Meeting notes",
    "description": "Notes of a meeting",
    "target_id": ROOT,
    "title_pattern": "{topic} notes",
    "body": "# {topic}\n\nAttendees: {people}\n\n- [ ] Follow up by {today}\n\nKeep {{braces}}.",
}
BUG = {
    "name": "Bug",
    "target_id": TASKS_DATABASE_ID,
    "title_pattern": "Bug: {summary}",
    "body": "## Steps\n\n{steps}",
    "default_properties": {"Tags": ["bug", "{area}"], "Status": "Not started", "Owner": "{owner}"},
}


@pytest.fixture
def ctx(notion_sandbox, workspace):
    context = sandbox_context(notion_sandbox)
    context.workspace_id = workspace.pk
    context.actor_name = "Helper"
    return context


@pytest.fixture
def call(ctx):
    return lambda name, arguments: run_tool(ctx, name, arguments)


@pytest.fixture
def templates(call):
    return {t["name"]: call("notion_create_template", t) for t in (NOTES, BUG)}


def title_of(page: dict) -> str:
    prop = next(v for v in page["properties"].values() if v["type"] == "title")
    return rich_text_to_plain(prop["title"])


def texts(notion_sandbox, page_id: str) -> list[tuple[str, str]]:
    return [
        (b["type"], rich_text_to_plain((b.get(b["type"]) or {}).get("rich_text")))
        for b in notion_sandbox.state.children(page_id)
    ]


# --- notion_create_template ------------------------------------------------------------------


def test_create_template_saves_it_with_the_variables_it_found(call, workspace, notion_sandbox):
    out = call("notion_create_template", NOTES)

    saved = Template.objects.get(workspace=workspace, name="Meeting notes")
    assert saved.target_type == "page" and saved.target_id == ROOT
    assert saved.title_pattern == "{topic} notes" and saved.body == NOTES["body"]
    assert out["id"] == saved.pk
    assert out["variables"] == ["topic", "people"]
    assert out["automatic_variables"] == ["today"]
    audit = ActionLog.objects.get(action="template.create")
    assert audit.actor_name == "assistant Helper" and audit.result == {"template_id": saved.pk}
    assert notion_sandbox.requests == []  # a local tool never calls Notion


def test_a_template_with_default_properties_targets_a_database(call, workspace):
    out = call("notion_create_template", BUG)
    assert out["target_type"] == "database"
    assert out["variables"] == ["summary", "steps", "area", "owner"]
    assert Template.objects.get(pk=out["id"]).default_properties == BUG["default_properties"]


def test_create_template_refuses_a_name_already_taken(call, templates):
    with pytest.raises(ToolInputError, match="already exists"):
        call("notion_create_template", {**NOTES, "name": "meeting NOTES"})
    assert Template.objects.count() == 2


@pytest.mark.parametrize(
    "arguments",
    [
        {"name": "X", "target_id": ROOT, "target_type": "page", "default_properties": {"A": 1}},
        {"name": "X", "target_type": "database"},
        {"name": "X", "target_id": "nowhere"},
        {"name": ""},
        {"name": "X", "title_pattern": "x" * 301},
    ],
)
def test_create_template_rejects_bad_arguments(ctx, arguments, notion_sandbox):
    with pytest.raises(ValidationError):
        run_tool(ctx, "notion_create_template", arguments)
    assert not Template.objects.exists()
    assert notion_sandbox.requests == []


def test_template_tools_need_a_workspace(notion_sandbox, db):
    with pytest.raises(ToolError) as caught:
        run_tool(sandbox_context(notion_sandbox), "notion_create_template", NOTES)
    assert caught.value.code == "no_workspace"


def test_create_template_is_local_and_the_others_are_not():
    assert get_tool("notion_create_template").local
    assert not get_tool("notion_list_templates").local
    assert not get_tool("notion_create_page_from_template").local


# --- notion_list_templates -------------------------------------------------------------------


def test_list_templates_gives_the_workspaces_templates_with_their_variables(
    call, templates, notion_sandbox, other_workspace
):
    Template.objects.create(workspace=other_workspace, name="Not ours")
    out = call("notion_list_templates", {})
    assert [t["name"] for t in out["templates"]] == ["Bug", "Meeting notes"]
    assert out["templates"][1]["variables"] == ["topic", "people"]
    assert out["has_more"] is False and out["next_cursor"] is None
    assert "notion_templates" not in out
    assert notion_sandbox.requests == []


def test_list_templates_adds_the_notion_templates_of_a_database(call, templates):
    out = call("notion_list_templates", {"database_id": TASKS_DATABASE_ID})
    assert out["data_source_id"] == TASKS_DATA_SOURCE_ID
    assert out["notion_templates"] == [
        {"id": ids.TEMPLATE_PAGE_ID, "name": ids.TEMPLATE_PAGE_TITLE, "is_default": True},
        {
            "id": ids.FEATURE_TEMPLATE_PAGE_ID,
            "name": "Feature request template",
            "is_default": False,
        },
    ]
    assert len(out["templates"]) == 2


def test_list_templates_fits_the_budget_and_continues_with_the_cursor(call, workspace):
    for index in range(12):
        call("notion_create_template", {"name": f"T{index:02d}", "body": "x" * 400 + " {v}"})
    first = call("notion_list_templates", {"max_chars": 2000})
    assert json_size(first) <= 2000
    assert first["has_more"] is True and 0 < first["count"] < 12
    rest = call("notion_list_templates", {"cursor": first["next_cursor"], "max_chars": 100_000})
    names = [t["name"] for t in first["templates"] + rest["templates"]]
    assert names == [f"T{index:02d}" for index in range(12)]


def test_list_templates_for_a_database_not_shared_is_not_shared(call, templates):
    with pytest.raises(ToolError) as caught:
        call("notion_list_templates", {"database_id": ids.PRIVATE_PAGE_ID})
    assert caught.value.code == "not_shared"
    assert ids.INTEGRATION_NAME in caught.value.message


# --- notion_create_page_from_template --------------------------------------------------------


def test_a_page_template_renders_title_and_body_under_its_target(call, templates, notion_sandbox):
    out = call(
        "notion_create_page_from_template",
        {
            "template": "meeting notes",
            "variables": {"topic": "Roadmap", "people": ["Alice", "Bob"], "mood": "good"},
        },
    )
    page = notion_sandbox.state.page(out["id"])
    assert title_of(page) == "Roadmap notes"
    assert page["parent"] == {"type": "page_id", "page_id": ROOT}
    today = datetime.now(UTC).date().isoformat()
    assert texts(notion_sandbox, out["id"]) == [
        ("heading_1", "Roadmap"),
        ("paragraph", "Attendees: Alice, Bob"),
        ("to_do", f"Follow up by {today}"),
        ("paragraph", "Keep {braces}."),
    ]
    assert out["title"] == "Roadmap notes" and out["blocks_written"] == 4
    assert out["template"] == {"id": templates["Meeting notes"]["id"], "name": "Meeting notes"}
    assert out["unused_variables"] == ["mood"]


def test_a_database_template_sets_its_default_properties(call, templates, notion_sandbox):
    out = call(
        "notion_create_page_from_template",
        {
            "template": str(templates["Bug"]["id"]),
            "variables": {
                "summary": "Login fails",
                "steps": "1. Open the app",
                "area": "frontend",
                "owner": "bob@acme.example",
            },
            "properties": {"Priority": "High"},
        },
    )
    page = notion_sandbox.state.page(out["id"])
    assert page["parent"]["data_source_id"] == TASKS_DATA_SOURCE_ID
    values = page_properties_plain(page)
    assert values["Name"] == "Bug: Login fails"
    assert values["Tags"] == ["bug", "frontend"]
    assert values["Status"] == "Not started"
    assert values["Priority"] == "High"
    assert [o["id"] for o in values["Owner"]] == [ids.BOB_ID]
    assert texts(notion_sandbox, out["id"]) == [
        ("heading_2", "Steps"),
        ("numbered_list_item", "Open the app"),
    ]


def test_missing_variables_are_listed_before_any_request(ctx, templates, notion_sandbox):
    with pytest.raises(ToolInputError) as caught:
        run_tool(
            ctx,
            "notion_create_page_from_template",
            {"template": "Bug", "variables": {"summary": "x"}},
        )
    assert "steps, area, owner" in caught.value.message
    assert "summary, steps, area, owner" in caught.value.hint
    assert notion_sandbox.requests == []


def test_an_unknown_template_is_an_error_listing_the_templates(call, templates, notion_sandbox):
    with pytest.raises(ToolInputError) as caught:
        call("notion_create_page_from_template", {"template": "Retro", "variables": {}})
    assert "“Bug”" in caught.value.message and "“Meeting notes”" in caught.value.message
    assert notion_sandbox.requests == []


def test_a_default_property_with_an_unknown_option_writes_nothing(call, templates, notion_sandbox):
    variables = {"summary": "x", "steps": "y", "area": "mobile", "owner": ids.BOB_ID}
    with pytest.raises(ToolInputError) as caught:
        call("notion_create_page_from_template", {"template": "Bug", "variables": variables})
    assert "“mobile” is not an option of “Tags”" in caught.value.message
    assert "“backend”" in caught.value.message
    assert writes(notion_sandbox) == []


def test_the_parent_can_be_overridden_and_its_kind_is_found(call, templates, notion_sandbox):
    variables = {"topic": "Sync", "people": "all"}
    in_page = call(
        "notion_create_page_from_template",
        {"template": "Meeting notes", "variables": variables, "parent_id": ids.SCRATCHPAD_PAGE_ID},
    )
    assert notion_sandbox.state.page(in_page["id"])["parent"]["page_id"] == ids.SCRATCHPAD_PAGE_ID
    in_database = call(
        "notion_create_page_from_template",
        {"template": "Meeting notes", "variables": variables, "parent_id": TASKS_DATABASE_ID},
    )
    row = notion_sandbox.state.page(in_database["id"])
    assert row["parent"]["data_source_id"] == TASKS_DATA_SOURCE_ID
    assert page_properties_plain(row)["Name"] == "Sync notes"


def test_a_parent_not_shared_is_not_shared(call, templates, notion_sandbox):
    with pytest.raises(ToolError) as caught:
        call(
            "notion_create_page_from_template",
            {
                "template": "Meeting notes",
                "variables": {"topic": "x", "people": "y"},
                "parent_id": ids.PRIVATE_PAGE_ID,
                "parent_type": "page",
            },
        )
    assert caught.value.code == "not_shared"
    assert ids.INTEGRATION_NAME in caught.value.message
    assert notion_sandbox.state.pages_titled("x notes") == []


@pytest.mark.parametrize("template", ["Meeting notes", "Bug"])
def test_a_create_whose_answer_was_lost_is_found_instead_of_created_twice(
    ctx, templates, notion_sandbox, template
):
    arguments = {
        "template": template,
        "variables": {
            "topic": "Launch",
            "people": "team",
            "summary": "Launch",
            "steps": "s",
            "area": "docs",
            "owner": ids.ALICE_ID,
        },
    }
    # As the worker does: the attempt's time is set before the write (it renders {today}).
    since = datetime.now(UTC)
    ctx.attempt_started_at = since
    assert find_landed(ctx, "notion_create_page_from_template", arguments, since) is None
    notion_sandbox.inject(path="/v1/pages", method="POST", status=504, apply=True)
    with pytest.raises(ToolError):
        run_tool(ctx, "notion_create_page_from_template", arguments)

    found = find_landed(ctx, "notion_create_page_from_template", arguments, since)

    title = "Launch notes" if template == "Meeting notes" else "Bug: Launch"
    created = notion_sandbox.state.pages_titled(title)
    assert len(created) == 1
    assert found["id"] == created[0]["id"] and found["title"] == title
    assert found["blocks_written"] is not None
    later = since + timedelta(minutes=2)
    assert find_landed(ctx, "notion_create_page_from_template", arguments, later) is None
