"""Properties by name with plain values: conversion to Notion's shapes (checked against the
schema), page properties back to plain values, and resolving a database to its data source."""

from __future__ import annotations

import pytest

from integrations.notion.sandbox import TASKS_DATA_SOURCE_ID, TASKS_DATABASE_ID
from integrations.notion.sandbox import seed as ids
from integrations.tools.errors import ToolError, ToolInputError
from integrations.tools.properties import (
    page_properties_plain,
    properties_to_notion,
    resolve_data_source,
    user_lookup_from,
)
from tests.integrations.tools.conftest import run_tool

SCHEMA = {
    "Name": {"id": "title", "type": "title", "title": {}},
    "Status": {
        "id": "st",
        "type": "status",
        "status": {"options": [{"id": "s1", "name": "Not started"}, {"id": "s2", "name": "Done"}]},
    },
    "Priority": {
        "id": "pr",
        "type": "select",
        "select": {"options": [{"id": "p1", "name": "High"}, {"id": "p2", "name": "Low"}]},
    },
    "Tags": {
        "id": "tg",
        "type": "multi_select",
        "multi_select": {"options": [{"name": "a"}, {"name": "b"}, {"name": "c"}]},
    },
    "Due": {"id": "du", "type": "date", "date": {}},
    "Points": {"id": "pt", "type": "number", "number": {"format": "number"}},
    "Done": {"id": "dn", "type": "checkbox", "checkbox": {}},
    "Owner": {"id": "ow", "type": "people", "people": {}},
    "Link": {"id": "ln", "type": "url", "url": {}},
    "Email": {"id": "em", "type": "email", "email": {}},
    "Phone": {"id": "ph", "type": "phone_number", "phone_number": {}},
    "Notes": {"id": "nt", "type": "rich_text", "rich_text": {}},
    "Related": {"id": "rl", "type": "relation", "relation": {"data_source_id": "x"}},
    "Files": {"id": "fl", "type": "files", "files": {}},
    "Score": {"id": "sc", "type": "formula", "formula": {"expression": "1"}},
    "Created": {"id": "cr", "type": "created_time", "created_time": {}},
}
PAGE_ID = "5a4d0000-0000-4000-8000-000000000002"


def test_plain_values_become_notion_property_values_by_type():
    out = properties_to_notion(
        SCHEMA,
        {
            "Name": "Ship it",
            "Status": "Done",
            "Priority": "High",
            "Tags": ["a", "c"],
            "Due": {"start": "2026-01-31", "end": "2026-02-02"},
            "Points": "3.5",
            "Done": "yes",
            "Owner": [ids.BOB_ID],
            "Link": "https://example.com",
            "Email": "a@b.example",
            "Phone": "+1 555",
            "Notes": "hello",
            "Related": [f"https://www.notion.so/Plan-{PAGE_ID.replace('-', '')}"],
            "Files": ["https://example.com/files/report.pdf"],
        },
    )
    assert out["Name"] == [{"type": "text", "text": {"content": "Ship it"}}]
    assert out["Status"] == {"name": "Done"}
    assert out["Priority"] == {"name": "High"}
    assert out["Tags"] == [{"name": "a"}, {"name": "c"}]
    assert out["Due"] == {"start": "2026-01-31", "end": "2026-02-02"}
    assert out["Points"] == 3.5
    assert out["Done"] is True
    assert out["Owner"] == [{"object": "user", "id": ids.BOB_ID}]
    assert out["Link"] == "https://example.com"
    assert out["Email"] == "a@b.example"
    assert out["Phone"] == "+1 555"
    assert out["Related"] == [{"id": PAGE_ID}]
    assert out["Files"] == [
        {
            "name": "report.pdf",
            "type": "external",
            "external": {"url": "https://example.com/files/report.pdf"},
        }
    ]


def test_names_and_options_match_case_insensitively_and_commas_split_multi_select():
    out = properties_to_notion(SCHEMA, {"status": "done", "tags": "A, b", "due": "2026-03-01"})
    assert out == {
        "Status": {"name": "Done"},
        "Tags": [{"name": "a"}, {"name": "b"}],
        "Due": {"start": "2026-03-01"},
    }


