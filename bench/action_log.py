"""Benchmark: the action log page over 1,000,000 ActionLog rows in PostgreSQL.

Run: `uv run --frozen python bench/action_log.py` (seeds `bench_action_log` once, then times the
view; writes docs/benchmarks.md). `--reseed` rebuilds the rows, `--repeat N` sets repetitions,
`--no-docs` only prints. Needs PostgreSQL at BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._harness import docs_section_write  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Action log at 1,000,000 rows (bench/action_log.py)"
DB_NAME = "bench_action_log"
SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
GOAL_P95_MS = 150.0

TOOLS = [
    ("tool.notion_get_page", 20),
    ("tool.notion_search_pages", 16),
    ("tool.notion_query_database", 12),
    ("tool.notion_get_block_children", 12),
    ("tool.notion_create_page", 10),
    ("tool.notion_update_page", 8),
    ("tool.notion_append_block_children", 8),
    ("tool.notion_add_comment", 5),
    ("tool.notion_update_database_item", 4),
    ("tool.notion_list_users", 2),
    ("tool.notion_delete_block", 2),
    ("tool.notion_create_page_from_template", 1),
]
STATUSES = [("succeeded", 90), ("failed", 6), ("rejected", 4)]
ERRORS = {
    "failed": ("object_not_found", 404, "Share the page with the integration in Notion."),
    "rejected": ("access_denied", None, "Give the assistant write access to this connection."),
}


def _environment() -> None:
    """Production-like settings for the measured process, pointed at the bench database."""
    os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
    os.environ["DEBUG"] = "false"  # no query recording, templates cached as in production
    os.environ["STATIC_MANIFEST"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["SESSION_COOKIE_SECURE"] = "false"
    os.environ["CSRF_COOKIE_SECURE"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phinite_notion.settings")


def database_create() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
            print(f"created database {DB_NAME}", file=sys.stderr)


# --- seeding --------------------------------------------------------------------------------


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([name for name, _ in table], weights=[w for _, w in table])[0]


def fixtures_create():
    """Two workspaces (the measured one and a neighbour), connections, assistants, a user."""
    from django.contrib.auth import get_user_model

    from assistants.services import assistant_create
    from integrations.audit import Actor
    from integrations.models import NotionConnection
    from integrations.services import TokenIdentity, connection_create
    from workspaces.models import Workspace
    from workspaces.services import workspace_create

    actor = Actor.system("bench")
    user_model = get_user_model()
    user = user_model.objects.filter(username="bench-admin").first()
    if user is None:
        user = user_model.objects.create_user("bench-admin", "bench@example.com", "bench")
    identity = TokenIdentity("ws", "Bench Notion", "bot", "Bench Bot")
    result = {}
    for name, n_conn, n_asst in (("Bench Co", 4, 8), ("Neighbour Co", 2, 3)):
        workspace = Workspace.objects.filter(name=name).first() or workspace_create(
            name=name, admin=user if name == "Bench Co" else None, actor=actor
        )
        connections = list(NotionConnection.objects.filter(workspace=workspace).defer("token"))
        for i in range(len(connections), n_conn):
            connections.append(
                connection_create(
                    workspace=workspace,
                    name=f"{name} Notion {i + 1}",
                    token=f"ntn_bench_{uuid.uuid4().hex}",
                    actor=actor,
                    identity=identity,
                )
            )
        assistants = list(workspace.assistants.all())
        for i in range(len(assistants), n_asst):
            assistants.append(
                assistant_create(workspace=workspace, name=f"Assistant {i + 1}", actor=actor)[0]
            )
        result[name] = (workspace, connections, assistants)
    return user, result


def _row(rng: random.Random, workspace, connections, assistants, created: dt.datetime, status):
    """One tool-call row as column -> value; columns not named take the model's default."""
    connection = rng.choice(connections)
    assistant = rng.choice(assistants)
    duration = int(rng.lognormvariate(5.5, 0.6))
    final = status in ("succeeded", "failed", "rejected")
    started = created + dt.timedelta(milliseconds=rng.randint(5, 400)) if final else None
    page_id = str(uuid.UUID(int=rng.getrandbits(128)))
    request_id = str(uuid.UUID(int=rng.getrandbits(128)))
    code, http_status, hint = ERRORS.get(status, ("", None, ""))
    return {
        "workspace_id": workspace.pk,
        "workspace_name": workspace.name,
        "created_at": created,
        "started_at": started,
        "finished_at": started + dt.timedelta(milliseconds=duration) if final else None,
        "actor_type": "assistant",
        "actor_assistant_id": assistant.pk,
        "actor_name": assistant.name,
        "connection_id": connection.pk,
        "connection_name": connection.name,
        "action": _weighted(rng, TOOLS),
        "status": status,
        "arguments": {"page_id": page_id},
        "result": {"id": page_id, "ids": [page_id]} if status == "succeeded" else {},
        "error_code": code,
        "error_message": "Could not find the page." if code == "object_not_found" else "",
        "error_hint": hint,
        "notion_request_ids": [request_id] if status != "rejected" else [],
        "notion_object_ids": [page_id] if status == "succeeded" else [],
        "http_status": http_status,
        "attempts": 1 if status != "rejected" else 0,
        "duration_ms": duration if final else None,
        "task_id": uuid.UUID(int=rng.getrandbits(128)).hex if status != "rejected" else "",
        "progress": "" if final else "pages fetched: 3",
    }


