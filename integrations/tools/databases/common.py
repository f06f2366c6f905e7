"""Small helpers the database tools share."""

from __future__ import annotations

from datetime import datetime

from integrations.notion.markdown import plain_to_rich_text, rich_text_to_plain
from integrations.tools.errors import ToolInputError

MAX_TITLE = 2000


def rich(text: str) -> list[dict]:
    """Request rich text for a short plain string (titles and descriptions)."""
    if len(text) > MAX_TITLE:
        raise ToolInputError(f"Text over {MAX_TITLE} characters: shorten it.")
    return plain_to_rich_text(text)


def plain(items: list | None) -> str:
    return rich_text_to_plain(items or [])


def floor_minute(moment: datetime) -> datetime:
    """Notion's created_time is minute-granular: anything created at or after `moment` shows
    a created_time at or after the start of its minute."""
    return moment.replace(second=0, microsecond=0)


def created_since(record: dict, since: datetime) -> bool:
    created = record.get("created_time")
    if not isinstance(created, str):
        return False
    try:
        moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return False
    if since.tzinfo is None:
        moment = moment.replace(tzinfo=None)
    return moment >= floor_minute(since)


def data_source_brief(data_source: dict) -> dict:
    """Ids that identify a data source and its database."""
    parent = data_source.get("parent") or {}
    return {
        "database_id": parent.get("database_id"),
        "data_source_id": data_source.get("id"),
        "title": plain(data_source.get("title")),
        "url": data_source.get("url"),
    }
