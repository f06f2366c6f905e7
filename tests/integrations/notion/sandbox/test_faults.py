"""Fault injection, apply-then-fail writes, and the per-token rate limit."""

from __future__ import annotations

import time

import pytest
import requests

from integrations.notion.sandbox import seed

from .conftest import text

ME = "/v1/users/me"


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (500, "internal_server_error"),
        (503, "service_unavailable"),
        (504, "gateway_timeout"),
        (409, "conflict_error"),
    ],
)
def test_injected_error_answers_once_with_notions_body(api, notion_sandbox, status, code):
    notion_sandbox.inject(path=ME, status=status)
    failed = api.get(ME)
    assert failed.status_code == status
    assert failed.json()["object"] == "error" and failed.json()["code"] == code
    assert failed.headers["x-notion-request-id"] == failed.json()["request_id"]
    assert api.get(ME).status_code == 200


def test_bad_gateway_is_an_html_page(api, notion_sandbox):
    notion_sandbox.inject(path=ME, status=502)
    response = api.get(ME)
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert "502 Bad Gateway" in response.text
    with pytest.raises(ValueError):
        response.json()


def test_overload_and_rate_limit_faults_carry_retry_after(api, notion_sandbox):
    notion_sandbox.inject(path=ME, status=529, retry_after=7)
    notion_sandbox.inject(path=ME, status=429, retry_after=3)
    overloaded, limited = api.get(ME), api.get(ME)
    assert (overloaded.status_code, overloaded.json()["code"]) == (529, "service_overload")
    assert overloaded.headers["Retry-After"] == "7"
    assert (limited.status_code, limited.json()["code"]) == (429, "rate_limited")
    assert limited.headers["Retry-After"] == "3"
    assert "rate_limit_reason" in limited.json()["additional_data"]


def test_slow_answers_outlast_a_short_client_timeout(api, notion_sandbox):
    notion_sandbox.inject(path=ME, delay=1.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(
            notion_sandbox.url + ME,
            timeout=0.2,
            headers={
                "Authorization": f"Bearer {seed.SANDBOX_TOKEN}",
                "Notion-Version": "2025-09-03",
            },
        )
    assert api.get(ME).status_code == 200


def test_dropped_connections_get_no_answer(api, notion_sandbox):
    notion_sandbox.inject(path=ME, drop=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        api.get(ME)
    assert notion_sandbox.requests[-1]["status"] == 0
    assert api.get(ME).status_code == 200


@pytest.mark.parametrize("failure", [{"status": 504}, {"drop": True}])
def test_apply_then_fail_performs_the_write_before_failing(api, notion_sandbox, failure):
    notion_sandbox.inject(path="/v1/pages", method="POST", apply=True, **failure)
    body = {"parent": {"page_id": seed.SCRATCHPAD_PAGE_ID}, "properties": {"title": text("Once")}}
    if failure.get("drop"):
        with pytest.raises(requests.exceptions.ConnectionError):
            api.post("/v1/pages", json=body)
    else:
        assert api.post("/v1/pages", json=body).status_code == 504
    assert len(notion_sandbox.state.pages_titled("Once")) == 1


def test_faults_match_method_path_and_token(api, notion_sandbox):
    notion_sandbox.inject(path="/v1/pages/*", method="PATCH", status=500, count=None)
    notion_sandbox.inject(path=ME, status=503, token=seed.SANDBOX_LEGACY_TOKEN)
    assert api.get(f"/v1/pages/{seed.ROOT_PAGE_ID}").status_code == 200
    assert api.patch(f"/v1/pages/{seed.ROOT_PAGE_ID}", json={}).status_code == 500
    assert api.patch(f"/v1/pages/{seed.ROOT_PAGE_ID}", json={}).status_code == 500
    assert api.get(ME).status_code == 200
    assert api.get(ME, token=seed.SANDBOX_LEGACY_TOKEN).status_code == 503


def test_fault_count_covers_the_next_n_requests(api, notion_sandbox):
    notion_sandbox.inject(path=ME, status=503, count=2)
    assert [api.get(ME).status_code for _ in range(3)] == [503, 503, 200]


def test_fault_duration_ends_by_itself(api, notion_sandbox):
    notion_sandbox.inject(path=ME, status=503, duration=0.3)
    assert [api.get(ME).status_code for _ in range(3)] == [503, 503, 503]
    time.sleep(0.4)
    assert api.get(ME).status_code == 200


def test_faults_through_control_endpoints(api, notion_sandbox):
    control = f"{notion_sandbox.url}/__sandbox__/faults"
    added = requests.post(control, json={"path": ME, "status": 500, "count": None}, timeout=5)
    assert added.status_code == 200 and added.json()["faults"][0]["status"] == 500
    assert api.get(ME).status_code == 500
    assert len(requests.get(control, timeout=5).json()["faults"]) == 1
    requests.delete(control, timeout=5)
    assert api.get(ME).status_code == 200
    invalid = requests.post(control, json={"path": ME, "status": 418}, timeout=5)
    assert invalid.status_code == 400


def test_rate_limit_answers_429_with_retry_after_per_token(api, notion_sandbox):
    notion_sandbox.set_rate_limit(0.1, burst=3)
    statuses = [api.get(ME).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api.get(ME)
    assert limited.json()["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["additional_data"]["rate_limit_reason"]
    assert api.get(ME, token=seed.SANDBOX_LEGACY_TOKEN).status_code == 200


def test_rate_limit_can_be_switched_through_the_control_endpoint(api, notion_sandbox):
    control = f"{notion_sandbox.url}/__sandbox__/rate_limit"
    requests.post(control, json={"rate": 0.1, "burst": 1}, timeout=5)
    assert [api.get(ME).status_code for _ in range(2)] == [200, 429]
    requests.post(control, json={"enabled": False}, timeout=5)
    assert [api.get(ME).status_code for _ in range(5)] == [200] * 5
