"""Reads of the action log: filters, keyset pages, status polls and the chart."""

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection as db_connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from integrations.models import ActionLog, NotionConnection
from workspaces.models import Workspace

PAGE_SIZE = 50
# The columns the table, the CSV and the status poll show; the JSON payloads stay in the database.
LIST_COLUMNS = (
    "id",
    "created_at",
    "started_at",
    "finished_at",
    "status",
    "action",
    "actor_type",
    "actor_name",
    "actor_assistant_id",
    "connection_id",
    "connection_name",
    "error_code",
    "http_status",
    "attempts",
    "duration_ms",
    "progress",
)
CHART_WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7)}
_HEX32 = re.compile(r"([0-9a-f]{32})")


# --- action log ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionLogFilters:
    """Already validated filter values (ids belong to the workspace: the form checks that)."""

    connection_id: int | None = None
    assistant_id: int | None = None
    action: str = ""
    status: str = ""
    since: datetime | None = None
    until: datetime | None = None
    query: str = ""


def notion_id_variants(text: str) -> list[str]:
    """A Notion id as users paste it (dashed, undashed, or inside a notion.so URL) in both
    spellings, so either stored form matches; other text is returned as is."""
    text = text.strip()
    compact = text.lower().replace("-", "")
    match = _HEX32.search(compact.rsplit("/", 1)[-1].split("?")[0]) if compact else None
    if not match:
        return [text] if text else []
    hex32 = match.group(1)
    dashed = f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"
    return [dashed, hex32]


def _json_list_contains(field_name: str, value: str) -> Q:
    # PostgreSQL answers `@>` on jsonb; SQLite has no JSON containment, so it matches the text.
    if db_connection.vendor == "postgresql":
        return Q(**{f"{field_name}__contains": [value]})
    return Q(**{f"{field_name}__icontains": f'"{value}"'})


def _search_q(query: str) -> Q:
    q = Q()
    for value in notion_id_variants(query):
        q |= _json_list_contains("notion_object_ids", value)
        q |= _json_list_contains("notion_request_ids", value)
        q |= Q(task_id=value)
    return q


def _action_q(action: str) -> Q:
    # "notion_create_page" and "tool.notion_create_page" mean the same tool.
    if "." in action:
        return Q(action=action)
    return Q(action__in=[action, f"tool.{action}"])


def action_log_filter(
    *, workspace: Workspace, filters: ActionLogFilters | None = None
) -> QuerySet[ActionLog]:
    """The workspace's log rows matching `filters`, newest first, list columns only."""
    f = filters or ActionLogFilters()
    qs = ActionLog.objects.filter(workspace=workspace)
    if f.connection_id:
        qs = qs.filter(connection_id=f.connection_id)
    if f.assistant_id:
        qs = qs.filter(actor_assistant_id=f.assistant_id)
    if f.action:
        qs = qs.filter(_action_q(f.action))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.since:
        qs = qs.filter(created_at__gte=f.since)
    if f.until:
        qs = qs.filter(created_at__lt=f.until)
    if f.query:
        qs = qs.filter(_search_q(f.query))
    return qs.only(*LIST_COLUMNS).order_by("-created_at", "-id")


def action_log_get(*, workspace: Workspace, pk: int) -> ActionLog | None:
    # pending_arguments holds the unredacted arguments of a call in flight and output the full
    # tool output: neither is for the page.
    return (
        ActionLog.objects.filter(workspace=workspace, pk=pk)
        .defer("pending_arguments", "output")
        .first()
    )


def action_log_recent_for_connection(
    *, connection: NotionConnection, limit: int = 15
) -> list[ActionLog]:
    return list(
        ActionLog.objects.filter(workspace=connection.workspace, connection=connection)
        .only(*LIST_COLUMNS)
        .order_by("-created_at", "-id")[:limit]
    )


def action_log_statuses(*, workspace: Workspace, ids: list[int]) -> list[dict]:
    """Status and progress of a few rows, for the page that polls its queued and running rows."""
    rows = ActionLog.objects.filter(workspace=workspace, pk__in=ids[:PAGE_SIZE]).values(
        "id", "status", "progress", "duration_ms", "attempts", "error_code"
    )
    return [{**row, "final": row["status"] in ActionLog.FINAL_STATUSES} for row in rows]


# --- keyset pagination ---------------------------------------------------------------------------