def test_notion_shaped_values_are_accepted_too():
    out = properties_to_notion(SCHEMA, {"Priority": {"select": {"name": "Low"}}, "Points": 2})
    assert out == {"Priority": {"name": "Low"}, "Points": 2}


def test_null_clears_a_value():
    out = properties_to_notion(SCHEMA, {"Priority": None, "Due": None, "Tags": None})
    assert out == {"Priority": None, "Due": None, "Tags": []}


def test_unknown_property_is_an_error_listing_the_valid_names():
    with pytest.raises(ToolInputError) as caught:
        properties_to_notion(SCHEMA, {"Stauts": "Done"})
    message = caught.value.message
    assert "Stauts" in message
    for name in ("Name (title)", "Status (status)", "Tags (multi_select)", "Due (date)"):
        assert name in message


@pytest.mark.parametrize(
    ("name", "value"),
    [("Status", "Finished"), ("Priority", "Urgent"), ("Tags", ["a", "zzz"])],
)
def test_unknown_option_is_an_error_listing_the_valid_options(name, value):
    with pytest.raises(ToolInputError) as caught:
        properties_to_notion(SCHEMA, {name: value})
    options = [o["name"] for o in SCHEMA[name][SCHEMA[name]["type"]]["options"]]
    for option in options:
        assert f"“{option}”" in caught.value.message
    assert "notion_update_database" in caught.value.hint


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("Points", "many", "takes a number"),
        ("Points", True, "takes a number"),
        ("Done", "perhaps", "true or false"),
        ("Due", "next tuesday", "ISO 8601"),
        ("Email", "not-an-email", "not an email"),
        ("Owner", ["Bob"], "no user matches"),
        ("Related", ["not an id"], "page ids"),
        ("Files", ["ftp://x/y"], "file URLs"),
        ("Score", 3, "can't be set"),
        ("Created", "2026-01-01", "can't be set"),
    ],
)
def test_values_of_the_wrong_kind_are_refused_in_words(name, value, words):
    with pytest.raises(ToolInputError) as caught:
        properties_to_notion(SCHEMA, {name: value})
    assert words in caught.value.message
    assert name in caught.value.message


def test_value_limits_are_enforced_before_sending():
    with pytest.raises(ToolInputError, match="2000"):
        properties_to_notion(SCHEMA, {"Link": "https://e.com/" + "x" * 2000})
    with pytest.raises(ToolInputError, match="200"):
        properties_to_notion(SCHEMA, {"Phone": "1" * 201})
    with pytest.raises(ToolInputError, match="200"):
        properties_to_notion(SCHEMA, {"Email": "a" * 195 + "@b.example"})
    many_pages = [f"{i:032x}" for i in range(101)]
    with pytest.raises(ToolInputError, match="MAX_RELATION"):
        properties_to_notion(SCHEMA, {"Related": many_pages})
    with pytest.raises(ToolInputError, match="MAX_PEOPLE"):
        properties_to_notion(SCHEMA, {"Owner": many_pages})


def test_long_text_is_split_into_items_of_at_most_2000_characters():
    out = properties_to_notion(SCHEMA, {"Notes": "x" * 4500})
    assert [len(item["text"]["content"]) for item in out["Notes"]] == [2000, 2000, 500]


def test_people_can_be_named_by_email_or_name_with_a_user_lookup():
    users = [
        {"id": ids.ALICE_ID, "name": "Alice Admin", "person": {"email": "alice@acme.example"}},
        {"id": ids.BOB_ID, "name": "Bob Builder", "person": {"email": "bob@acme.example"}},
    ]
    lookup = user_lookup_from(users)
    out = properties_to_notion(
        SCHEMA, {"Owner": ["ALICE@acme.example", "bob builder"]}, user_lookup=lookup
    )
    assert out["Owner"] == [
        {"object": "user", "id": ids.ALICE_ID},
        {"object": "user", "id": ids.BOB_ID},
    ]


