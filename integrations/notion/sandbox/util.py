"""Small helpers shared by the sandbox: ids, timestamps, urls and JSON snippets."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime

_HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")
_DASHED = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


def new_id() -> str:
    return str(uuid.uuid4())


def parse_id(value: object) -> str | None:
    """Return the canonical dashed lower-case form of a Notion id, or None if it is not one."""
    if not isinstance(value, str):
        return None
    if _DASHED.match(value):
        return value.lower()
    if _HEX32.match(value):
        return str(uuid.UUID(value))
    return None


def hex_id(object_id: str) -> str:
    return object_id.replace("-", "")


def now_dt() -> datetime:
    return datetime.now(UTC)


def iso_minute(moment: datetime) -> str:
    """Pages, blocks and comments carry minute-truncated times (as Notion does)."""
    return moment.strftime("%Y-%m-%dT%H:%M:00.000Z")


def iso_millis_offset(moment: datetime) -> str:
    """Databases carry millisecond times with a +00:00 offset (as recorded)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def iso_millis_z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(value: str) -> datetime | None:
    """Parse an ISO 8601 date or datetime into an aware UTC datetime."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def is_date_only(value: str) -> bool:
    return isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-"


def slug(title: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", title).strip("-")


def page_url(object_id: str, title: str = "") -> str:
    name = slug(title)
    suffix = hex_id(object_id)
    return (
        f"https://app.notion.com/p/{name}-{suffix}"
        if name
        else f"https://app.notion.com/p/{suffix}"
    )


def dump(value: object, limit: int = 200) -> str:
    """A short JSON rendering of a value for validation messages."""
    if value is None:
        return "undefined"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def user_ref(user_id: str) -> dict:
    return {"object": "user", "id": user_id}
