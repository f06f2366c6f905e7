"""Benchmark: the latency the API (gunicorn, Celery over Redis, PostgreSQL) adds to a tool call.

Starts the Notion sandbox in this process (rate limit off), a fresh PostgreSQL database
`bench_api`, gunicorn and a Celery worker, creates a small page, then sends N sequential
`notion_get_page` calls through `POST /api/v1/tool-calls` with `wait` and, interleaved with them,
the same tool run in this process straight against the sandbox with a NotionClient (the same
Notion requests, no API). Reports p50/p95/p99 of both and of the difference, and where the API's
time goes (from the call's own created/started/finished timestamps).

Then the same again with Celery workers that keep their PostgreSQL connection between tasks (a
what-if: see docs/benchmarks.md).

Run: `uv run --frozen python bench/overhead.py` (writes its section of docs/benchmarks.md; add
`--no-docs` to only print, `--calls N`, `--pool prefork`, `--no-what-if`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (
    Stack,
    StackConfig,
    api_session,
    docs_section_write,
    fixtures_create,
    install_interrupt_handler,
    machine,
    page_small_create,
    percentile,
    today,
)

SECTION = "## API overhead (bench/overhead.py)"
GOAL_ADDED_P50_MS = 10.0
CONNECTION = "Bench"
# Our limiter still runs (its Redis round trips are part of the overhead) but never paces:
# this measures the API, not Notion's budget.
UNPACED_RATE = 100_000.0
UNPACED_BURST = 100_000


@dataclass(frozen=True)
class Sample:
    direct_ms: float
    api_ms: float
    # Where the API call's time went, from its row's timestamps and the client's clock.
    before_queue_ms: float  # request sent -> row inserted (HTTP, Django, checks, limiter)
    queued_ms: float  # row inserted -> worker claimed it (commit, broker, Celery)
    running_ms: float  # claimed -> finished (the tool and its Notion requests, in the worker)
    after_ms: float  # finished -> answer received (commit, notify, BLPOP wake-up, JSON, HTTP)


def _direct_runner(notion_url: str, token: str, page_id: str):
    """The tool's handler with a plain NotionClient: the same Notion requests, no API."""
    from integrations.notion.client import NotionClient
    from integrations.tools.base import ToolContext
    from integrations.tools.registry import get_tool

    tool = get_tool("notion_get_page")
    client = NotionClient(token, base_url=notion_url)

    def run() -> tuple[float, dict]:
        started = time.perf_counter()
        output = tool.run(ToolContext(client=client), {"page_id": page_id})
        return (time.perf_counter() - started) * 1000, output

    return run


def _api_runner(base_url: str, key: str, page_id: str):
    session = api_session(key)
    body = {
        "connection": CONNECTION,
        "tool": "notion_get_page",
        "arguments": {"page_id": page_id},
        "wait": 30,
    }
    url = f"{base_url}/api/v1/tool-calls"

    def run() -> tuple[float, float, float, dict]:
        sent_wall = time.time()
        started = time.perf_counter()
        response = session.post(url, json=body, timeout=60)
        elapsed = (time.perf_counter() - started) * 1000
        received_wall = time.time()
        if response.status_code != 200 or response.json().get("status") != "succeeded":
            raise RuntimeError(f"API call failed: {response.status_code} {response.text[:500]}")
        return elapsed, sent_wall, received_wall, response.json()

    return run


def _ts(value: str) -> float:
    return dt.datetime.fromisoformat(value).timestamp()


def sample_take(direct, api) -> Sample:
    direct_ms, direct_output = direct()
    api_ms, sent, received, call = api()
    if call["result"] != direct_output:
        raise RuntimeError("the API and the direct run returned different results")
    created, started, finished = (
        _ts(call["created_at"]),
        _ts(call["started_at"]),
        _ts(call["finished_at"]),
    )
    return Sample(
        direct_ms=direct_ms,
        api_ms=api_ms,
        before_queue_ms=(created - sent) * 1000,
        queued_ms=(started - created) * 1000,
        running_ms=(finished - started) * 1000,
        after_ms=(received - finished) * 1000,
    )


