"""Benchmark: a connection with a deep backlog must not slow down another connection's calls.

Starts the Notion sandbox in this process (each token limited to 3 req/s, burst 10, 429 with
Retry-After beyond), a fresh PostgreSQL database `bench_api`, gunicorn and a Celery worker with
our limiter at the same rate. Each scenario has two connections, A and B, with their own tokens:

1. B alone: 30 sequential `notion_get_page` calls with `wait` (A idle).
2. A floods: 1,000 calls without `wait`, as fast as 8 threads in another process can POST them,
   while B makes its 30 sequential calls again.
3. B once more, once A's calls are all queued (A's backlog draining at A's 3 req/s).
Then A is watched until 60 s after its first POST, and the rest of its backlog is dropped (new
workers on an empty broker). Scenario one reads the page's properties only (one Notion request
per call); scenario two reads its content too (two requests per call).

Run: `uv run --frozen python bench/fairness.py` (writes its section of docs/benchmarks.md; add
`--no-docs` to only print, `--only one|two` for one scenario).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
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

SECTION = "## Fairness between connections (bench/fairness.py)"
RATE, BURST = 3.0, 10
GOAL_RATIO = 1.5
# C starts a call every (requests per call / RATE) x 1.2 seconds: under its budget, so its calls
# never wait for a slot of their own and their latency is the service time alone.
C_HEADROOM = 1.2
WARMUP_CALLS = 3


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    content: bool  # read the blocks too: a second Notion request per call
    token_a: str  # fake sandbox tokens, told apart in its log by their last four characters
    token_b: str
    token_c: str

    @property
    def a(self) -> str:
        return f"A{self.key}"

    @property
    def b(self) -> str:
        return f"B{self.key}"

    @property
    def c(self) -> str:
        return f"C{self.key}"

    @property
    def c_spacing(self) -> float:
        return (2 if self.content else 1) / RATE * C_HEADROOM


SCENARIOS = (
    Scenario(
        "1",
        "one request per call (properties)",
        False,
        "ntn_bench_fairness_a1_0000000000000000000000000000000000a1a1",
        "ntn_bench_fairness_b1_0000000000000000000000000000000000b1b1",
        "ntn_bench_fairness_c1_0000000000000000000000000000000000c1c1",
    ),
    Scenario(
        "2",
        "two requests per call (properties and content)",
        True,
        "ntn_bench_fairness_a2_0000000000000000000000000000000000a2a2",
        "ntn_bench_fairness_b2_0000000000000000000000000000000000b2b2",
        "ntn_bench_fairness_c2_0000000000000000000000000000000000c2c2",
    ),
)


@dataclass(frozen=True)
class Probe:
    """One connection's calls during a phase."""

    latencies_ms: list[float]
    statuses: dict[str, int]  # the sandbox's answers to its token during the phase

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies_ms, 95)


@dataclass(frozen=True)
class Phase:
    name: str
    b: Probe  # sequential calls, as fast as B's budget lets them go
    c: Probe  # spaced under C's budget, so its calls never wait for a slot


@dataclass(frozen=True)
class AResult:
    posted: dict[str, int]
    post_seconds: float
    done_window: int
    done_10: int
    sandbox: dict[str, int]
    by_status: dict[str, int]


@dataclass(frozen=True)
class Outcome:
    scenario: Scenario
    phases: list[Phase]
    a: AResult


# --- clients -------------------------------------------------------------------------------------


def _body(connection: str, page_id: str, wait: float, content: bool) -> dict:
    return {
        "connection": connection,
        "tool": "notion_get_page",
        "arguments": {"page_id": page_id, "include_content": content},
        "wait": wait,
    }


