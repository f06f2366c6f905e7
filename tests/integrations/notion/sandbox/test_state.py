"""Sandbox lifecycle: reset, save/load, the request log, control endpoints, the command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from integrations.notion.sandbox import NotionSandbox, seed
from integrations.notion.sandbox.control import control_handle

from .conftest import Api, text

PROJECT = Path(__file__).resolve().parents[4]


def _create(api, title: str) -> str:
    response = api.post(
        "/v1/pages",
        json={"parent": {"page_id": seed.SCRATCHPAD_PAGE_ID}, "properties": {"title": text(title)}},
    )
    return response.json()["id"]


def test_reset_restores_the_seed_and_clears_faults_and_log(api, notion_sandbox):
    _create(api, "Temporary")
    api.patch(f"/v1/pages/{seed.ROOT_PAGE_ID}", json={"in_trash": True})
    notion_sandbox.inject(path="*", status=500, count=None)
    notion_sandbox.reset()
    assert notion_sandbox.state.pages_titled("Temporary") == []
    assert notion_sandbox.requests == []
    assert api.get(f"/v1/pages/{seed.ROOT_PAGE_ID}").json()["in_trash"] is False


def test_reset_through_the_control_endpoint(api, notion_sandbox):
    _create(api, "Temporary")
    assert requests.post(f"{notion_sandbox.url}/__sandbox__/reset", timeout=5).status_code == 200
    assert notion_sandbox.state.pages_titled("Temporary") == []


def test_seed_is_deterministic():
    first, second = NotionSandbox(rate_limit=None), NotionSandbox(rate_limit=None)
    assert first.state.to_json() == second.state.to_json()
    assert len(first.state.data_sources[seed.TASKS_DATA_SOURCE_ID]["rows"]) == seed.TASK_ROW_COUNT


def test_state_survives_a_save_and_load(tmp_path, api, notion_sandbox):
    page_id = _create(api, "Persisted")
    target = tmp_path / "state.json"
    notion_sandbox.save(target)
    with NotionSandbox(state_file=target, rate_limit=None) as restored:
        client = Api(restored.url)
        page = client.get(f"/v1/pages/{page_id}").json()
        assert page["properties"]["title"]["title"][0]["plain_text"] == "Persisted"
        assert client.get(f"/v1/pages/{seed.PRIVATE_PAGE_ID}").status_code == 404
        _create(client, "Made after loading")
    reloaded = NotionSandbox(state_file=target, rate_limit=None)
    assert reloaded.state.pages_titled("Made after loading")


def test_request_log_records_calls_without_tokens(api, notion_sandbox):
    started = time.time()
    api.get("/v1/users/me")
    api.get("/v1/invalid")
    entries = notion_sandbox.requests
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("GET", "/v1/users/me", 200),
        ("GET", "/v1/invalid", 400),
    ]
    assert entries[0]["token"] == "…0001"
    assert seed.SANDBOX_TOKEN not in str(entries)
    counted = requests.get(
        f"{notion_sandbox.url}/__sandbox__/requests?since={started}", timeout=5
    ).json()
    assert counted["count"] == 2 and counted["by_status"] == {"200": 1, "400": 1}


def test_stats_report_objects_and_settings(notion_sandbox):
    stats = requests.get(f"{notion_sandbox.url}/__sandbox__/stats", timeout=5).json()
    assert stats["objects"]["pages"] >= seed.TASK_ROW_COUNT
    assert stats["rate_limit"]["rate"] is None and stats["query_cap"] == 10_000


def test_control_endpoints_refuse_other_machines(notion_sandbox):
    status, _ = control_handle(notion_sandbox, "POST", "/__sandbox__/reset", "", b"", "10.1.2.3")
    assert status == 403


def test_twenty_concurrent_clients_all_get_answers(notion_sandbox):
    statuses: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        client = Api(notion_sandbox.url)
        for _ in range(10):
            code = client.post(
                f"/v1/data_sources/{seed.TASKS_DATA_SOURCE_ID}/query", json={"page_size": 10}
            ).status_code
            with lock:
                statuses.append(code)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 200


def test_management_command_serves_until_stopped_and_saves_state(tmp_path):
    state_file = tmp_path / "sandbox.json"
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "notion_sandbox",
            "--port",
            "0",
            "--no-rate-limit",
            "--state",
            str(state_file),
        ],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        first = process.stdout.readline()
        assert first.startswith("Notion sandbox listening on http://127.0.0.1:"), first
        url = first.split()[4]
        banner = [process.stdout.readline() for _ in range(3)]
        assert any(seed.SANDBOX_TOKEN in line for line in banner), banner
        client = Api(url)
        assert client.get("/v1/users/me").json()["name"] == seed.INTEGRATION_NAME
        _create(client, "Saved by the command")
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert "state saved" in output
    assert NotionSandbox(state_file=state_file).state.pages_titled("Saved by the command")