def stats(values: list[float]) -> dict[str, float]:
    return {name: percentile(values, pct) for name, pct in (("p50", 50), ("p95", 95), ("p99", 99))}


@dataclass(frozen=True)
class Run:
    label: str
    samples: list[Sample]

    def added_p50(self) -> float:
        return (
            stats([s.api_ms for s in self.samples])["p50"]
            - stats([s.direct_ms for s in self.samples])["p50"]
        )


def results_table(runs: list[Run]) -> str:
    lines = [
        "| Worker | Measure | p50 ms | p95 ms | p99 ms |",
        "|---|---|---:|---:|---:|",
    ]
    for run in runs:
        d = stats([s.direct_ms for s in run.samples])
        a = stats([s.api_ms for s in run.samples])
        pairs = stats([s.api_ms - s.direct_ms for s in run.samples])
        rows = [
            ("Direct: the tool in-process -> sandbox", d),
            ("Through the API (`wait`)", a),
            ("**Added**: API percentile - direct percentile", {k: a[k] - d[k] for k in a}),
            ("Added, per call: API - its paired direct run", pairs),
        ]
        for name, values in rows:
            lines.append(
                f"| {run.label} | {name} | {values['p50']:.1f} | {values['p95']:.1f} | "
                f"{values['p99']:.1f} |"
            )
    return "\n".join(lines)


PARTS = (
    ("Request sent -> row inserted (HTTP, Django, auth, 3 queries, limiter)", "before_queue_ms"),
    ("Row inserted -> worker claimed it (insert, commit, publish, broker, Celery)", "queued_ms"),
    ("Claimed -> finished (claim, the tool's 2 Notion requests, row update)", "running_ms"),
    ("Finished -> answer received (commit, notify, BLPOP wake, read row, JSON, HTTP)", "after_ms"),
)


def breakdown_table(runs: list[Run]) -> str:
    head = "| Part of an API call | " + " | ".join(f"{run.label}: p50 ms | p95 ms" for run in runs)
    lines = [head + " |", "|---|" + "---:|---:|" * len(runs)]
    for label, name in PARTS:
        cells = []
        for run in runs:
            values = [getattr(s, name) for s in run.samples]
            cells.append(f"{percentile(values, 50):.1f} | {percentile(values, 95):.1f}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    direct = " | ".join(
        f"{percentile([s.direct_ms for s in run.samples], 50):.1f} | "
        f"{percentile([s.direct_ms for s in run.samples], 95):.1f}"
        for run in runs
    )
    lines.append(f"| (for comparison: the direct run, same Notion requests) | {direct} |")
    return "\n".join(lines)


