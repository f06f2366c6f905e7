"""Fault proofs on a real worker, real Redis and PostgreSQL, with the sandbox injecting faults:
a broker restart mid-batch, a 30-second Notion outage, a token revoked mid-batch."""

import contextlib
import json
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from integrations.models import ActionLog, NotionConnection
from integrations.notion.sandbox.seed import (
    ROOT_PAGE_ID,
    SANDBOX_TOKEN,
    SCRATCHPAD_PAGE_ID,
    TASKS_DATABASE_ID,
)
from tests.integrations.api.conftest import ApiClient
from tests.proof.conftest import free_port, require_postgres, wait_all_final

pytestmark = [pytest.mark.slow, pytest.mark.redis]

ARTIFACTS = Path(django_settings.BASE_DIR) / "artifacts"
READS = [
    ("notion_get_user", {"user_id": "me"}),
    ("notion_list_users", {"limit": 5}),
    ("notion_get_page", {"page_id": SCRATCHPAD_PAGE_ID}),
    ("notion_search_pages", {"query": "Sandbox", "limit": 3}),
    ("notion_query_database", {"database_id": TASKS_DATABASE_ID, "limit": 3}),
]


def batch(scenario: str, *, reads: int, writes: int) -> list[tuple[str, dict]]:
    """`reads` reads cycling through READS, then `writes` pages with unique titles."""
    calls = [READS[i % len(READS)] for i in range(reads)]
    calls += [
        ("notion_create_page", {"parent_id": ROOT_PAGE_ID, "title": f"{scenario} #{i}"})
        for i in range(writes)
    ]
    return calls


def submit(api: ApiClient, calls) -> list[int]:
    ids = []
    for tool, arguments in calls:
        response = api.call(tool, arguments)
        assert response.status_code in (200, 202), response.content
        ids.append(response.json()["id"])
    return ids


def figures(scenario: str, rows: list[ActionLog], sandbox, **extra) -> dict:
    """What docs/reliability.md reports: calls sent, succeeded, failed, duplicated, lost."""
    writes = [r for r in rows if r.tool_name == "notion_create_page"]
    copies = {r.pk: len(sandbox.state.pages_titled(r.arguments["title"])) for r in writes}
    result = {
        "scenario": scenario,
        "sent": len(rows),
        "succeeded": sum(r.status == "succeeded" for r in rows),
        "failed": sum(r.status == "failed" for r in rows),
        "failed_by_code": _count(r.error_code for r in rows if r.status == "failed"),
        "retried": sum(r.attempts > 1 for r in rows),
        "max_attempts": max((r.attempts for r in rows), default=0),
        "writes": len(writes),
        "writes_deduplicated_after_unknown_outcome": sum(
            bool(r.result.get("deduplicated")) for r in writes
        ),
        "duplicated": sum(max(0, n - 1) for n in copies.values()),
        # A write reported succeeded that is not in Notion, or reported failed that is.
        "lost": sum(
            (r.status == "succeeded" and copies[r.pk] == 0)
            or (r.status == "failed" and copies[r.pk] > 0)
            for r in writes
        )
        + sum(not r.is_final for r in rows),
        **extra,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"reliability-{scenario}.json").write_text(json.dumps(result, indent=2))
    print(f"\nreliability {scenario}: {json.dumps(result)}")
    return result


def _count(values) -> dict:
    out: dict = {}
    for value in values:
        out[value] = out.get(value, 0) + 1
    return out


# --- Redis restarted mid-batch ------------------------------------------------------------


