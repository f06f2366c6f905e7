"""Tool calls end to end on a real Celery worker, real Redis and the sandbox over HTTP."""

import os
import signal
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection as db_connection

from integrations.models import ActionLog
from integrations.notion.sandbox.seed import ROOT_PAGE_ID, SANDBOX_TOKEN
from tests.integrations.api.conftest import ApiClient

pytestmark = [pytest.mark.redis]


def wait_final(call_id: int, timeout: float = 60.0) -> ActionLog:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = ActionLog.objects.get(pk=call_id)
        if row.is_final:
            return row
        time.sleep(0.1)
    raise AssertionError(f"call {call_id} still {row.status} after {timeout}s: {row.progress}")


def require_postgres():
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI runs this on PostgreSQL")
        pytest.skip("Concurrent requests need PostgreSQL: set DATABASE_URL to run this.")


def test_a_call_flows_queued_running_succeeded(api, notion_sandbox, celery_live_worker):
    notion_sandbox.inject(path="/v1/pages", method="POST", delay=1.5)
    response = api.call("notion_create_page", {"parent_id": ROOT_PAGE_ID, "title": "Flow"})
    assert response.status_code == 202 and response.json()["status"] == "queued"
    call_id = response.json()["id"]
    seen = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = api.get(f"/api/v1/tool-calls/{call_id}").json()["status"]
        seen.add(status)
        if status == "succeeded":
            break
        time.sleep(0.05)
    assert "running" in seen and status == "succeeded"
    body = api.get(f"/api/v1/tool-calls/{call_id}").json()
    page = notion_sandbox.state.page(body["result"]["id"])
    assert page is not None and body["result"]["url"]
    row = ActionLog.objects.get(pk=call_id)
    assert row.status == "succeeded" and body["result"]["id"] in row.result["ids"]
    assert row.started_at and row.finished_at and row.duration_ms >= 1000


def test_wait_returns_the_finished_call(api, celery_live_worker):
    response = api.call("notion_get_user", {"user_id": "me"}, wait=20)
    assert response.status_code == 200 and response.json()["status"] == "succeeded"


def test_invalid_or_forbidden_calls_never_reach_the_queue(
    api, set_access, notion_sandbox, celery_live_worker
):
    before = len(notion_sandbox.requests)
    assert api.call("notion_create_page", {"parent_id": 5}).status_code == 400
    set_access("read")
    assert api.call("notion_create_page", {"parent_id": ROOT_PAGE_ID}).status_code == 403
    time.sleep(1)
    assert len(notion_sandbox.requests) == before
    assert ActionLog.objects.filter(status="rejected").count() == 2


def test_a_429_storm_pauses_the_connection_for_everyone_and_every_call_succeeds(
    api, notion_sandbox, celery_live_worker, workspace, assistant
):
    from tests.fixtures.factories import make_connection

    other = make_connection(workspace, name="Second", assignments={assistant: "full"})
    notion_sandbox.inject(path="*", status=429, retry_after=2, count=3, token=SANDBOX_TOKEN)
    # Both connections share the token, so the pause must be keyed by connection: the sandbox
    # answers 429 for whichever asks first.
    calls = [api.call("notion_get_page", {"page_id": ROOT_PAGE_ID}).json()["id"] for _ in range(8)]
    rows = [wait_final(c) for c in calls]
    assert [r.status for r in rows] == ["succeeded"] * 8
    assert sum(r.rate_limited_count for r in rows) >= 1
    log = notion_sandbox.requests
    refusals = [e["time"] for e in log if e["status"] == 429]
    assert refusals
    # After each refusal nobody on that connection asks again until Retry-After has passed
    # (requests already in flight when the refusal came back are allowed a short grace).
    for refused_at in refusals:
        during = [e for e in log if refused_at + 0.25 < e["time"] < refused_at + 1.9]
        assert during == [], during
    # Workers were free during the pause: a call on another connection finished meanwhile.
    other_call = api.call("notion_get_user", {"user_id": "me"}, connection=other.pk).json()
    assert wait_final(other_call["id"]).status == "succeeded"


