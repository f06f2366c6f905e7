"""Conversion between Markdown and Notion blocks; pure functions, no HTTP."""

from .from_blocks import blocks_to_markdown
from .normalize import request_blocks_to_response_shape
from .rich_text import (
    plain_to_rich_text,
    rich_text_to_markdown,
    rich_text_to_plain,
)
from .to_blocks import markdown_to_blocks

__all__ = [
    "blocks_to_markdown",
    "markdown_to_blocks",
    "plain_to_rich_text",
    "request_blocks_to_response_shape",
    "rich_text_to_markdown",
    "rich_text_to_plain",
]
