"""Every tool, declared once: explicit imports, no auto-discovery."""

from integrations.tools import blocks, comments, databases, pages, search, templates, users
from integrations.tools.base import Tool

_MODULES = (pages, search, databases, blocks, comments, users, templates)

TOOLS: dict[str, Tool] = {}
for _module in _MODULES:
    for _tool in _module.TOOLS:
        if _tool.name in TOOLS:
            raise RuntimeError(f"tool {_tool.name} is declared twice")
        TOOLS[_tool.name] = _tool


def get_tool(name: str) -> Tool | None:
    return TOOLS.get(name) if isinstance(name, str) else None


def tool_list() -> list[Tool]:
    return list(TOOLS.values())


def tool_choices() -> list[tuple[str, str]]:
    """For filters and admin choices: (audit action, tool name)."""
    return [(tool.action, tool.name) for tool in TOOLS.values()]
