"""Input building blocks: tolerant ids (dashed, undashed, Notion URLs) and JSON-string arguments."""

import contextlib
import json
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

_HEX32 = re.compile(r"([0-9a-fA-F]{32})")
_UUID = re.compile(r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})")


def normalize_notion_id(value: Any) -> str:
    """Accepts a Notion id with or without dashes, or a Notion URL containing one, and returns
    the dashed form Notion answers with."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("give a Notion id (32 hex characters, dashes optional) or a Notion URL")
    text = value.strip()
    match = _UUID.search(text)
    if match:
        raw = match.group(1).replace("-", "")
    else:
        # A URL ends in "Title-<32 hex>" possibly followed by ?query or #block.
        candidates = _HEX32.findall(text.split("?")[0].split("#")[0]) or _HEX32.findall(text)
        if not candidates:
            raise ValueError(
                f"“{text[:80]}” is not a Notion id: expected 32 hex characters (dashes optional) "
                "or a Notion page URL"
            )
        raw = candidates[-1]
    raw = raw.lower()
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


NotionId = Annotated[
    str,
    BeforeValidator(normalize_notion_id),
    Field(description="A Notion id (with or without dashes) or a Notion URL."),
]


class ToolInput(BaseModel):
    """Base of every tool's input: unknown fields are errors (a typo should not pass silently),
    and object or array fields that arrive as JSON strings (a common LLM-client failure) are
    parsed first."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _parse_json_strings(cls, data: Any) -> Any:
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                return data
        if not isinstance(data, dict):
            return data
        parsed = dict(data)
        for name, field in cls.model_fields.items():
            value = parsed.get(name, parsed.get(field.alias or name))
            if isinstance(value, str) and value[:1] in "[{" and _expects_container(field):
                with contextlib.suppress(ValueError):
                    parsed[name] = json.loads(value)
        return parsed


def _expects_container(field) -> bool:
    text = repr(field.annotation)
    return any(t in text for t in ("dict", "list", "Dict", "List", "BaseModel")) or (
        isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
    )


BUDGET_DEFAULT = 20_000
MaxChars = Annotated[
    int,
    Field(
        ge=1_000,
        le=100_000,
        description="Character budget for the result (default 20,000). Results that would be "
        "larger are cut and carry a next_cursor to continue.",
    ),
]
Limit = Annotated[int, Field(ge=1, le=100, description="How many items to return (1-100).")]