def cursor_encode(row: ActionLog) -> str:
    raw = f"{row.created_at.isoformat()}|{row.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[datetime, int] | None:
    """(created_at, id) from a cursor, or None when it was tampered with or truncated."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|", 1)
        created_at = parse_datetime(stamp)
        return (created_at, int(pk)) if created_at is not None else None
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def _older_than(created_at: datetime, pk: int) -> Q:
    # The first term alone bounds the index range scan; the rest settles ties on created_at.
    return Q(created_at__lte=created_at) & (Q(created_at__lt=created_at) | Q(id__lt=pk))


def _newer_than(created_at: datetime, pk: int) -> Q:
    return Q(created_at__gte=created_at) & (Q(created_at__gt=created_at) | Q(id__gt=pk))


@dataclass
class LogPage:
    rows: list[ActionLog] = field(default_factory=list)
    older_cursor: str = ""
    newer_cursor: str = ""

    @property
    def pending_ids(self) -> list[int]:
        return [row.pk for row in self.rows if not row.is_final]


def action_log_page(
    qs: QuerySet[ActionLog], *, after: str = "", before: str = "", size: int = PAGE_SIZE
) -> LogPage:
    """One page of `qs` (ordered newest first) by keyset: `after` pages to older rows, `before`
    to newer ones. Never counts: one query of size + 1 rows and, at most, one EXISTS."""
    after_key = cursor_decode(after) if after else None
    before_key = cursor_decode(before) if before and not after_key else None
    if before_key:
        newer = list(qs.filter(_newer_than(*before_key)).order_by("created_at", "id")[: size + 1])
        if len(newer) <= size:
            # Back at the top: show the newest page itself, full, with no "Newer" link.
            return action_log_page(qs, size=size)
        rows = list(reversed(newer[:size]))
        has_newer = True
        has_older = True  # the row the cursor came from is older than all of these
    else:
        if after_key:
            qs = qs.filter(_older_than(*after_key))
        fetched = list(qs[: size + 1])
        rows = fetched[:size]
        has_older = len(fetched) > size
        has_newer = after_key is not None
    page = LogPage(rows=rows)
    if rows and has_older:
        page.older_cursor = cursor_encode(rows[-1])
    if rows and has_newer:
        page.newer_cursor = cursor_encode(rows[0])
    return page


# --- chart ---------------------------------------------------------------------------------------


@dataclass
class ChartData:
    window: str
    start: datetime
    hours: list[datetime]
    # status -> one count per hour, aligned with `hours`
    series: dict[str, list[int]]

    @property
    def total(self) -> int:
        return sum(sum(counts) for counts in self.series.values())

    @property
    def peak(self) -> int:
        return max((sum(col) for col in zip(*self.series.values(), strict=True)), default=0)

    def as_json(self) -> dict:
        return {
            "window": self.window,
            "start": self.start.isoformat(),
            "hours": [h.isoformat() for h in self.hours],
            "series": self.series,
            "total": self.total,
        }


def _chart_frame(window: str) -> tuple[str, datetime, list[datetime]]:
    window = window if window in CHART_WINDOWS else "24h"
    span = CHART_WINDOWS[window]
    end = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    start = end - span
    hours = [start + timedelta(hours=i) for i in range(int(span.total_seconds() // 3600))]
    return window, start, hours


def action_log_chart_empty(*, window: str = "24h") -> ChartData:
    window, start, hours = _chart_frame(window)
    series = {status: [0] * len(hours) for status in ActionLog.Status.values}
    return ChartData(window=window, start=start, hours=hours, series=series)


def action_log_chart(
    *, workspace: Workspace, filters: ActionLogFilters | None = None, window: str = "24h"
) -> ChartData:
    """Calls per hour and status over the last 24 hours or 7 days (hours ending with the
    current one), for the filtered rows."""
    chart = action_log_chart_empty(window=window)
    f = filters or ActionLogFilters()
    since = max(f.since, chart.start) if f.since else chart.start
    qs = action_log_filter(workspace=workspace, filters=f).filter(created_at__gte=since)
    buckets = (
        qs.order_by()
        .annotate(hour=TruncHour("created_at"))
        .values("hour", "status")
        .annotate(n=Count("id"))
    )
    index = {h: i for i, h in enumerate(chart.hours)}
    for bucket in buckets:
        i = index.get(bucket["hour"])
        if i is not None and bucket["status"] in chart.series:
            chart.series[bucket["status"]][i] += bucket["n"]
    return chart