class RedisServer:
    """A redis-server of its own (CI's flags, no persistence) that a test may restart."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.dir = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        return [
            "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1",
            "--port", str(self.port), "--save", "", "--appendonly", "no",
            "--dir", str(self.dir), "--logfile", str(self.dir / "redis.log"),
        ]  # fmt: skip

    def ping(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
        )
        return result.stdout.strip() == "PONG"

    def start(self) -> "RedisServer":
        subprocess.run(self.command(), check=True, capture_output=True)
        deadline = time.monotonic() + 10
        while not self.ping():
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True
        )
        deadline = time.monotonic() + 10
        while self.ping():
            assert time.monotonic() < deadline, "redis-server did not stop"
            time.sleep(0.05)


@contextlib.contextmanager
def everything_on(url: str, settings):
    """Broker, limiter, wait-notifications and cache of this process on `url`."""
    from phinite_notion.celery import app

    saved = app.conf.broker_url
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url = saved
        app._pool = None
        app.amqp._producer_pool = None


def sweep_until_final(ids: list[int], timeout: float) -> tuple[list[ActionLog], int]:
    """What beat does every minute, every second: hand stuck calls back to the queue. Returns
    the rows once final and how many times the sweep re-enqueued one."""
    from integrations.tasks import tool_call_sweep

    requeued = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not ActionLog.objects.filter(pk__in=ids, status__in=["queued", "running"]).exists():
            break
        with contextlib.suppress(Exception):  # the broker may still be coming back
            requeued += tool_call_sweep.apply().get()["requeued"]
        time.sleep(1)
    return wait_all_final(ids, timeout=1), requeued


def _submit_during_outage(key: str, calls) -> list[tuple[int, str, str | None]]:
    """Calls sent while Redis is down: (HTTP status, error code, Retry-After)."""
    from django.test import Client

    api = ApiClient(key)
    api.http = Client(raise_request_exception=False)
    answers = []
    for tool, arguments in calls:
        response = api.call(tool, arguments)
        assert response["Content-Type"].startswith("application/json"), response.content[:200]
        code = response.json().get("error", {}).get("code")
        answers.append((response.status_code, code, response.get("Retry-After")))
    return answers


def test_a_redis_restart_mid_batch_loses_no_call(
    api, notion_sandbox, worker_process_factory, settings, tmp_path
):
    require_postgres()
    redis = RedisServer(tmp_path).start()
    settings.TOOL_CALL_STUCK_AFTER_SECONDS = 5
    try:
        with everything_on(redis.url, settings):
            worker = worker_process_factory(REDIS_URL=redis.url, TOOL_CALL_STUCK_AFTER_SECONDS=5)
            # Every Notion answer takes 0.1 s, so the batch is still running when Redis goes.
            notion_sandbox.inject(path="*", delay=0.1, duration=600)
            ids = submit(api, batch("redis-restart", reads=60, writes=40))
            while (
                ActionLog.objects.filter(pk__in=ids, status__in=["succeeded", "failed"]).count()
                < 20
            ):
                time.sleep(0.05)
            final_before = (
                ActionLog.objects.filter(pk__in=ids)
                .exclude(status__in=["queued", "running"])
                .count()
            )
            redis.stop()
            outage_started = time.monotonic()
            during = _submit_during_outage(api.key, READS[:3])
            time.sleep(max(0.0, 3 - (time.monotonic() - outage_started)))
            redis.start()
            outage = time.monotonic() - outage_started
            rows, requeued = sweep_until_final(ids, timeout=180)
            assert worker.proc.poll() is None, "the worker died instead of reconnecting"
            worker.stop()
    finally:
        redis.stop()
    result = figures(
        "redis-restart",
        rows,
        notion_sandbox,
        final_before_restart=final_before,
        outage_seconds=round(outage, 1),
        requeued_by_the_sweep=requeued,
        refused_during_outage=len(during),
    )
    # Calls sent while Redis was down were refused in the error shape, with when to retry, and
    # nothing was recorded for them.
    assert during == [(503, "temporarily_unavailable", "5")] * len(during)
    assert ActionLog.objects.filter(action__startswith="tool.").count() == len(ids)
    assert requeued > 0  # the restart did lose queued messages: the sweep brought them back
    # Every call reached a final state (sweep_until_final fails otherwise), none twice, none
    # lost. A call caught mid-flight by the restart may end failed (internal_error): see
    # docs/reliability.md.
    assert result["lost"] == 0 and result["duplicated"] == 0


# --- Notion answering 503 / 504 / non-JSON 502 for 30 seconds ------------------------------


def test_a_30_second_notion_outage_retries_reads_and_neither_loses_nor_duplicates_writes(
    api, notion_sandbox, celery_live_worker
):
    require_postgres()
    outage = 30
    for fault in (
        {"path": "/v1/users*", "status": 502},  # an HTML page from a proxy, not JSON
        {"path": f"/v1/pages/{SCRATCHPAD_PAGE_ID}", "method": "GET", "status": 503},
        {"path": "/v1/search", "status": 504},  # a read sent as POST
        {"path": "/v1/databases/*", "status": 502},
        {"path": "/v1/data_sources/*", "status": 503},
        # Writes are applied, then answered 504: the worker can't know whether they landed.
        {"path": "/v1/pages", "method": "POST", "status": 504, "apply": True},
    ):
        notion_sandbox.inject(**fault, duration=outage)
    started = time.monotonic()
    ids = submit(api, batch("notion-outage", reads=30, writes=10))
    rows = wait_all_final(ids, timeout=240)
    refused = sum(1 for e in notion_sandbox.requests if e["status"] >= 500)
    result = figures(
        "notion-outage",
        rows,
        notion_sandbox,
        outage_seconds=outage,
        answered_5xx=refused,
        all_final_after_seconds=round(time.monotonic() - started, 1),
    )
    assert result["lost"] == 0 and result["duplicated"] == 0
    assert result["failed"] == 0, result["failed_by_code"]
    assert result["retried"] == result["sent"]


# --- the token revoked mid-batch ----------------------------------------------------------


def test_a_token_revoked_mid_batch_turns_the_connection_invalid_and_later_calls_fail_fast(
    api, live_connection, notion_sandbox, celery_live_worker
):
    require_postgres()
    notion_sandbox.inject(path="*", delay=0.05, duration=600)
    ids = submit(api, batch("token-revoked", reads=30, writes=10))
    while ActionLog.objects.filter(pk__in=ids, status="succeeded").count() < 8:
        time.sleep(0.02)
    notion_sandbox.revoke(SANDBOX_TOKEN)
    revoked_at = time.time()
    rows = wait_all_final(ids, timeout=60)

    live_connection.refresh_from_db()
    assert live_connection.status == NotionConnection.Status.INVALID
    assert "Rotate token" in live_connection.status_detail
    before = len(notion_sandbox.requests)
    later = [api.call(tool, arguments).json() for tool, arguments in READS]
    assert len(notion_sandbox.requests) == before  # failed fast: nothing reached Notion
    assert {call["status"] for call in later} == {"failed"}
    assert {call["error"]["code"] for call in later} == {"connection_invalid"}
    assert all("admin" in call["error"]["hint"] for call in later)

    failed = [r for r in rows if r.status == "failed"]
    assert failed and {r.error_code for r in failed} <= {"invalid_token", "connection_invalid"}
    assert all(r.attempts <= 1 for r in failed)  # a 401 is never retried
    unauthorized = [e for e in notion_sandbox.requests if e["status"] == 401]
    assert all(e["time"] >= revoked_at for e in unauthorized)
    # Only the calls already in flight on the four worker threads could meet the 401.
    assert len(unauthorized) <= 4
    result = figures(
        "token-revoked",
        rows,
        notion_sandbox,
        answered_401=len(unauthorized),
        later_calls_failed_fast=len(later),
    )
    assert result["lost"] == 0 and result["duplicated"] == 0
