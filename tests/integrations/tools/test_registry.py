"""The tool registry: every tool is declared once, described for an LLM, and has an input schema
usable as an OpenAI / Anthropic / MCP function definition."""

from __future__ import annotations

import json
import re

import jsonschema_rs
import pytest

from integrations.tools.registry import TOOLS, get_tool, tool_list

# The tool table of the brief (names are public API), with access classes.
EXPECTED_ACCESS = {
    "notion_create_page": "write",
    "notion_update_page": "write",
    "notion_delete_page": "full",
    "notion_restore_page": "full",
    "notion_get_page": "read",
    "notion_search_pages": "read",
    "notion_create_database": "write",
    "notion_update_database": "write",
    "notion_get_database": "read",
    "notion_query_database": "read",
    "notion_update_database_item": "write",
    "notion_add_comment": "write",
    "notion_list_comments": "read",
    "notion_get_block_children": "read",
    "notion_append_block_children": "write",
    "notion_update_block": "write",
    "notion_delete_block": "full",
    "notion_get_user": "read",
    "notion_list_users": "read",
    "notion_create_template": "write",
    "notion_list_templates": "read",
    "notion_create_page_from_template": "write",
}
FUNCTION_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
WHEN_WORDS = ("use it", "use this", "use when", "when the", "use before", "before ")
RETURN_WORDS = ("returns", "return ")
ALL = tool_list()
IDS = [tool.name for tool in ALL]


def _walk(node, path="$"):
    """Every (path, dict) in a JSON Schema, depth first."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")


def test_the_registry_holds_exactly_the_tools_of_the_table_with_their_access_classes():
    assert {tool.name: tool.access for tool in ALL} == EXPECTED_ACCESS


def test_tool_names_are_unique_and_usable_as_function_names():
    names = [tool.name for tool in ALL]
    assert len(names) == len(set(names)) == 22
    for name in names:
        assert FUNCTION_NAME.match(name), name
        assert get_tool(name) is TOOLS[name]


@pytest.mark.parametrize("tool", ALL, ids=IDS)
def test_access_class_is_read_write_or_full(tool):
    assert tool.access in ("read", "write", "full")


@pytest.mark.parametrize("tool", ALL, ids=IDS)
def test_description_says_when_to_use_the_tool_and_what_it_returns(tool):
    text = tool.description
    lowered = text.lower()
    assert 120 <= len(text) <= 1024, f"{tool.name}: {len(text)} characters"
    assert any(word in lowered for word in WHEN_WORDS), f"{tool.name} doesn't say when to use it"
    assert any(word in lowered for word in RETURN_WORDS), f"{tool.name} doesn't say what it returns"


@pytest.mark.parametrize("tool", ALL, ids=IDS)
def test_input_schema_is_valid_json_schema_2020_12(tool):
    schema = tool.input_schema()
    jsonschema_rs.meta.validate(schema)
    # Compiling checks what the meta-schema can't: regexes, resolvable references.
    jsonschema_rs.Draft202012Validator(schema)


@pytest.mark.parametrize("tool", ALL, ids=IDS)
def test_input_schema_is_usable_as_a_function_definition(tool):
    schema = tool.input_schema()
    assert schema["type"] == "object"
    assert isinstance(schema["properties"], dict)
    assert "$ref" not in json.dumps(schema), f"{tool.name} has an unresolved $ref"
    assert "$defs" not in schema
    for path, node in _walk(schema):
        for name in (
            (node.get("properties") or {}) if isinstance(node.get("properties"), dict) else {}
        ):
            assert FUNCTION_NAME.match(name), f"{tool.name}: property {name!r} at {path}"
    for required in schema.get("required", []):
        assert required in schema["properties"]
    function = {"name": tool.name, "description": tool.description, "parameters": schema}
    json.dumps(function)  # serializable as sent to OpenAI / Anthropic / MCP


@pytest.mark.parametrize("tool", ALL, ids=IDS)
def test_every_top_level_input_field_is_described(tool):
    for name, prop in tool.input_schema()["properties"].items():
        assert prop.get("description"), f"{tool.name}.{name} has no description"


def test_writes_that_could_repeat_declare_how_to_find_an_earlier_attempt():
    creating = (
        "notion_create_page",
        "notion_create_database",
        "notion_create_page_from_template",
        "notion_add_comment",
        "notion_append_block_children",
    )
    for name in creating:
        assert TOOLS[name].find_landed is not None, name
        assert not TOOLS[name].idempotent
    for tool in ALL:
        if tool.access == "read":
            assert tool.idempotent, tool.name


def test_local_tools_are_the_ones_that_never_call_notion():
    assert [tool.name for tool in ALL if tool.local] == ["notion_create_template"]