def calls_timed(
    base_url: str,
    key: str,
    body: dict,
    *,
    count: int | None = None,
    spacing: float = 0.0,
    stop: threading.Event | None = None,
) -> list[float]:
    """Sequential calls with wait, `count` of them or until `stop`, each starting at least
    `spacing` s after the previous one started. Every call must have finished when it answers."""
    session = api_session(key)
    url = f"{base_url}/api/v1/tool-calls"
    latencies: list[float] = []
    next_at = time.perf_counter()
    while (count is None or len(latencies) < count) and not (stop and stop.is_set()):
        time.sleep(max(0.0, next_at - time.perf_counter()))
        started = time.perf_counter()
        next_at = started + spacing
        response = session.post(url, json=body, timeout=60)
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or response.json()["status"] != "succeeded":
            raise RuntimeError(f"a call did not succeed: {response.status_code} {response.text}")
    return latencies


def flood(base_url: str, key: str, body: dict, count: int, threads: int) -> dict:
    """Runs in its own process, so its HTTP work does not take the GIL from the sandbox: `count`
    calls without wait from `threads` threads. Returns the HTTP statuses and when it ran."""
    local = threading.local()
    url = f"{base_url}/api/v1/tool-calls"

    def send(_index: int) -> int:
        if not hasattr(local, "session"):
            local.session = api_session(key)
        return local.session.post(url, json=body, timeout=60).status_code

    started = time.time()
    with ThreadPoolExecutor(threads) as pool:
        statuses = Counter(str(status) for status in pool.map(send, range(count)))
    return {"statuses": dict(statuses), "started": started, "ended": time.time()}


# --- what happened -------------------------------------------------------------------------------


def sandbox_statuses(sandbox, token: str, since: float, until: float) -> dict[str, int]:
    hint = f"…{token[-4:]}"
    return dict(
        Counter(
            str(entry["status"])
            for entry in sandbox.requests_since(since)
            if entry["token"] == hint and entry["time"] < until
        )
    )


def calls_finished(connection_id: int, since: float, seconds: float) -> int:
    from integrations.models import ActionLog

    start = dt.datetime.fromtimestamp(since, tz=dt.UTC)
    return ActionLog.objects.filter(
        connection_id=connection_id,
        status=ActionLog.Status.SUCCEEDED,
        finished_at__gte=start,
        finished_at__lt=start + dt.timedelta(seconds=seconds),
    ).count()


def calls_by_status(connection_id: int) -> dict[str, int]:
    from django.db.models import Count

    from integrations.models import ActionLog

    rows = (
        ActionLog.objects.filter(connection_id=connection_id, action="tool.notion_get_page")
        .values("status")
        .annotate(n=Count("id"))
    )
    return {row["status"]: row["n"] for row in rows}


# --- one scenario --------------------------------------------------------------------------------


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()))


