"""HTTP client for the Notion API: typed methods per endpoint, typed errors, no secrets logged."""

from .base import (
    CLEAR,
    DEFAULT_BASE_URL,
    DEFAULT_VERSION,
    POOL_MAXSIZE,
    BaseNotionClient,
    logger,
    shared_session,
)
from .endpoints import NotionClient

__all__ = [
    "CLEAR",
    "DEFAULT_BASE_URL",
    "DEFAULT_VERSION",
    "POOL_MAXSIZE",
    "BaseNotionClient",
    "NotionClient",
    "logger",
    "shared_session",
]
