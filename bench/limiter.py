"""Benchmark: processes sharing Notion connections through RedisRateLimiter, against the sandbox.

Run: `uv run --frozen python bench/limiter.py` (60 s per phase, writes docs/benchmarks.md) or
`... --seconds 5` for a quick look (prints only, unless --docs).
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import platform
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import redis
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._harness import docs_section_write  # noqa: E402
from integrations.notion.ratelimit import RedisRateLimiter  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Rate limiter (bench/limiter.py)"
NOTION_VERSION = "2025-09-03"


@dataclass(frozen=True)
class Phase:
    """One measured run: `processes` processes, each with one thread per connection."""

    name: str
    tokens: tuple[str, ...]
    processes: int


@dataclass(frozen=True)
class Sent:
    connection: int
    sent_at: float
    status: int


# --- Worker side ------------------------------------------------------------------------------


def _call_loop(
    limiter: RedisRateLimiter,
    url: str,
    token: str,
    connection: int,
    start_at: float,
    end_at: float,
    out: list[Sent],
) -> None:
    """Send GET /v1/users/me for one connection whenever the shared limiter allows, until end_at."""
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}", "Notion-Version": NOTION_VERSION}
    key = f"conn-{connection}"
    # Open the keep-alive connection first (an unauthenticated call costs no budget), so the
    # first measured request does not carry the TCP handshake that later ones skip.
    session.get(f"{url}/v1/users/me", headers={"Notion-Version": NOTION_VERSION}, timeout=10)
    time.sleep(max(start_at - time.time(), 0))
    while (now := time.time()) < end_at:
        wait = limiter.acquire(key)
        if wait > 0:
            time.sleep(min(wait, end_at - now))
            continue
        sent_at = time.time()
        response = session.get(f"{url}/v1/users/me", headers=headers, timeout=10)
        out.append(Sent(connection, sent_at, response.status_code))
        if response.status_code in (429, 529):
            # What the real worker does: every process waits out Retry-After.
            limiter.pause(key, float(response.headers.get("Retry-After", "1")))
    session.close()


def _worker(
    redis_url: str,
    prefix: str,
    rate: float,
    burst: int,
    url: str,
    tokens: tuple[str, ...],
    ready,
    go,
    start_at,
    seconds: float,
    results,
) -> None:
    client = redis.Redis.from_url(redis_url)
    limiter = RedisRateLimiter(client, rate=rate, burst=burst, prefix=prefix)
    ready.wait()
    go.wait()
    start = start_at.value
    sent: list[Sent] = []
    threads = [
        threading.Thread(
            target=_call_loop,
            args=(limiter, url, token, index, start, start + seconds, sent),
        )
        for index, token in enumerate(tokens)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put([(s.connection, s.sent_at, s.status) for s in sent])
    client.close()


# --- Driver -----------------------------------------------------------------------------------


def run_phase(phase: Phase, *, args: argparse.Namespace, url: str) -> tuple[float, list[Sent]]:
    ctx = multiprocessing.get_context("spawn")
    ready, go = ctx.Barrier(phase.processes + 1), ctx.Barrier(phase.processes + 1)
    start_at = ctx.Value("d", 0.0)
    results = ctx.Queue()
    prefix = f"bench:rl:{uuid.uuid4().hex[:8]}:"
    worker_args = (args.redis_url, prefix, args.rate, args.burst, url, phase.tokens)
    processes = [
        ctx.Process(
            target=_worker,
            args=(*worker_args, ready, go, start_at, args.seconds, results),
        )
        for _ in range(phase.processes)
    ]
    for process in processes:
        process.start()
    ready.wait(timeout=120)
    start_at.value = time.time() + 0.5
    go.wait(timeout=10)
    sent = [Sent(*row) for _ in processes for row in results.get(timeout=args.seconds + 120)]
    for process in processes:
        process.join(timeout=30)
    _forget(args.redis_url, prefix)
    return start_at.value, sent


def _forget(redis_url: str, prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    for name in client.scan_iter(match=f"{prefix}*"):
        client.delete(name)
    client.close()


def max_in_one_second(times: list[float]) -> int:
    times = sorted(times)
    most, first = 0, 0
    for last, t in enumerate(times):
        while times[first] <= t - 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def summarize(phase: Phase, start: float, sent: list[Sent], args: argparse.Namespace) -> dict:
    seconds = args.seconds
    connections = len(phase.tokens)
    in_window = [s for s in sent if start <= s.sent_at <= start + seconds]
    ok = [s for s in in_window if s.status == 200]
    # The most a connection may send in T seconds starting idle: the full burst, then `rate`.
    allowed_per_connection = (args.burst + args.rate * seconds) / seconds
    per_connection_peak = max(
        max_in_one_second([s.sent_at for s in in_window if s.connection == c])
        for c in range(connections)
    )
    achieved = len(ok) / seconds
    return {
        "phase": phase.name,
        "connections": connections,
        "processes": phase.processes,
        "threads": phase.processes * connections,
        "ok": len(ok),
        "rate_429": sum(1 for s in in_window if s.status in (429, 529)),
        "late_429": sum(1 for s in in_window if s.status in (429, 529) and s.sent_at > start + 2),
        "other": sum(1 for s in in_window if s.status not in (200, 429, 529)),
        "achieved": achieved,
        "allowed": allowed_per_connection * connections,
        "ratio_allowed": achieved / (allowed_per_connection * connections),
        "ratio_rate": achieved / (args.rate * connections),
        "peak_1s": per_connection_peak,
    }


def markdown_table(rows: list[dict], single: dict) -> str:
    lines = [
        "| Phase | Connections | Processes x threads | 200s | 429s (after 2 s) | Achieved req/s | "
        "Allowed req/s | Achieved / allowed | Achieved / rate | Max req in any 1 s "
        "(one connection) | Other statuses |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['phase']} | {row['connections']} | {row['processes']} x "
            f"{row['threads'] // row['processes']} | {row['ok']} | "
            f"{row['rate_429']} ({row['late_429']}) | "
            f"{row['achieved']:.2f} | {row['allowed']:.2f} | {row['ratio_allowed']:.3f} | "
            f"{row['ratio_rate']:.3f} | {row['peak_1s']} | {row['other']} |"
        )
    if len(rows) > 1:
        many = rows[1]
        versus_single = many["achieved"] / (single["achieved"] * many["connections"])
        lines.append("")
        lines.append(
            f"Aggregate of {many['connections']} connections / ({many['connections']} x the "
            f"single connection's achieved rate): **{versus_single:.3f}**."
        )
    return "\n".join(lines)


def machine(redis_url: str) -> str:
    model = "unknown CPU"
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
        model = found.group(1).strip() if found else model
    except OSError:
        pass
    redis_version = redis.Redis.from_url(redis_url).info("server")["redis_version"]
    return (
        f"nproc {len(os.sched_getaffinity(0))}, {model}, "
        f"Python {platform.python_version()}, Redis {redis_version}, "
        f"{platform.system()} {platform.release()}"
    )


def docs_section(args: argparse.Namespace, table: str, about: str) -> str:
    today = datetime.date.today().isoformat()
    return f"""{SECTION}