def test_a_timeout_after_the_write_landed_does_not_duplicate_the_page(
    api, notion_sandbox, celery_live_worker
):
    notion_sandbox.inject(path="/v1/pages", method="POST", status=504, apply=True)
    call = api.call(
        "notion_create_page", {"parent_id": ROOT_PAGE_ID, "title": "Exactly once (504)"}
    ).json()
    row = wait_final(call["id"])
    assert row.status == "succeeded"
    assert row.attempts == 2 and row.result.get("deduplicated") is True
    assert len(notion_sandbox.state.pages_titled("Exactly once (504)")) == 1


def test_a_read_timeout_after_the_write_landed_does_not_duplicate_the_page(
    api, notion_sandbox, celery_live_worker, settings
):
    settings.NOTION_READ_TIMEOUT = 1.0
    notion_sandbox.inject(path="/v1/pages", method="POST", delay=2.5)
    call = api.call(
        "notion_create_page", {"parent_id": ROOT_PAGE_ID, "title": "Exactly once (timeout)"}
    ).json()
    row = wait_final(call["id"])
    assert row.status == "succeeded", (row.error_code, row.error_message)
    assert len(notion_sandbox.state.pages_titled("Exactly once (timeout)")) == 1


def test_an_idempotency_key_replayed_ten_times_concurrently_runs_once(
    api, notion_sandbox, celery_live_worker
):
    require_postgres()
    args = {"parent_id": ROOT_PAGE_ID, "title": "Concurrent once"}
    results, errors = [], []

    def replay():
        try:
            response = ApiClient(api.key).call("notion_create_page", args, idempotency_key="same")
            results.append((response.status_code, response.json()["id"]))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=replay) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(results) == 10
    assert len({call_id for _, call_id in results}) == 1
    wait_final(results[0][1])
    assert ActionLog.objects.filter(idempotency_key="same").count() == 1
    assert len(notion_sandbox.state.pages_titled("Concurrent once")) == 1


def test_a_worker_killed_mid_create_page_ends_succeeded_with_exactly_one_page(
    api, notion_sandbox, worker_process_factory
):
    require_postgres()
    worker = worker_process_factory(TOOL_CALL_LEASE_SECONDS=4)
    # The sandbox holds the request for 3 s, then applies it: the worker dies meanwhile.
    notion_sandbox.inject(path="/v1/pages", method="POST", delay=3)
    call = api.call(
        "notion_create_page", {"parent_id": ROOT_PAGE_ID, "title": "Survives SIGKILL"}
    ).json()
    deadline = time.monotonic() + 20
    while ActionLog.objects.get(pk=call["id"]).status != "running":
        assert time.monotonic() < deadline, "the call never started"
        time.sleep(0.05)
    time.sleep(0.5)
    children = worker.pool_child_pids()
    assert children
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    row = wait_final(call["id"], timeout=90)
    assert row.status == "succeeded", (row.error_code, row.error_message)
    assert row.attempts >= 2
    assert len(notion_sandbox.state.pages_titled("Survives SIGKILL")) == 1


def test_calls_needing_several_requests_finish_behind_a_backlog_on_their_connection(
    api, notion_sandbox, celery_live_worker, settings
):
    # 20 requests a second, no burst: 30 get_page calls (2 requests each) queue ~3 s deep. Each
    # call books all the slots it needs when queued, so none is starved by those behind it.
    settings.NOTION_RATE_LIMIT_PER_SECOND = 20.0
    settings.NOTION_RATE_LIMIT_BURST = 1
    calls = [
        api.call("notion_get_page", {"page_id": ROOT_PAGE_ID, "max_chars": 1000}).json()["id"]
        for _ in range(30)
    ]
    rows = [wait_final(c, timeout=60) for c in calls]
    assert [r.status for r in rows] == ["succeeded"] * 30
    requests = [e["time"] for e in notion_sandbox.requests]
    # And the connection kept its pace. Booked slots go out when the worker wakes the call, so
    # scheduling jitter can bunch a few; over any 3 s window the count stays within the rate
    # plus a few calls' bookings (Notion's own budget is per 60-second window).
    for i, start in enumerate(requests):
        assert sum(1 for t in requests[i:] if t < start + 3.0) <= 20 * 3 + 12
