"""notion_create_database, notion_update_database, notion_get_database, notion_query_database
and notion_update_database_item against the sandbox over HTTP."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from pydantic import ValidationError

from integrations.notion.client import NotionClient
from integrations.notion.markdown import rich_text_to_plain
from integrations.notion.sandbox import TASKS_DATA_SOURCE_ID, TASKS_DATABASE_ID
from integrations.notion.sandbox import seed as ids
from integrations.tools.errors import ToolError, ToolInputError
from integrations.tools.output import json_size
from integrations.tools.properties import page_properties_plain
from tests.integrations.tools.conftest import find_landed, now, run_tool, writes

ROOT = ids.ROOT_PAGE_ID
OTHER_TOKEN = "ntn_sandbox_private_owner_000000000000000000000000000000000077"


def tasks(notion_sandbox) -> list[dict]:
    """The Tasks rows as the sandbox holds them, as plain values with their ids."""
    return [
        {"id": page["id"], **page_properties_plain(page)}
        for page in notion_sandbox.state.data_source_rows(TASKS_DATA_SOURCE_ID)
    ]


def row_ids(out: dict) -> list[str]:
    return [row["id"] for row in out["rows"]]


def schema_of(notion_sandbox, data_source_id: str) -> dict:
    return notion_sandbox.state.data_sources[data_source_id]["properties"]


def options_of(prop: dict) -> list[str]:
    return [option["name"] for option in prop[prop["type"]]["options"]]


def query_requests(notion_sandbox) -> list[dict]:
    return [r for r in notion_sandbox.requests if r["path"].endswith("/query")]


@pytest.fixture
def private_database(notion_sandbox) -> dict:
    """A database with one row inside the page that the tools' integration can't see, made by
    another integration that can."""
    notion_sandbox.add_token(OTHER_TOKEN, name="Roadmap Bot", shared=(ids.PRIVATE_PAGE_ID,))
    other = NotionClient(OTHER_TOKEN, base_url=notion_sandbox.url)
    database = other.databases_create(
        parent={"type": "page_id", "page_id": ids.PRIVATE_PAGE_ID},
        title=[{"text": {"content": "Secret roadmap"}}],
        initial_data_source={"properties": {"Name": {"title": {}}, "Quarter": {"select": {}}}},
    )
    data_source_id = database["data_sources"][0]["id"]
    row = other.pages_create(
        parent={"data_source_id": data_source_id},
        properties={"Name": {"title": [{"text": {"content": "Launch"}}]}},
    )
    return {"id": database["id"], "data_source_id": data_source_id, "row_id": row["id"]}


# --- notion_create_database ------------------------------------------------------------------


def test_create_database_builds_the_simple_schema_under_the_page(call, notion_sandbox):
    out = call(
        "notion_create_database",
        {
            "parent_page_id": ROOT,
            "title": "Bugs",
            "description": "Everything broken",
            "properties": {
                "Status": {"type": "status"},
                "Tags": {"type": "multi_select", "options": ["ui", "api"]},
                "Severity": "select",
                "Points": {"type": "number", "format": "percent"},
                "Parent task": {"type": "relation", "relation_to": TASKS_DATABASE_ID},
            },
        },
    )
    database = notion_sandbox.state.databases[out["id"]]
    assert rich_text_to_plain(database["title"]) == "Bugs"
    assert rich_text_to_plain(database["description"]) == "Everything broken"
    assert database["parent"] == {"type": "page_id", "page_id": ROOT}
    schema = schema_of(notion_sandbox, out["data_source_id"])
    assert {name: prop["type"] for name, prop in schema.items()} == {
        "Name": "title",
        "Status": "status",
        "Tags": "multi_select",
        "Severity": "select",
        "Points": "number",
        "Parent task": "relation",
    }
    assert options_of(schema["Tags"]) == ["ui", "api"]
    assert schema["Points"]["number"]["format"] == "percent"
    assert schema["Parent task"]["relation"]["data_source_id"] == TASKS_DATA_SOURCE_ID
    children = notion_sandbox.state.children(ROOT)
    assert any(b["type"] == "child_database" and b["id"] == out["id"] for b in children)
    # The result shows what Notion made, defaults included.
    assert out["title"] == "Bugs" and out["url"]
    assert out["properties"]["Status"]["options"] == ["Not started", "In progress", "Done"]
    assert out["properties"]["Tags"] == {"type": "multi_select", "options": ["ui", "api"]}


def test_create_database_keeps_a_title_property_that_is_given(call, notion_sandbox):
    out = call(
        "notion_create_database",
        {"parent_page_id": ROOT, "title": "Reading", "properties": {"Book": {"type": "title"}}},
    )
    assert list(schema_of(notion_sandbox, out["data_source_id"])) == ["Book"]


@pytest.mark.parametrize(
    "properties",
    [
        {"Due": {"type": "date", "options": ["x"]}},
        {"Parent": {"type": "relation"}},
        {"Odd": {"type": "hologram"}},
        {"Tags": {"type": "multi_select", "options": ["a,b"]}},
        {"Tags": {"type": "select", "options": ["x"], "colour": "red"}},
    ],
)
def test_create_database_rejects_a_bad_schema_before_any_request(
    tool_ctx, notion_sandbox, properties
):
    with pytest.raises(ValidationError):
        run_tool(
            tool_ctx,
            "notion_create_database",
            {"parent_page_id": ROOT, "title": "X", "properties": properties},
        )
    assert notion_sandbox.requests == []


def test_create_database_refuses_two_title_properties_without_writing(call, notion_sandbox):
    with pytest.raises(ToolInputError, match="exactly one title"):
        call(
            "notion_create_database",
            {"parent_page_id": ROOT, "title": "X", "properties": {"A": "title", "B": "title"}},
        )
    assert writes(notion_sandbox) == []


def test_create_database_under_a_page_not_shared_is_not_shared(call, notion_sandbox):
    before = len(notion_sandbox.state.databases)
    with pytest.raises(ToolError) as caught:
        call("notion_create_database", {"parent_page_id": ids.PRIVATE_PAGE_ID, "title": "X"})
    assert caught.value.code == "not_shared"
    assert ids.INTEGRATION_NAME in caught.value.message
    assert len(notion_sandbox.state.databases) == before


def test_create_database_with_a_relation_to_a_database_not_shared_writes_nothing(
    call, notion_sandbox, private_database
):
    started = time.time()
    with pytest.raises(ToolError) as caught:
        call(
            "notion_create_database",
            {
                "parent_page_id": ROOT,
                "title": "X",
                "properties": {"Link": {"type": "relation", "relation_to": private_database["id"]}},
            },
        )
    assert caught.value.code == "not_shared"
    assert writes(notion_sandbox, started) == []


def test_a_create_whose_answer_was_lost_is_found_instead_of_created_twice(tool_ctx, notion_sandbox):
    arguments = {"parent_page_id": ROOT, "title": "Incidents", "properties": {"Sev": "select"}}
    since = now()
    assert find_landed(tool_ctx, "notion_create_database", arguments, since) is None
    notion_sandbox.inject(path="/v1/databases", method="POST", status=504, apply=True)
    with pytest.raises(ToolError):
        run_tool(tool_ctx, "notion_create_database", arguments)

    found = find_landed(tool_ctx, "notion_create_database", arguments, since)

    created = [
        d
        for d in notion_sandbox.state.databases.values()
        if rich_text_to_plain(d["title"]) == "Incidents"
    ]
    assert len(created) == 1
    assert found["id"] == created[0]["id"]
    assert found["data_source_id"] and "Sev" in found["properties"]
    later = since + timedelta(minutes=2)
    assert find_landed(tool_ctx, "notion_create_database", arguments, later) is None


# --- notion_update_database ------------------------------------------------------------------


@pytest.fixture
def bugs(call) -> dict:
    return call(
        "notion_create_database",
        {
            "parent_page_id": ROOT,
            "title": "Bugs",
            "properties": {
                "Tags": {"type": "multi_select", "options": ["ui", "api", "old"]},
                "Notes": "rich_text",
                "Owner": "people",
            },
        },
    )


def test_update_database_renames_describes_and_changes_the_schema(call, notion_sandbox, bugs):
    out = call(
        "notion_update_database",
        {
            "database_id": bugs["id"],
            "title": "Defects",
            "description": "Found in QA",
            "add_properties": {"Priority": {"type": "select", "options": ["High", "Low"]}},
            "rename_properties": {"Notes": "Details"},
            "remove_properties": ["Owner"],
            "add_options": {"Tags": ["docs"]},
            "rename_options": {"Tags": {"ui": "frontend"}},
            "remove_options": {"Tags": ["old"]},
        },
    )
    database = notion_sandbox.state.databases[bugs["id"]]
    assert rich_text_to_plain(database["title"]) == "Defects"
    assert rich_text_to_plain(database["description"]) == "Found in QA"
    schema = schema_of(notion_sandbox, bugs["data_source_id"])
    assert sorted(schema) == ["Details", "Name", "Priority", "Tags"]
    assert schema["Details"]["type"] == "rich_text"
    assert options_of(schema["Priority"]) == ["High", "Low"]
    assert options_of(schema["Tags"]) == ["frontend", "api", "docs"]
    assert out["title"] == "Defects"
    assert out["changes"] == [
        "renamed the database to “Defects”",
        "changed the description",
        "removed property “Owner”",
        "renamed property “Notes” to “Details”",
        "renamed option “ui” of “Tags” to “frontend”",
        "removed option “old” from “Tags”",
        "added option “docs” to “Tags”",
        "added select property “Priority”",
    ]
    assert out["properties"]["Tags"]["options"] == ["frontend", "api", "docs"]


def test_renaming_an_option_keeps_it_on_the_rows_that_had_it(call, notion_sandbox):
    call(
        "notion_update_database",
        {"database_id": TASKS_DATABASE_ID, "rename_options": {"Tags": {"bug": "defect"}}},
    )
    rows = tasks(notion_sandbox)
    assert not any("bug" in row["Tags"] for row in rows)
    assert any("defect" in row["Tags"] for row in rows)


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"rename_properties": {"Nots": "X"}}, "Valid properties: Name (title)"),
        ({"remove_properties": ["Nope"]}, "Tags (multi_select)"),
        ({"add_options": {"Missing": ["x"]}}, "Valid properties"),
        ({"remove_options": {"Tags": ["zzz"]}}, "Valid options: “ui”, “api”, “old”"),
        ({"rename_options": {"Tags": {"zzz": "y"}}}, "Valid options: “ui”, “api”, “old”"),
        ({"add_options": {"Tags": ["UI"]}}, "already has the option"),
        ({"add_options": {"Notes": ["x"]}}, "only select, multi_select and status"),
        ({"add_properties": {"notes": "number"}}, "already a property named “Notes”"),
        ({"remove_properties": ["Name"]}, "title property"),
        ({"rename_properties": {"Notes": "Tags"}}, "already a property named “Tags”"),
        ({}, "Nothing to change"),
    ],
)
def test_update_database_checks_every_change_before_writing(
    call, notion_sandbox, bugs, arguments, words
):
    started = time.time()
    with pytest.raises(ToolInputError) as caught:
        call("notion_update_database", {"database_id": bugs["id"], **arguments})
    assert words in caught.value.message
    assert writes(notion_sandbox, started) == []


def test_update_database_rejects_bad_option_names_before_any_request(tool_ctx, notion_sandbox):
    with pytest.raises(ValidationError, match="commas"):
        run_tool(
            tool_ctx,
            "notion_update_database",
            {"database_id": TASKS_DATABASE_ID, "add_options": {"Tags": ["a,b"]}},
        )
    assert notion_sandbox.requests == []


def test_update_database_not_shared_is_not_shared(call, private_database):
    with pytest.raises(ToolError) as caught:
        call("notion_update_database", {"database_id": private_database["id"], "title": "Mine"})
    assert caught.value.code == "not_shared"
    assert ids.INTEGRATION_NAME in caught.value.message


def test_an_update_whose_answer_was_lost_is_recognised_as_applied(tool_ctx, notion_sandbox, bugs):
    arguments = {
        "database_id": bugs["id"],
        "add_properties": {"Due": "date"},
        "rename_properties": {"Notes": "Details"},
    }
    since = now()
    assert find_landed(tool_ctx, "notion_update_database", arguments, since) is None
    notion_sandbox.inject(path="/v1/data_sources/*", method="PATCH", status=504, apply=True)
    with pytest.raises(ToolError):
        run_tool(tool_ctx, "notion_update_database", arguments)

    found = find_landed(tool_ctx, "notion_update_database", arguments, since)

    assert found is not None
    assert {"Due", "Details"} <= set(found["properties"])
    assert "Notes" not in found["properties"]


# --- notion_get_database ---------------------------------------------------------------------


def test_get_database_gives_names_types_options_data_sources_and_templates(call):
    out = call("notion_get_database", {"database_id": TASKS_DATABASE_ID})
    assert out["id"] == TASKS_DATABASE_ID
    assert out["title"] == "Tasks"
    assert out["description"] == "Everything the team is doing."
    assert out["data_source_id"] == TASKS_DATA_SOURCE_ID
    assert out["data_sources"] == [{"id": TASKS_DATA_SOURCE_ID, "name": "Tasks"}]
    props = out["properties"]
    assert next(iter(props)) == "Name" and props["Name"] == {"type": "title"}
    assert props["Status"]["options"] == ["Not started", "In progress", "Done"]
    assert props["Status"]["groups"]["Complete"] == ["Done"]
    assert props["Priority"] == {"type": "select", "options": ["High", "Medium", "Low"]}
    assert props["Tags"]["options"] == ["backend", "frontend", "docs", "bug", "infra"]
    assert props["Related"]["related_data_source_id"] == TASKS_DATA_SOURCE_ID
    assert {name: p["type"] for name, p in props.items()}["Owner"] == "people"
    assert out["templates"] == [
        {"id": ids.TEMPLATE_PAGE_ID, "name": ids.TEMPLATE_PAGE_TITLE, "is_default": True},
        {
            "id": ids.FEATURE_TEMPLATE_PAGE_ID,
            "name": "Feature request template",
            "is_default": False,
        },
    ]


def test_get_database_accepts_a_data_source_id_or_a_url(call):
    by_source = call("notion_get_database", {"database_id": TASKS_DATA_SOURCE_ID})
    url = f"https://www.notion.so/acme/{TASKS_DATABASE_ID.replace('-', '')}?v=1"
    by_url = call("notion_get_database", {"database_id": url})
    assert by_source == by_url
    assert by_source["id"] == TASKS_DATABASE_ID


def test_get_database_with_several_data_sources_describes_each(call, tool_ctx):
    tool_ctx.client.request(
        "POST",
        "/v1/data_sources",
        json={
            "parent": {"type": "database_id", "database_id": TASKS_DATABASE_ID},
            "title": [{"text": {"content": "Archive"}}],
            "properties": {"Title": {"title": {}}, "Year": {"number": {}}},
        },
    )
    out = call("notion_get_database", {"database_id": TASKS_DATABASE_ID})
    assert [s["name"] for s in out["schemas"]] == ["Tasks", "Archive"]
    assert out["schemas"][1]["properties"] == {
        "Title": {"type": "title"},
        "Year": {"type": "number", "format": "number"},
    }


def test_get_database_fits_a_huge_schema_into_the_budget(call):
    options = [f"Option number {i:04d} with a long name" for i in range(300)]
    db = call(
        "notion_create_database",
        {
            "parent_page_id": ROOT,
            "title": "Big",
            "properties": {"Kind": {"type": "select", "options": options}},
        },
    )
    out = call("notion_get_database", {"database_id": db["id"], "max_chars": 2000})
    assert json_size(out) <= 2000
    kind = out["properties"]["Kind"]
    assert kind["options_truncated"] is True and kind["options_total"] == 300
    assert kind["options"] == options[: len(kind["options"])]


def test_get_database_not_shared_is_not_shared(call, private_database):
    with pytest.raises(ToolError) as caught:
        call("notion_get_database", {"database_id": private_database["data_source_id"]})
    assert caught.value.code == "not_shared"
    assert ids.INTEGRATION_NAME in caught.value.message


def test_get_database_rejects_a_non_id_before_any_request(tool_ctx, notion_sandbox):
    with pytest.raises(ValidationError):
        run_tool(tool_ctx, "notion_get_database", {"database_id": "my tasks"})
    assert notion_sandbox.requests == []


# --- notion_query_database -------------------------------------------------------------------


def test_query_with_where_matches_the_rows_the_sandbox_holds(call, notion_sandbox):
    out = call(
        "notion_query_database",
        {
            "database_id": TASKS_DATABASE_ID,
            "where": {"Status": "Done", "Due": {"before": "2026-01-20"}},
            "limit": 100,
        },
    )
    expected = [
        r["id"]
        for r in tasks(notion_sandbox)
        if r["Status"] == "Done" and r["Due"] and r["Due"] < "2026-01-20"
    ]
    assert expected and row_ids(out) == expected
    first = out["rows"][0]
    assert first["url"].startswith("https://") and first["Status"] == "Done"
    assert isinstance(first["Name"], str) and isinstance(first["Tags"], list)


@pytest.mark.parametrize(
    ("where", "keep"),
    [
        ({"Estimate": {">": 10}}, lambda r: r["Estimate"] is not None and r["Estimate"] > 10),
        ({"Tags": "bug"}, lambda r: "bug" in r["Tags"]),
        ({"Done": True, "Priority": "high"}, lambda r: r["Done"] and r["Priority"] == "High"),
        ({"Priority": None}, lambda r: r["Priority"] is None),
        ({"Priority": ["High", "Low"]}, lambda r: r["Priority"] in ("High", "Low")),
        ({"Name": "login flow"}, lambda r: "login flow" in r["Name"].lower()),
        ({"Owner": ids.BOB_ID}, lambda r: any(o["id"] == ids.BOB_ID for o in r["Owner"])),
        (
            {"Due": {"on_or_after": "2026-02-01", "on_or_before": "2026-02-10"}},
            lambda r: r["Due"] is not None and "2026-02-01" <= r["Due"] <= "2026-02-10",
        ),
        (
            {"or": [{"Status": "In progress"}, {"Tags": {"contains": "docs"}}]},
            lambda r: r["Status"] == "In progress" or "docs" in r["Tags"],
        ),
    ],
)
def test_where_conditions_by_property_type(call, notion_sandbox, where, keep):
    out = call(
        "notion_query_database",
        {"database_id": TASKS_DATABASE_ID, "where": where, "limit": 1000, "max_chars": 100_000},
    )
    expected = [r["id"] for r in tasks(notion_sandbox) if keep(r)]
    assert expected and row_ids(out) == expected
    assert out["has_more"] is False and out["next_cursor"] is None


def test_query_with_notion_filter_syntax_and_sorts(call, notion_sandbox):
    notion_filter = {
        "and": [
            {"property": "Status", "status": {"equals": "In progress"}},
            {"property": "Estimate", "number": {"greater_than_or_equal_to": 5}},
        ]
    }
    out = call(
        "notion_query_database",
        {
            "database_id": TASKS_DATA_SOURCE_ID,
            "filter": notion_filter,
            "sorts": ["-Estimate"],
            "limit": 200,
            "max_chars": 100_000,
        },
    )
    rows = [
        r
        for r in tasks(notion_sandbox)
        if r["Status"] == "In progress" and (r["Estimate"] or 0) >= 5
    ]
    assert sorted(row_ids(out)) == sorted(r["id"] for r in rows)
    estimates = [row["Estimate"] for row in out["rows"]]
    assert estimates == sorted(estimates, reverse=True)


def test_paging_with_the_cursor_continues_exactly_where_the_last_page_ended(call, notion_sandbox):
    everything = [r["id"] for r in tasks(notion_sandbox)]
    seen = []
    cursor = None
    for _ in range(10):
        arguments = {"database_id": TASKS_DATABASE_ID, "limit": 70}
        if cursor:
            arguments["cursor"] = cursor
        out = call("notion_query_database", arguments)
        seen += row_ids(out)
        cursor = out["next_cursor"]
        if not out["has_more"]:
            break
    assert seen == everything
    assert cursor is None


def test_a_large_limit_is_read_in_pages_of_100_with_progress(tool_ctx, notion_sandbox):
    reports: list[str] = []
    tool_ctx.progress = reports.append
    out = run_tool(
        tool_ctx,
        "notion_query_database",
        {
            "database_id": TASKS_DATABASE_ID,
            "limit": 250,
            "properties": ["Name"],
            "max_chars": 100_000,
        },
    )
    assert out["count"] == 250 and out["has_more"] is True
    assert reports == ["pages fetched: 1", "pages fetched: 2", "pages fetched: 3"]
    assert len(query_requests(notion_sandbox)) == 3
    rest = run_tool(
        tool_ctx,
        "notion_query_database",
        {
            "database_id": TASKS_DATABASE_ID,
            "limit": 250,
            "properties": ["Name"],
            "cursor": out["next_cursor"],
            "max_chars": 100_000,
        },
    )
    assert rest["count"] == 50 and rest["has_more"] is False
    assert row_ids(out) + row_ids(rest) == [r["id"] for r in tasks(notion_sandbox)]


def test_the_result_fits_the_budget_and_the_cursor_resumes_after_the_last_row(call, notion_sandbox):
    everything = [r["id"] for r in tasks(notion_sandbox)]
    out = call(
        "notion_query_database", {"database_id": TASKS_DATABASE_ID, "limit": 100, "max_chars": 4000}
    )
    assert json_size(out) <= 4000
    assert 0 < out["count"] < 100 and out["has_more"] is True
    assert row_ids(out) == everything[: out["count"]]
    assert "max_chars" in out["note"]
    nxt = call(
        "notion_query_database",
        {"database_id": TASKS_DATABASE_ID, "limit": 5, "cursor": out["next_cursor"]},
    )
    assert row_ids(nxt) == everything[out["count"] : out["count"] + 5]


def test_only_the_properties_asked_for_are_returned(call):
    out = call(
        "notion_query_database",
        {"database_id": TASKS_DATABASE_ID, "properties": ["name", "Status"], "limit": 3},
    )
    assert [sorted(row) for row in out["rows"]] == [["Name", "Status", "id", "url"]] * 3


def test_notion_stopping_at_its_result_cap_is_reported_with_advice(call, notion_sandbox):
    notion_sandbox.set_query_cap(120)
    out = call(
        "notion_query_database",
        {
            "database_id": TASKS_DATABASE_ID,
            "limit": 1000,
            "properties": ["Name"],
            "max_chars": 100_000,
        },
    )
    assert out["count"] == 120
    assert out["incomplete"] is True and out["has_more"] is False
    assert "10,000" in out["warning"] and "Narrow the filter" in out["warning"]


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"where": {"Stat": "Done"}}, "Valid properties: Name (title), Status (status)"),
        ({"where": {"Status": "Finished"}}, "Valid options: “Not started”, “In progress”, “Done”"),
        ({"where": {"Due": {"around": "2026-01-01"}}}, "Operators: equals, before, after"),
        ({"where": {"Due": {"before": "soon"}}}, "ISO 8601"),
        ({"where": {"Estimate": {">": "lots"}}}, "give a number"),
        ({"sorts": ["Nope"]}, "Valid properties"),
        ({"properties": ["Nope"]}, "Valid properties"),
    ],
)
def test_query_refuses_names_it_cant_map_before_querying(call, notion_sandbox, arguments, words):
    with pytest.raises(ToolInputError) as caught:
        call("notion_query_database", {"database_id": TASKS_DATABASE_ID, **arguments})
    assert words in caught.value.message
    assert query_requests(notion_sandbox) == []


@pytest.mark.parametrize(
    "arguments",
    [{"limit": 1001}, {"limit": 0}, {"max_chars": 10}, {"where": "Status is Done"}, {"colour": 1}],
)
def test_query_rejects_bad_arguments_before_any_request(tool_ctx, notion_sandbox, arguments):
    with pytest.raises(ValidationError):
        run_tool(tool_ctx, "notion_query_database", {"database_id": TASKS_DATABASE_ID, **arguments})
    assert notion_sandbox.requests == []


def test_where_may_arrive_as_a_json_string(call, notion_sandbox):
    out = call(
        "notion_query_database",
        {"database_id": TASKS_DATABASE_ID, "where": '{"Tags": "infra"}', "limit": 5},
    )
    assert out["rows"] and all("infra" in row["Tags"] for row in out["rows"])


def test_a_cursor_from_another_database_is_refused(call, bugs):
    out = call("notion_query_database", {"database_id": TASKS_DATABASE_ID, "limit": 2})
    with pytest.raises(ToolInputError, match="another database"):
        call("notion_query_database", {"database_id": bugs["id"], "cursor": out["next_cursor"]})


def test_query_not_shared_is_not_shared(call, private_database, notion_sandbox):
    with pytest.raises(ToolError) as caught:
        call("notion_query_database", {"database_id": private_database["id"]})
    assert caught.value.code == "not_shared"
    assert ids.INTEGRATION_NAME in caught.value.message


# --- notion_update_database_item -------------------------------------------------------------

ROW = ids.TASK_ROW_IDS[3]


def test_update_item_sets_properties_by_name_with_plain_values(call, notion_sandbox):
    out = call(
        "notion_update_database_item",
        {
            "page_id": ROW,
            "properties": {
                "Status": "Done",
                "Tags": ["docs", "infra"],
                "Due": "2026-12-01",
                "Estimate": 8,
                "Done": True,
                "Owner": ["carol@acme.example"],
                "Notes": "Reviewed",
                "Link": None,
            },
        },
    )
    row = page_properties_plain(notion_sandbox.state.page(ROW))
    assert row["Status"] == "Done" and row["Tags"] == ["docs", "infra"]
    assert row["Due"] == "2026-12-01" and row["Estimate"] == 8 and row["Done"] is True
    assert [o["id"] for o in row["Owner"]] == [ids.CAROL_ID]
    assert row["Notes"] == "Reviewed" and row["Link"] is None
    assert out["id"] == ROW and out["title"] == row["Name"]
    assert out["updated"] == ["Status", "Tags", "Due", "Estimate", "Done", "Owner", "Notes", "Link"]
    assert out["properties"]["Owner"] == [{"id": ids.CAROL_ID, "name": "Carol Chen"}]


@pytest.mark.parametrize(
    ("properties", "words"),
    [
        ({"Stauts": "Done"}, "Valid properties: Name (title), Status (status)"),
        ({"Priority": "Urgent"}, "Valid options: “High”, “Medium”, “Low”"),
        ({"Tags": ["docs", "nope"]}, "Valid options: “backend”, “frontend”"),
        ({"Owner": ["nobody@acme.example"]}, "no user matches"),
        ({"Email": "x" * 250 + "@acme.example"}, "at most 200"),
    ],
)
def test_update_item_refuses_what_the_schema_doesnt_allow_without_writing(
    call, notion_sandbox, properties, words
):
    before = notion_sandbox.state.page(ROW)
    with pytest.raises(ToolInputError) as caught:
        call("notion_update_database_item", {"page_id": ROW, "properties": properties})
    assert words in caught.value.message
    assert writes(notion_sandbox) == []
    assert notion_sandbox.state.page(ROW) == before


def test_update_item_on_a_regular_page_points_to_notion_update_page(call, notion_sandbox):
    with pytest.raises(ToolInputError) as caught:
        call(
            "notion_update_database_item",
            {"page_id": ids.PROJECT_PLAN_PAGE_ID, "properties": {"Status": "Done"}},
        )
    assert "not a row of a database" in caught.value.message
    assert "notion_update_page" in caught.value.hint
    assert writes(notion_sandbox) == []


def test_update_item_not_shared_is_not_shared(call, private_database, notion_sandbox):
    with pytest.raises(ToolError) as caught:
        call(
            "notion_update_database_item",
            {"page_id": private_database["row_id"], "properties": {"Name": "x"}},
        )
    assert caught.value.code == "not_shared"
    assert ids.INTEGRATION_NAME in caught.value.message


@pytest.mark.parametrize(
    "arguments",
    [
        {"page_id": ROW, "properties": {}},
        {"page_id": ROW},
        {"page_id": "row 4", "properties": {"Done": True}},
    ],
)
def test_update_item_rejects_bad_arguments_before_any_request(tool_ctx, notion_sandbox, arguments):
    with pytest.raises(ValidationError):
        run_tool(tool_ctx, "notion_update_database_item", arguments)
    assert notion_sandbox.requests == []