def scenario_run(scenario: Scenario, *, stack: Stack, sandbox, fixtures, page, args) -> Outcome:
    base, key = stack.base_url, fixtures.key
    b_body = _body(scenario.b, page, 30, scenario.content)
    c_body = _body(scenario.c, page, 30, scenario.content)
    a_body = _body(scenario.a, page, 0, scenario.content)
    refill = BURST / RATE + 1.5  # B's buckets (ours and the sandbox's) full again

    def phase_run(name: str) -> tuple[Phase, float]:
        """B's calls, and C's (spaced) for as long as B's last."""
        since, stop = time.time(), threading.Event()
        with ThreadPoolExecutor(2) as pool:
            c = pool.submit(calls_timed, base, key, c_body, spacing=scenario.c_spacing, stop=stop)
            try:
                b = calls_timed(base, key, b_body, count=args.b_calls)
            finally:
                stop.set()
            c_latencies = c.result()
        ended = time.time()
        phase = Phase(
            name,
            Probe(b, sandbox_statuses(sandbox, scenario.token_b, since, ended + 0.5)),
            Probe(c_latencies, sandbox_statuses(sandbox, scenario.token_c, since, ended + 0.5)),
        )
        print(f"  {name}: B p50 {phase.b.p50:.0f} ms, C p50 {phase.c.p50:.0f} ms", file=sys.stderr)
        return phase, ended

    print(f"scenario {scenario.key}: {scenario.label}", file=sys.stderr)
    # Warm-up: the first calls on a connection (new HTTP connection, first task, caches) are
    # slower and would make "alone" look worse than it is.
    for body in (b_body, c_body):
        calls_timed(base, key, body, count=WARMUP_CALLS)
    time.sleep(refill)
    alone, ended = phase_run("Alone (A idle)")
    _sleep_until(ended + refill)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        pending = pool.apply_async(flood, (base, key, a_body, args.a_calls, args.threads))
        time.sleep(0.5)  # the flood is under way before B starts
        during, ended = phase_run("While A floods the API")
        posted = pending.get(timeout=900)
    a_start = posted["started"]
    _sleep_until(max(ended + refill, posted["ended"]))
    draining, _ = phase_run("While A's backlog drains")
    if time.time() > a_start + args.window:
        print("  warning: B's runs outlasted A's observation window", file=sys.stderr)
    _sleep_until(a_start + args.window + 2)  # + the last calls' commit
    a_id = fixtures.connections[scenario.a]
    result = AResult(
        posted=posted["statuses"],
        post_seconds=posted["ended"] - posted["started"],
        done_window=calls_finished(a_id, a_start, args.window),
        done_10=calls_finished(a_id, a_start, 10),
        sandbox=sandbox_statuses(sandbox, scenario.token_a, a_start, a_start + args.window),
        by_status=calls_by_status(a_id),
    )
    stack.workers_restart()  # drops A's backlog: it would take minutes more
    return Outcome(scenario, [alone, during, draining], result)


# --- report --------------------------------------------------------------------------------------


def _fmt(statuses: dict) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())) or "none"


def ratios(outcome: Outcome) -> list[float]:
    """p95 under load / p95 alone, for B and C in each loaded phase."""
    alone = outcome.phases[0]
    return [
        probe.p95 / base.p95
        for phase in outcome.phases[1:]
        for probe, base in ((phase.b, alone.b), (phase.c, alone.c))
    ]


def _verdict(ratio: float) -> str:
    return "met" if ratio <= GOAL_RATIO else "missed"


def probe_table(outcomes: list[Outcome]) -> str:
    lines = [
        "| Scenario | Phase | B p50 ms | B p95 ms | B max ms | B p95 / alone | C calls "
        "| C p50 ms | C p95 ms | C max ms | C p95 / alone | sandbox to B / C |",
        "|---|---|---:|---:|---:|---|---:|---:|---:|---:|---|---|",
    ]
    for outcome in outcomes:
        alone = outcome.phases[0]
        for phase in outcome.phases:
            b_ratio, c_ratio = phase.b.p95 / alone.b.p95, phase.c.p95 / alone.c.p95
            b_cell = "baseline" if phase is alone else f"{b_ratio:.2f} {_verdict(b_ratio)}"
            c_cell = "baseline" if phase is alone else f"{c_ratio:.2f} {_verdict(c_ratio)}"
            lines.append(
                f"| {outcome.scenario.key} | {phase.name} | {phase.b.p50:.0f} | "
                f"{phase.b.p95:.0f} | {max(phase.b.latencies_ms):.0f} | {b_cell} | "
                f"{len(phase.c.latencies_ms)} | {phase.c.p50:.0f} | {phase.c.p95:.0f} | "
                f"{max(phase.c.latencies_ms):.0f} | {c_cell} | "
                f"{_fmt(phase.b.statuses)} / {_fmt(phase.c.statuses)} |"
            )
    return "\n".join(lines)