def docs_section(runs: list[Run], *, args, config: StackConfig) -> str:
    verdict = "met" if runs[0].added_p50() <= GOAL_ADDED_P50_MS else "missed"
    what_if = (
        f"; keeping the worker's DB connection: {runs[1].added_p50():.1f} ms"
        if len(runs) > 1
        else ""
    )
    return f"""{SECTION}

{args.calls} sequential `notion_get_page` calls on a small page (a title and three short
paragraphs: two Notion requests, `GET /v1/pages/{{id}}` and `GET /v1/blocks/{{id}}/children`),
each through `POST /api/v1/tool-calls` with `wait: 30` over one keep-alive HTTP connection,
interleaved with the same tool run in the bench process straight against the sandbox with a
plain `NotionClient` (the same Notion requests; no API, no limiter, no database). {args.warmup}
warm-up pairs first; every API answer is checked to equal the direct result. The sandbox runs in
the bench process with its rate limit off; our limiter runs (its Redis round trips count) but is
set too high to pace. Goal: p50 of the added latency <= {GOAL_ADDED_P50_MS:.0f} ms.

- Run: {today()}; {machine()}.
- Settings: {config.describe()}.
- *As configured* is the project as it is. *Keeping its DB connection* is a what-if: Celery's
  Django fix-up closes the worker's PostgreSQL connection before and after every task (unless
  `CELERY_DB_REUSE_MAX` is set), so every task opens a new connection and PostgreSQL forks a
  backend for it; the what-if worker keeps the connection and closes it only when Django would
  for a request (`close_old_connections` on `task_prerun`/`task_postrun`, with
  `CELERY_DB_REUSE_MAX` set so the fix-up stops closing it).
- Other processes (other helpers' test suites) shared the two CPUs; the load average above
  says how much, and every cross-process hop of a call (client, gunicorn, PostgreSQL, Redis,
  Celery, sandbox: about 20 per call) waits longer for a CPU when it is high.

{results_table(runs)}

Goal, as configured (added p50 <= {GOAL_ADDED_P50_MS:.0f} ms): **{verdict}**
({runs[0].added_p50():.1f} ms){what_if}.

Where an API call's time goes, from the call's own `created_at`, `started_at` and
`finished_at` and the client's clock (same machine):

{breakdown_table(runs)}

- *Claimed -> finished* less the direct run is the worker's own database work: the claim
  (`SELECT … FOR UPDATE`, `UPDATE`, commit), the final `UPDATE` and, as configured, a new
  PostgreSQL connection for every task (Celery's fix-up closed the previous one).
- The other three parts are the hops between processes (client, gunicorn, PostgreSQL, Redis,
  Celery): three SQL reads and one insert before the call is queued, one publish and one
  delivery through Redis, and a `BLPOP` wake-up plus one read of the finished row after.

Command: `uv run --frozen python bench/overhead.py` (`--calls N`, `--pool prefork`,
`--no-what-if`, `--no-docs`).
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--pool", default="threads", choices=["threads", "prefork", "solo"])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--conn-max-age", type=int, default=60)
    parser.add_argument(
        "--no-what-if",
        action="store_true",
        help="skip the second run with workers that keep their database connection",
    )
    parser.add_argument("--no-docs", action="store_true", help="print only")
    return parser.parse_args()


def run_measure(label: str, direct, api, args) -> Run:
    for _ in range(args.warmup):
        sample_take(direct, api)
    run = Run(label, [sample_take(direct, api) for _ in range(args.calls)])
    print(f"{label}: added p50 {run.added_p50():.1f} ms", file=sys.stderr)
    return run


def main() -> None:
    args = parse_args()
    install_interrupt_handler()
    from integrations.notion.sandbox import ROOT_PAGE_ID, SANDBOX_TOKEN, NotionSandbox

    sandbox = NotionSandbox(port=0, rate_limit=None).start()
    config = StackConfig(
        rate=UNPACED_RATE,
        burst=UNPACED_BURST,
        celery_pool=args.pool,
        celery_concurrency=1 if args.pool == "solo" else args.concurrency,
        conn_max_age=args.conn_max_age,
    )
    stack = Stack(config, sandbox.url)
    try:
        stack.prepare()
        # The bench's own log lines would only clutter the output.
        logging.getLogger("integrations.notion.client").setLevel(logging.WARNING)
        fixtures = fixtures_create({CONNECTION: SANDBOX_TOKEN})
        page_id = page_small_create(sandbox.url, SANDBOX_TOKEN, ROOT_PAGE_ID)
        stack.start()
        direct = _direct_runner(sandbox.url, SANDBOX_TOKEN, page_id)
        api = _api_runner(stack.base_url, fixtures.key, page_id)
        runs = [run_measure("As configured", direct, api, args)]
        if not args.no_what_if:
            stack.workers_restart(keep_db_connection=True)
            runs.append(run_measure("Keeping its DB connection", direct, api, args))
            config.celery_keep_db_connection = False  # the settings line describes run one
        print(results_table(runs), "\n", file=sys.stderr)
        print(breakdown_table(runs), "\n", file=sys.stderr)
        if not args.no_docs:
            docs_section_write(SECTION, docs_section(runs, args=args, config=config))
            print("wrote docs/benchmarks.md", file=sys.stderr)
    finally:
        stack.stop()
        sandbox.stop()


if __name__ == "__main__":
    main()
