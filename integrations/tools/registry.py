"""Every tool, declared once: explicit imports, no auto-discovery."""

import dataclasses

from integrations.tools import blocks, comments, databases, pages, search, templates, users
from integrations.tools.base import Tool

# Tools that send a single Notion request; the others book two slots when queued (see
# Tool.expected_requests) and learn from an attempt that needed more.
SINGLE_REQUEST = frozenset(
    {
        "notion_get_user",
        "notion_list_users",
        "notion_search_pages",
        "notion_delete_page",
        "notion_restore_page",
        "notion_delete_block",
        "notion_list_comments",
        "notion_get_block_children",
    }
)

_MODULES = (pages, search, databases, blocks, comments, users, templates)

TOOLS: dict[str, Tool] = {}
for _module in _MODULES:
    for _tool in _module.TOOLS:
        if _tool.name in TOOLS:
            raise RuntimeError(f"tool {_tool.name} is declared twice")
        if _tool.name in SINGLE_REQUEST:
            _tool = dataclasses.replace(_tool, expected_requests=1)
        TOOLS[_tool.name] = _tool


def get_tool(name: str) -> Tool | None:
    return TOOLS.get(name) if isinstance(name, str) else None


def tool_list() -> list[Tool]:
    return list(TOOLS.values())


def tool_choices() -> list[tuple[str, str]]:
    """For filters and admin choices: (audit action, tool name)."""
    return [(tool.action, tool.name) for tool in TOOLS.values()]