def a_table(outcomes: list[Outcome], window: float) -> str:
    head = "| Connection A | " + " | ".join(
        f"Scenario {o.scenario.key}: {o.scenario.label}" for o in outcomes
    )
    lines = [head + " |", "|---|" + "---|" * len(outcomes)]

    def row(label: str, value) -> None:
        lines.append(f"| {label} | " + " | ".join(value(o.a) for o in outcomes) + " |")

    row(
        "1,000 calls POSTed without `wait` (8 threads)",
        lambda a: (
            f"in {a.post_seconds:.1f} s ({sum(a.posted.values()) / a.post_seconds:.0f}/s); "
            f"HTTP {_fmt(a.posted)}"
        ),
    )
    row(
        f"Calls finished in the first {window:.0f} s",
        lambda a: f"**{a.done_window}** ({a.done_window / window:.2f}/s)",
    )
    row("Calls finished in the first 10 s", lambda a: str(a.done_10))
    row(
        f"Calls finished from 10 s to {window:.0f} s",
        lambda a: f"{(a.done_window - a.done_10) / (window - 10):.2f}/s",
    )
    row(
        f"Sandbox answers to A's token in {window:.0f} s",
        lambda a: f"{_fmt(a.sandbox)} ({sum(a.sandbox.values()) / window:.2f} req/s)",
    )
    row("A's calls by status at the end", lambda a: _fmt(a.by_status))
    return "\n".join(lines)


def findings(outcomes: list[Outcome], window: float) -> str:
    """What the tables say, with this run's figures."""
    by_key = {o.scenario.key: o for o in outcomes}
    notes = []
    if "1" in by_key:
        o = by_key["1"]
        drain, flood_ = o.phases[2], o.phases[1]
        notes.append(
            "- *A's backlog costs the other connections nothing*: while hundreds of A's calls "
            "wait in the broker for their booked slots, C's p95 is "
            f"{drain.c.p95 / o.phases[0].c.p95:.2f}x alone and B's "
            f"{drain.b.p95 / o.phases[0].b.p95:.2f}x; A runs at its budget "
            f"({(o.a.done_window - o.a.done_10) / (window - 10):.2f} calls/s after the burst)."
        )
        notes.append(
            "- *Booking costs*: notion_get_page books two slots; reading properties only uses "
            "one, so in scenario 1 A finishes about half the calls its budget would allow. "
            "Booking per call's arguments would recover that."
        )
        notes.append(
            "- *A's flood*: while A POSTs about "
            f"{sum(o.a.posted.values()) / o.a.post_seconds:.0f} calls/s, C's p95 is "
            f"{flood_.c.p95 / o.phases[0].c.p95:.1f}x alone (max {max(flood_.c.latencies_ms):.0f}"
            " ms): the POSTs hold gunicorn's threads and the two CPUs, and nothing limits how "
            "fast one assistant may queue calls. B shows less of it: B's own pacing absorbs "
            "delays shorter than a slot, and its p50 even drops, because calls slowed by the "
            "flood leave B's bucket time to refill."
        )
    if "2" in by_key:
        o = by_key["2"]
        notes.append(
            f"- *Scenario 2: two requests per call*: {o.a.done_window} of A's calls finished in "
            f"{window:.0f} s while the sandbox answered {sum(o.a.sandbox.values())} of A's "
            "requests: every call books the slots it expects (two for notion_get_page) when it "
            "is queued, so a call behind a deep backlog still finishes (an earlier version "
            "booked one slot and starved these calls)."
        )
    notes.append(
        "- Each B run gets one 429: our limiter paces at exactly the sandbox's rate, so one "
        "request right after the burst can arrive a hair early (see the rate limiter section); "
        "its 1 s Retry-After pause is most of B's max when A is idle."
    )
    return "Findings:\n\n" + "\n".join(notes)


