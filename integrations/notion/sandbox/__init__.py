"""A local HTTP sandbox that behaves like the Notion API (Notion-Version 2025-09-03)."""

from .faults import Fault
from .seed import (
    ROOT_PAGE_ID,
    SANDBOX_LEGACY_TOKEN,
    SANDBOX_NO_COMMENTS_TOKEN,
    SANDBOX_OTHER_WORKSPACE_TOKEN,
    SANDBOX_READONLY_TOKEN,
    SANDBOX_REVOKED_TOKEN,
    SANDBOX_TOKEN,
    TASKS_DATA_SOURCE_ID,
    TASKS_DATABASE_ID,
)
from .server import NotionSandbox
from .state import SandboxState

__all__ = [
    "ROOT_PAGE_ID",
    "SANDBOX_LEGACY_TOKEN",
    "SANDBOX_NO_COMMENTS_TOKEN",
    "SANDBOX_OTHER_WORKSPACE_TOKEN",
    "SANDBOX_READONLY_TOKEN",
    "SANDBOX_REVOKED_TOKEN",
    "SANDBOX_TOKEN",
    "TASKS_DATABASE_ID",
    "TASKS_DATA_SOURCE_ID",
    "Fault",
    "NotionSandbox",
    "SandboxState",
]