{args.processes} worker processes share Notion connections through `RedisRateLimiter` (GCRA in
one Lua script on Redis's clock) and call `GET /v1/users/me` on the Notion sandbox, which keeps its
own token bucket per token (rate {args.rate:g}/s, burst {args.burst}) and answers 429 with
Retry-After when it is exceeded. Our limiter runs at the same rate and burst. On a 429 the worker
calls `pause()`, which stops every process for that connection. Phase 1: all processes on one
connection. Phase 2: {args.connections} connections (tokens), each process running one thread per
connection, so every connection is shared by all {args.processes} processes.

- Run: {today}, {args.seconds:g} s per phase; {about}.
- *Allowed* is what a connection may send in T seconds starting idle, (burst + rate x T) / T =
  {(args.burst + args.rate * args.seconds) / args.seconds:.3f} req/s per connection; *Achieved /
  rate* compares with the steady rate alone ({args.rate:g} req/s). Goals: achieved / allowed
  >= 0.97; {args.connections} connections within 5 % of {args.connections} x one connection.
- *Max req in any 1 s* is the most requests one connection sent in any sliding one-second window
  (client send times); the limit allows burst + rate = {args.burst + args.rate:g} in the first
  second, then {args.rate:g}.
- *429s (after 2 s)*: the limiter paces exactly at the sandbox's limit, so a request that
  reaches the sandbox faster than an earlier one (latency jitter; worst right after the opening
  burst, whose requests queue for the CPUs) can arrive a fraction of a millisecond less than an
  interval after it and get a 429 with Retry-After 1 s. The worker pauses the connection; the 429
  costs that one request, not budget, and the refused request leaves the sandbox one slot ahead
  of the limiter, which gives that connection a whole interval of slack afterwards. Pacing
  exactly at a server's limit cannot avoid this; set `NOTION_RATE_LIMIT_*` a little below
  Notion's.

{table}

Command: `uv run --frozen python bench/limiter.py` (`--seconds N` for a quick run).
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase")
    parser.add_argument("--rate", type=float, default=3.0, help="requests/s per connection")
    parser.add_argument("--burst", type=int, default=10, help="burst per connection")
    parser.add_argument("--processes", type=int, default=4, help="worker processes")
    parser.add_argument("--connections", type=int, default=20, help="connections in phase 2")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15",
    )
    parser.add_argument(
        "--docs",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="update docs/benchmarks.md (default: only for runs of 60 s or more)",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    from integrations.notion.sandbox import NotionSandbox
    from integrations.notion.sandbox.seed import SANDBOX_TOKEN

    sandbox = NotionSandbox(port=0, rate_limit=(args.rate, args.burst)).start()
    try:
        # Fresh tokens for phase 2, so no connection starts with a budget phase 1 spent.
        fresh = [f"ntn_bench_{i:02d}_{uuid.uuid4().hex}" for i in range(args.connections)]
        for index, token in enumerate(fresh):
            sandbox.add_token(token, name=f"Bench connection {index}")
        phases = [
            Phase("1 connection", (SANDBOX_TOKEN,), args.processes),
            Phase(f"{args.connections} connections", tuple(fresh), args.processes),
        ]
        rows = []
        for phase in phases:
            print(f"running {phase.name} for {args.seconds:g} s …", file=sys.stderr)
            start, sent = run_phase(phase, args=args, url=sandbox.url)
            rows.append(summarize(phase, start, sent, args))
    finally:
        sandbox.stop()

    table = markdown_table(rows, rows[0])
    about = machine(args.redis_url)
    print(table)
    print(f"\n{about}")
    if args.docs or (args.docs is None and args.seconds >= 60):
        docs_section_write(SECTION, docs_section(args, table, about))
        print(f"updated {DOCS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
