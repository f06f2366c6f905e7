"""Shared helpers for the tool tests: a ToolContext whose NotionClient talks to the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from integrations.notion import errors as notion_errors
from integrations.notion.client import NotionClient
from integrations.notion.sandbox import SANDBOX_TOKEN
from integrations.notion.sandbox.seed import INTEGRATION_NAME
from integrations.tools.base import ToolContext
from integrations.tools.errors import explain_notion_error
from integrations.tools.registry import get_tool

READ_METHODS = frozenset({"GET", "HEAD"})


def sandbox_context(sandbox, token: str = SANDBOX_TOKEN, name: str = INTEGRATION_NAME):
    """A ToolContext as the worker builds it, with a real client pointed at the sandbox."""
    client = NotionClient(token, base_url=sandbox.url)
    return ToolContext(client=client, integration_name=name, workspace_id=None)


def run_tool(ctx: ToolContext, name: str, arguments) -> dict:
    """Validate and run a tool like the worker does: Notion's errors become ToolErrors."""
    tool = get_tool(name)
    assert tool is not None, f"no tool {name}"
    parsed = tool.validate(arguments)
    try:
        return tool.handler(ctx, parsed)
    except notion_errors.NotionError as exc:
        raise explain_notion_error(exc, integration=ctx.integration_name) from exc


def find_landed(ctx: ToolContext, name: str, arguments, since: datetime) -> dict | None:
    tool = get_tool(name)
    return tool.find_landed(ctx, tool.validate(arguments), since)


def writes(sandbox, since: float = 0.0) -> list[dict]:
    """Requests that could change something (anything but GET), from time.time() `since`."""
    return [e for e in sandbox.requests_since(since) if e["method"] not in READ_METHODS]


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def tool_ctx(notion_sandbox) -> ToolContext:
    return sandbox_context(notion_sandbox)


@pytest.fixture
def call(tool_ctx) -> Callable[[str, object], dict]:
    """call(tool_name, arguments) -> the tool's output, against the sandbox."""
    return lambda name, arguments: run_tool(tool_ctx, name, arguments)


# --- fixtures added by the helper for databases, users and templates go below this line ---