def docs_section(outcomes: list[Outcome], *, config: StackConfig, args) -> str:
    b_ok = all(
        phase.b.p95 / o.phases[0].b.p95 <= GOAL_RATIO for o in outcomes for phase in o.phases[1:]
    )
    c_ok = all(r <= GOAL_RATIO for o in outcomes for r in ratios(o))
    return f"""{SECTION}

Three connections with their own tokens; the sandbox limits each token to {RATE:g} req/s with a
burst of {BURST} (429 with Retry-After beyond) and our limiter runs at the same rate and burst.
Every call is `notion_get_page` on a small page; B and C make {WARMUP_CALLS} warm-up calls
each first. Three phases: *alone* (A idle); *while A
floods the API* ({args.a_calls:,} calls on A POSTed without `wait` from {args.threads} threads in
another process, as fast as the server takes them); and *while A's backlog drains* (A's calls
all queued, running at A's budget). In each phase B makes {args.b_calls} sequential calls with
`wait: 30`, as fast as B's own budget lets them go (the first {BURST} at once, then one per
slot, so B's latency is mostly its own pacing, which hides up to a slot interval of slowness
per call), and meanwhile C starts a call every {SCENARIOS[0].c_spacing:.1f} s
({SCENARIOS[1].c_spacing:.1f} s in scenario 2): under its budget, so C never waits for a slot
and its latency is the service time alone. A is watched until {args.window:.0f} s after its
first POST; then the workers are replaced on an empty broker (A's backlog would take minutes
more). Scenario 1 reads properties only (one Notion request per call, so A should finish
about {RATE:g} calls/s); scenario 2 reads the content too (two requests per call: about
{RATE / 2:g} calls/s). Goal: p95 under load within {GOAL_RATIO}x of alone; A near its budget.

- Run: {today()}; {machine()}.
- Settings: {config.describe()}.
- The bench's HTTP clients, the flood process, gunicorn, the worker, PostgreSQL, Redis and the
  sandbox share the two CPUs (and other helpers' test suites may too: see the load average).

{probe_table(outcomes)}

Goal (p95 <= {GOAL_RATIO}x alone in both loaded phases): B (the brief's measure):
**{"met" if b_ok else "missed"}**; C (service time): **{"met" if c_ok else "missed"}**.

{a_table(outcomes, args.window)}

{findings(outcomes, args.window)}

Command: `uv run --frozen python bench/fairness.py` (`--only 1|2`, `--a-calls N`, `--window S`,
`--no-docs`).
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a-calls", type=int, default=1000)
    parser.add_argument("--b-calls", type=int, default=30)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--window", type=float, default=60.0, help="seconds A is watched")
    parser.add_argument("--only", choices=[s.key for s in SCENARIOS], help="one scenario")
    parser.add_argument("--pool", default="threads", choices=["threads", "prefork"])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--no-docs", action="store_true", help="print only")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    install_interrupt_handler()
    from integrations.notion.sandbox import ROOT_PAGE_ID, NotionSandbox

    scenarios = [s for s in SCENARIOS if args.only in (None, s.key)]
    sandbox = NotionSandbox(port=0, rate_limit=(RATE, BURST)).start()
    tokens = {}
    for scenario in scenarios:
        for name, token in (
            (scenario.a, scenario.token_a),
            (scenario.b, scenario.token_b),
            (scenario.c, scenario.token_c),
        ):
            sandbox.add_token(token, name=f"Bench {name}")
            tokens[name] = token
    config = StackConfig(
        rate=RATE, burst=BURST, celery_pool=args.pool, celery_concurrency=args.concurrency
    )
    stack = Stack(config, sandbox.url)
    try:
        stack.prepare()
        fixtures = fixtures_create(tokens)
        page = page_small_create(sandbox.url, scenarios[0].token_a, ROOT_PAGE_ID)
        stack.start()
        sandbox.limiter.reset()
        outcomes = [
            scenario_run(
                scenario, stack=stack, sandbox=sandbox, fixtures=fixtures, page=page, args=args
            )
            for scenario in scenarios
        ]
        print(probe_table(outcomes), "\n", file=sys.stderr)
        print(a_table(outcomes, args.window), "\n", file=sys.stderr)
        if not args.no_docs:
            docs_section_write(SECTION, docs_section(outcomes, config=config, args=args))
            print("wrote docs/benchmarks.md", file=sys.stderr)
    finally:
        stack.stop()
        sandbox.stop()


if __name__ == "__main__":
    main()