def _copy_columns() -> list[tuple[str, object, bool]]:
    """(column, default, is JSON) for every ActionLog column but the id, in model order."""
    from django.db import models

    from integrations.models import ActionLog

    columns = []
    for field in ActionLog._meta.concrete_fields:
        if field.primary_key:
            continue
        default = field.get_default()
        columns.append((field.column, default, isinstance(field, models.JSONField)))
    return columns


def _copy_value(value, is_json: bool):
    return json.dumps(value) if is_json and value is not None else value


def rows_seed(total: int, days: int, fixtures) -> None:
    """COPYs `total` rows: 90 % in Bench Co, 10 % in its neighbour, spread evenly over `days`
    days up to now; the newest few are still queued or running, as in real life."""
    import psycopg

    rng = random.Random(42)
    now = dt.datetime.now(dt.UTC)
    span = dt.timedelta(days=days).total_seconds()
    main, neighbour = fixtures["Bench Co"], fixtures["Neighbour Co"]
    columns = _copy_columns()
    names = ", ".join(column for column, _, _ in columns)
    started = time.perf_counter()
    with psycopg.connect(f"{SERVER}/{DB_NAME}") as conn:
        conn.execute("DELETE FROM integrations_actionlog WHERE actor_type = 'assistant'")
        with (
            conn.cursor() as cur,
            cur.copy(f"COPY integrations_actionlog ({names}) FROM STDIN") as copy,
        ):
            for i in range(total):
                # Oldest first, so ids grow with time as they do in production.
                created = now - dt.timedelta(seconds=span * (1 - i / total))
                target = neighbour if rng.random() < 0.10 else main
                fresh = total - i <= 40
                status = rng.choice(("queued", "running")) if fresh else _weighted(rng, STATUSES)
                row = _row(rng, *target, created, status)
                copy.write_row(
                    [
                        _copy_value(row.get(column, default), is_json)
                        for column, default, is_json in columns
                    ]
                )
                if i and i % 200_000 == 0:
                    print(f"  {i:,} rows …", file=sys.stderr)
        conn.commit()
    with psycopg.connect(f"{SERVER}/{DB_NAME}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE integrations_actionlog")
    print(f"seeded {total:,} rows in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def rows_refresh() -> tuple[int, float]:
    """Row count, and shifts every row forward so the newest is "now" again (the 24-hour chart
    and date filters then see what they saw at seeding time). Returns (rows, hours shifted)."""
    import psycopg

    with psycopg.connect(f"{SERVER}/{DB_NAME}", autocommit=True) as conn:
        count = conn.execute(
            "SELECT count(*) FROM integrations_actionlog WHERE actor_type = 'assistant'"
        ).fetchone()[0]
        newest = conn.execute("SELECT max(created_at) FROM integrations_actionlog").fetchone()[0]
        if not count or newest is None:
            return 0, 0.0
        lag = dt.datetime.now(dt.UTC) - newest
        if lag <= dt.timedelta(minutes=30):
            return count, 0.0
        conn.execute(
            "UPDATE integrations_actionlog SET created_at = created_at + %(d)s, "
            "started_at = started_at + %(d)s, finished_at = finished_at + %(d)s",
            {"d": lag},
        )
        conn.execute("VACUUM ANALYZE integrations_actionlog")
        return count, lag.total_seconds() / 3600


# --- measuring ------------------------------------------------------------------------------


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def time_view(client, url: str, repeat: int, warmup: int = 5) -> dict:
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    rows = len(re.findall(rb'href="/integrations/(?:logs|notion)/\d+/"', response.content))
    return {
        "p50": _percentile(samples, 50),
        "p95": _percentile(samples, 95),
        "max": max(samples),
        "mean": statistics.fmean(samples),
        "rows": rows,
    }


def scenarios(fixtures, rows: int) -> list[tuple[str, str, bool]]:
    """(label, query string, counts toward the goal)."""
    from integrations import selectors
    from integrations.models import ActionLog

    workspace, connections, assistants = fixtures["Bench Co"]
    since = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    deep = (
        ActionLog.objects.filter(workspace=workspace)
        .order_by("-created_at", "-id")
        .only("id", "created_at")[int(rows * 0.45)]
    )
    sample_page = (
        ActionLog.objects.filter(workspace=workspace, status="succeeded")
        .exclude(notion_object_ids=[])
        .order_by("-created_at", "-id")
        .values_list("notion_object_ids", flat=True)[int(rows * 0.2)]
    )[0]
    return [
        ("First page (no filter, 24 h chart)", "", True),
        ("Status = failed", "?status=failed", True),
        (f"Assistant = {assistants[2].name}", f"?assistant={assistants[2].pk}", True),
        (
            "Connection + tool + last 30 days",
            f"?connection={connections[1].pk}&action=notion_create_page&date_from={since}",
            True,
        ),
        (
            f"Page ~{int(rows * 0.45) // selectors.PAGE_SIZE:,} (keyset cursor)",
            f"?after={selectors.cursor_encode(deep)}",
            False,
        ),
        ("First page, 7-day chart", "?window=7d", False),
        ("Search by Notion page id (no GIN index)", f"?q={sample_page}", False),
    ]


def markdown_table(results: list[tuple[str, bool, dict]]) -> str:
    lines = [
        "| Page | p50 ms | p95 ms | max ms | rows shown | goal |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, in_goal, r in results:
        verdict = ("met" if r["p95"] <= GOAL_P95_MS else "**missed**") if in_goal else "(info)"
        lines.append(
            f"| {label} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | {r['rows']} | "
            f"{verdict} |"
        )
    return "\n".join(lines)


def machine() -> str:
    from django.db import connection

    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return (
        f"nproc {len(os.sched_getaffinity(0))}, {model}, load average {load} at the end, "
        f"Python {platform.python_version()}, "
        f"PostgreSQL {pg} (default configuration, same machine), "
        f"{platform.system()} {platform.release()}"
    )


def docs_section(table: str, *, rows: int, repeat: int, days: int, about: str) -> str:
    return f"""{SECTION}

{rows:,} tool-call rows in PostgreSQL (90 % in the measured workspace, 10 % in a neighbour),
spread evenly over {days} days up to now (about {rows * 0.9 / days:,.0f} a day in the measured
workspace), 4 connections and 8 assistants, 6 % failed and 4 % rejected. Each page is fetched
{repeat} times (after 5 warm-up requests) with Django's test `Client` through the whole
middleware stack and template rendering, DEBUG off: server time only, no network. Every page
includes the calls-per-hour chart (its own GROUP BY query over the window) and the 50-row table
by keyset (`ORDER BY created_at DESC, id DESC LIMIT 51`, no COUNT). Goal: p95 <= {GOAL_P95_MS:.0f}
ms for the first page and the three filtered pages.

- Run: {dt.date.today().isoformat()}; {about}.
- The deep page starts from a cursor {int(rows * 0.45):,} rows into the workspace: keyset
  pagination costs the same at any depth.
- Search by Notion id matches `notion_object_ids @> '["<id>"]'` (or request id, or task id)
  without a GIN index, so PostgreSQL walks the workspace's rows newest first until it finds a
  match; it is fast for recent objects and slow for old ones. A GIN index
  (`jsonb_path_ops`) on `notion_object_ids` and `notion_request_ids` would make it constant.
- The 7-day chart groups about {rows * 0.9 * 7 / days:,.0f} rows by hour and status, reading
  each row from the table; an index on `(workspace, created_at) INCLUDE (status)` would let it
  be an index-only scan.
- The connections list computes, per connection, the calls and failures of the last 24 hours
  and the last use with subqueries on the `(connection, created_at)` index.
- Other processes (other test suites) shared the CPUs during the run; the load average
  above says how much, and it shows in the p95 and max columns.

{table}

Command: `uv run --frozen python bench/action_log.py` (`--reseed` to rebuild the rows,
`--repeat N`).
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=60, help="period the rows are spread over")
    parser.add_argument("--repeat", type=int, default=200, help="timed requests per page")
    parser.add_argument("--reseed", action="store_true", help="delete and re-insert the rows")
    parser.add_argument("--no-docs", action="store_true", help="print only")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    _environment()
    database_create()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    user, fixtures = fixtures_create()
    rows, shifted = rows_refresh()
    if args.reseed or rows != args.rows:
        rows_seed(args.rows, args.days, fixtures)
        rows = args.rows
    elif shifted:
        print(f"reusing {rows:,} rows, moved {shifted:.1f} h forward", file=sys.stderr)

    client = Client()
    client.force_login(user)
    results = []
    for label, query, in_goal in scenarios(fixtures, rows):
        print(f"timing {label} …", file=sys.stderr)
        results.append(
            (label, in_goal, time_view(client, f"/integrations/logs/{query}", args.repeat))
        )
    print("timing the connections list …", file=sys.stderr)
    results.append(
        (
            "Connections list (24 h calls and failures per connection)",
            False,
            time_view(client, "/integrations/notion/", args.repeat),
        )
    )

    table = markdown_table(results)
    about = machine()
    print(table)
    print(f"\n{about}")
    if not args.no_docs:
        docs_section_write(
            SECTION, docs_section(table, rows=rows, repeat=args.repeat, days=args.days, about=about)
        )
        print(f"updated {DOCS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