def test_page_properties_read_back_as_plain_values():
    page = {
        "properties": {
            "Name": {
                "type": "title",
                "title": [{"plain_text": "Ship", "text": {"content": "Ship"}}],
            },
            "Status": {"type": "status", "status": {"id": "s2", "name": "Done"}},
            "Tags": {"type": "multi_select", "multi_select": [{"name": "a"}, {"name": "b"}]},
            "Due": {"type": "date", "date": {"start": "2026-01-31", "end": None}},
            "Span": {"type": "date", "date": {"start": "2026-01-31", "end": "2026-02-01"}},
            "Owner": {"type": "people", "people": [{"id": ids.BOB_ID, "name": "Bob Builder"}]},
            "Related": {"type": "relation", "relation": [{"id": PAGE_ID}], "has_more": False},
            "Files": {
                "type": "files",
                "files": [
                    {"name": "r", "type": "external", "external": {"url": "https://e.com/r"}}
                ],
            },
            "Total": {"type": "formula", "formula": {"type": "number", "number": 7}},
            "Sum": {"type": "rollup", "rollup": {"type": "number", "number": 12}},
            "Ref": {"type": "unique_id", "unique_id": {"prefix": "BUG", "number": 42}},
            "Created": {"type": "created_time", "created_time": "2026-01-05T08:00:00.000Z"},
            "Done": {"type": "checkbox", "checkbox": True},
            "Points": {"type": "number", "number": None},
        }
    }
    assert page_properties_plain(page) == {
        "Name": "Ship",
        "Status": "Done",
        "Tags": ["a", "b"],
        "Due": "2026-01-31",
        "Span": {"start": "2026-01-31", "end": "2026-02-01"},
        "Owner": [{"id": ids.BOB_ID, "name": "Bob Builder"}],
        "Related": [PAGE_ID],
        "Files": ["https://e.com/r"],
        "Total": 7,
        "Sum": 12,
        "Ref": "BUG-42",
        "Created": "2026-01-05T08:00:00.000Z",
        "Done": True,
        "Points": None,
    }


# --- resolve_data_source, against the sandbox ---------------------------------------------------


def test_a_database_id_resolves_to_its_only_data_source(tool_ctx):
    data_source = resolve_data_source(tool_ctx, TASKS_DATABASE_ID)
    assert data_source["object"] == "data_source"
    assert data_source["id"] == TASKS_DATA_SOURCE_ID
    assert "Status" in data_source["properties"]


def test_a_data_source_id_is_used_directly(tool_ctx, notion_sandbox):
    data_source = resolve_data_source(tool_ctx, TASKS_DATA_SOURCE_ID.replace("-", ""))
    assert data_source["id"] == TASKS_DATA_SOURCE_ID
    assert [(r["method"], r["path"]) for r in notion_sandbox.requests] == [
        ("GET", f"/v1/data_sources/{TASKS_DATA_SOURCE_ID}")
    ]


def test_a_database_with_several_data_sources_is_an_error_listing_them(tool_ctx):
    second = tool_ctx.client.request(
        "POST",
        "/v1/data_sources",
        json={
            "parent": {"type": "database_id", "database_id": TASKS_DATABASE_ID},
            "title": [{"text": {"content": "Archive"}}],
            "properties": {"Name": {"title": {}}},
        },
    )
    with pytest.raises(ToolInputError) as caught:
        resolve_data_source(tool_ctx, TASKS_DATABASE_ID)
    assert TASKS_DATA_SOURCE_ID in caught.value.message
    assert second["id"] in caught.value.message
    assert "Archive" in caught.value.message


def test_an_object_not_shared_is_not_shared_naming_the_integration(tool_ctx):
    with pytest.raises(ToolError) as caught:
        run_tool(tool_ctx, "notion_get_database", {"database_id": ids.PRIVATE_PAGE_ID})
    assert caught.value.code == "not_shared"
    assert ids.INTEGRATION_NAME in caught.value.message
