"""The sandbox sends signed Notion webhook deliveries for changes made through its API."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from integrations.notion.sandbox import seed
from integrations.notion.sandbox.webhooks import webhook_signature

from .conftest import paragraph, text

SECRET = "secret_webhook_test_0123456789"
ROW_PARENT = {
    "id": seed.TASKS_DATABASE_ID,
    "type": "database",
    "data_source_id": seed.TASKS_DATA_SOURCE_ID,
}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


class Receiver:
    """A loopback webhook endpoint: records every POST, answers `script` statuses, then 200."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.script: deque[int] = deque()
        self.default_status = 200
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.received.append(
                        {"method": self.command, "headers": dict(self.headers), "raw": raw}
                    )
                    script, default = receiver.script, receiver.default_status
                    status = script.popleft() if script else default
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/notion/webhook"

    def deliveries(self) -> list[dict]:
        """Everything after the handshake, each with its parsed body."""
        with self.lock:
            signed = [r for r in self.received if "X-Notion-Signature" in r["headers"]]
        return [{**r, "event": json.loads(r["raw"])} for r in signed]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    endpoint = Receiver()
    yield endpoint
    endpoint.stop()


@pytest.fixture
def hook(notion_sandbox, receiver):
    """The main integration subscribed to the receiver with a known verification token."""
    return notion_sandbox.webhook_subscribe(receiver.url, verification_token=SECRET)


def _events(notion_sandbox, receiver) -> list[dict]:
    notion_sandbox.webhook_flush()
    return [delivery["event"] for delivery in receiver.deliveries()]


def _single(notion_sandbox, receiver, kind: str) -> dict:
    events = [event for event in _events(notion_sandbox, receiver) if event["type"] == kind]
    assert len(events) == 1, events
    return events[0]


def _ok(response: requests.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def _new_page(api, parent_id: str = seed.SCRATCHPAD_PAGE_ID, title: str = "Hooked") -> dict:
    body = {"parent": {"page_id": parent_id}, "properties": {"title": text(title)}}
    return _ok(api.post("/v1/pages", json=body))


def test_subscribing_posts_the_verification_token_unsigned(notion_sandbox, receiver):
    result = notion_sandbox.webhook_subscribe(receiver.url)
    assert result["verification_token"].startswith("secret_")
    assert result["handshake_status"] == 200
    (handshake,) = receiver.received
    assert handshake["method"] == "POST"
    assert handshake["headers"]["Content-Type"] == "application/json"
    assert "X-Notion-Signature" not in handshake["headers"]
    assert json.loads(handshake["raw"]) == {"verification_token": result["verification_token"]}


def test_deliveries_are_signed_over_the_exact_raw_body(api, notion_sandbox, receiver, hook):
    _new_page(api)
    notion_sandbox.webhook_flush()
    (delivery,) = receiver.deliveries()
    expected = hmac.new(SECRET.encode(), delivery["raw"], hashlib.sha256).hexdigest()
    assert delivery["headers"]["X-Notion-Signature"] == f"sha256={expected}"
    assert delivery["headers"]["Content-Type"] == "application/json"
    assert webhook_signature(SECRET, delivery["raw"]) == f"sha256={expected}"
    assert webhook_signature("secret_other", delivery["raw"]) != f"sha256={expected}"


def test_page_created_carries_the_documented_envelope(api, notion_sandbox, receiver, hook):
    page = _new_page(api)
    event = _single(notion_sandbox, receiver, "page.created")
    assert uuid.UUID(event["id"]).version == 4
    assert TIMESTAMP.match(event["timestamp"])
    assert event["workspace_id"] == seed.WORKSPACE_ID
    assert event["workspace_name"] == seed.WORKSPACE_NAME
    assert event["subscription_id"] == hook["subscription_id"]
    assert event["integration_id"] == seed.BOT_ID
    assert event["authors"] == [{"id": seed.BOT_ID, "type": "bot"}]
    assert event["accessible_by"] == [{"id": seed.BOT_ID, "type": "bot"}]
    assert (event["attempt_number"], event["api_version"]) == (1, "2025-09-03")
    assert event["entity"] == {"id": page["id"], "type": "page"}
    assert event["data"] == {"parent": {"id": seed.SCRATCHPAD_PAGE_ID, "type": "page"}}


def test_a_database_row_names_its_database_and_data_source(api, notion_sandbox, receiver, hook):
    body = {
        "parent": {"data_source_id": seed.TASKS_DATA_SOURCE_ID},
        "properties": {"Name": {"title": text("Hooked task")}},
    }
    row = _ok(api.post("/v1/pages", json=body))
    event = _single(notion_sandbox, receiver, "page.created")
    assert event["entity"] == {"id": row["id"], "type": "page"}
    assert event["data"]["parent"] == ROW_PARENT


def test_properties_updated_lists_exactly_the_changed_property_ids(
    api, notion_sandbox, receiver, hook
):
    row_id = seed.TASK_ROW_IDS[1]
    row = _ok(api.get(f"/v1/pages/{row_id}"))["properties"]
    current = row["Status"]["status"]["name"]
    new_status = "Done" if current != "Done" else "In progress"
    body = {
        "properties": {
            "Status": {"status": {"name": new_status}},
            "Email": {"email": row["Email"]["email"]},  # the same value: not a change
        }
    }
    _ok(api.patch(f"/v1/pages/{row_id}", json=body))
    _ok(api.patch(f"/v1/pages/{row_id}", json=body))  # nothing changes the second time
    event = _single(notion_sandbox, receiver, "page.properties_updated")
    assert event["entity"] == {"id": row_id, "type": "page"}
    assert event["data"] == {"parent": ROW_PARENT, "updated_properties": [row["Status"]["id"]]}


def test_content_changes_name_the_page_and_blocks(api, notion_sandbox, receiver, hook):
    page_id = seed.SCRATCHPAD_PAGE_ID
    appended = _ok(
        api.patch(
            f"/v1/blocks/{page_id}/children",
            json={"children": [paragraph("one"), {"toggle": {"rich_text": text("t")}}]},
        )
    )["results"]
    first, toggle = (block["id"] for block in appended)
    nested = _ok(api.patch(f"/v1/blocks/{toggle}/children", json={"children": [paragraph("n")]}))
    nested_id = nested["results"][0]["id"]
    _ok(api.patch(f"/v1/blocks/{first}", json={"paragraph": {"rich_text": text("uno")}}))
    _ok(api.delete(f"/v1/blocks/{nested_id}"))
    events = _events(notion_sandbox, receiver)
    assert [event["type"] for event in events] == ["page.content_updated"] * 4
    assert {event["entity"]["id"] for event in events} == {page_id}
    assert [event["data"]["updated_blocks"] for event in events] == [
        [{"id": first, "type": "block"}, {"id": toggle, "type": "block"}],
        [{"id": nested_id, "type": "block"}],
        [{"id": first, "type": "block"}],
        [{"id": nested_id, "type": "block"}],
    ]
    assert events[0]["data"]["parent"] == {"id": seed.ROOT_PAGE_ID, "type": "page"}


def test_markdown_insert_is_a_content_update(api, notion_sandbox, receiver, hook):
    page_id = seed.SCRATCHPAD_PAGE_ID
    body = {"type": "insert_content", "insert_content": {"content": "Hello *there*"}}
    _ok(api.patch(f"/v1/pages/{page_id}/markdown", json=body))
    event = _single(notion_sandbox, receiver, "page.content_updated")
    live = [block["id"] for block in notion_sandbox.state.children(page_id)]
    assert event["entity"] == {"id": page_id, "type": "page"}
    assert event["data"]["updated_blocks"] == [{"id": live[-1], "type": "block"}]


def test_trash_and_restore_are_deleted_and_undeleted(api, notion_sandbox, receiver, hook):
    page = _new_page(api)
    _ok(api.patch(f"/v1/pages/{page['id']}", json={"in_trash": True}))
    _ok(api.patch(f"/v1/pages/{page['id']}", json={"in_trash": False}))
    events = _events(notion_sandbox, receiver)
    assert [event["type"] for event in events] == [
        "page.created",
        "page.deleted",
        "page.undeleted",
    ]
    assert {event["entity"]["id"] for event in events} == {page["id"]}
    assert events[1]["data"] == {"parent": {"id": seed.SCRATCHPAD_PAGE_ID, "type": "page"}}


def test_comment_created_on_a_page_and_on_a_block(api, notion_sandbox, receiver, hook):
    page_id = seed.SCRATCHPAD_PAGE_ID
    block_id = _ok(
        api.patch(f"/v1/blocks/{page_id}/children", json={"children": [paragraph("b")]})
    )["results"][0]["id"]
    on_page = _ok(api.post("/v1/comments", json={"parent": {"page_id": page_id}, "markdown": "p"}))
    on_block = _ok(
        api.post("/v1/comments", json={"parent": {"block_id": block_id}, "markdown": "b"})
    )
    comments = [e for e in _events(notion_sandbox, receiver) if e["type"] == "comment.created"]
    assert [(e["entity"], e["data"]) for e in comments] == [
        (
            {"id": on_page["id"], "type": "comment"},
            {"page_id": page_id, "parent": {"id": page_id, "type": "page"}},
        ),
        (
            {"id": on_block["id"], "type": "comment"},
            {"page_id": page_id, "parent": {"id": block_id, "type": "block"}},
        ),
    ]


def test_schema_updated_lists_created_updated_and_deleted_properties(
    api, notion_sandbox, receiver, hook
):
    path = f"/v1/data_sources/{seed.TASKS_DATA_SOURCE_ID}"
    schema = _ok(api.get(path))["properties"]
    body = {
        "properties": {
            "Reviewer": {"people": {}},
            "Notes": {"name": "Details"},
            "Phone": None,
        }
    }
    after = _ok(api.patch(path, json=body))["properties"]
    event = _single(notion_sandbox, receiver, "data_source.schema_updated")
    assert event["entity"] == {"id": seed.TASKS_DATA_SOURCE_ID, "type": "data_source"}
    assert event["data"]["parent"] == {"id": seed.TASKS_DATABASE_ID, "type": "database"}
    changes = sorted(event["data"]["updated_properties"], key=lambda change: change["action"])
    assert changes == [
        {"id": after["Reviewer"]["id"], "name": "Reviewer", "action": "created"},
        {"id": schema["Phone"]["id"], "name": "Phone", "action": "deleted"},
        {"id": schema["Notes"]["id"], "name": "Details", "action": "updated"},
    ]


def test_duplicate_delivers_every_event_twice_with_the_same_id(api, notion_sandbox, receiver):
    notion_sandbox.webhook_subscribe(receiver.url, verification_token=SECRET, duplicate=True)
    _new_page(api)
    first, second = _events(notion_sandbox, receiver)
    assert first == second and first["type"] == "page.created"
    assert len(notion_sandbox.webhook_events()) == 1


def test_held_events_wait_for_flush_and_arrive_newest_first(api, notion_sandbox, receiver):
    notion_sandbox.webhook_subscribe(
        receiver.url, verification_token=SECRET, hold=True, reverse=True
    )
    pages = [_new_page(api, title=f"Held {n}")["id"] for n in range(3)]
    time.sleep(0.2)
    assert receiver.deliveries() == [] and notion_sandbox.webhook_deliveries() == []
    records = notion_sandbox.webhook_flush()
    assert [record["status"] for record in records] == [200, 200, 200]
    assert [event["entity"]["id"] for event in _events(notion_sandbox, receiver)] == pages[::-1]


def test_a_failing_endpoint_gets_redeliveries_with_the_same_id(api, notion_sandbox, receiver):
    notion_sandbox.webhook_subscribe(receiver.url, verification_token=SECRET)
    receiver.script.extend([500, 503])
    _new_page(api)
    notion_sandbox.webhook_flush()
    records, received = notion_sandbox.webhook_deliveries(), receiver.deliveries()
    assert [(r["attempt_number"], r["status"]) for r in records] == [(1, 500), (2, 503), (3, 200)]
    assert [r["event"]["attempt_number"] for r in received] == [1, 2, 3]
    assert len({r["event"]["id"] for r in received}) == 1
    for delivery in received:
        assert delivery["headers"]["X-Notion-Signature"] == webhook_signature(
            SECRET, delivery["raw"]
        )


@pytest.fixture
def quick_retries(notion_sandbox, monkeypatch):
    monkeypatch.setattr(notion_sandbox.webhooks, "backoff", (0.01, 0.01, 0.01))


def test_redelivery_gives_up_after_three_retries(api, notion_sandbox, receiver, quick_retries):
    notion_sandbox.webhook_subscribe(receiver.url, verification_token=SECRET)
    receiver.default_status = 500
    _new_page(api)
    records = notion_sandbox.webhook_flush()
    assert [(r["attempt_number"], r["status"]) for r in records] == [(n, 500) for n in (1, 2, 3, 4)]
    assert all(record["error"] == "HTTP 500" for record in records)


def test_an_unreachable_endpoint_records_the_connection_error(
    api, notion_sandbox, receiver, quick_retries
):
    url = receiver.url
    receiver.stop()
    result = notion_sandbox.webhook_subscribe(url, verification_token=SECRET)
    assert result["handshake_status"] is None
    _new_page(api)
    records = notion_sandbox.webhook_flush()
    assert [record["status"] for record in records] == [None] * 4
    assert records[0]["error"]


def test_faulted_and_failed_requests_emit_nothing(api, notion_sandbox, receiver, hook):
    notion_sandbox.inject(path="/v1/pages", method="POST", status=500)
    notion_sandbox.inject(path="/v1/pages", method="POST", status=504, apply=True)
    body = {"parent": {"page_id": seed.SCRATCHPAD_PAGE_ID}, "properties": {"title": text("F")}}
    assert api.post("/v1/pages", json=body).status_code == 500
    assert api.post("/v1/pages", json=body).status_code == 504
    assert len(notion_sandbox.state.pages_titled("F")) == 1  # the apply fault did write it
    bad = {"parent": {"page_id": seed.SCRATCHPAD_PAGE_ID}, "properties": {"Nope": {}}}
    assert api.post("/v1/pages", json=bad).status_code == 400
    assert _events(notion_sandbox, receiver) == []
    assert notion_sandbox.webhook_events() == []
    _new_page(api)
    assert [event["type"] for event in _events(notion_sandbox, receiver)] == ["page.created"]


def _other_corp_page(api) -> dict:
    body = {"parent": {"page_id": seed.OTHER_ROOT_PAGE_ID}, "properties": {}}
    return _ok(api.post("/v1/pages", token=seed.SANDBOX_OTHER_WORKSPACE_TOKEN, json=body))


def test_another_workspaces_changes_are_not_delivered(api, notion_sandbox, receiver, hook):
    _other_corp_page(api)
    mine = _new_page(api)
    (event,) = _events(notion_sandbox, receiver)
    assert event["entity"]["id"] == mine["id"]


def test_a_subscription_follows_its_own_integrations_workspace(api, notion_sandbox, receiver):
    notion_sandbox.webhook_subscribe(
        receiver.url, token=seed.SANDBOX_OTHER_WORKSPACE_TOKEN, verification_token=SECRET
    )
    _new_page(api)  # Acme Sandbox: not Other Corp's business
    theirs = _other_corp_page(api)
    (event,) = _events(notion_sandbox, receiver)
    assert event["entity"] == {"id": theirs["id"], "type": "page"}
    assert (event["workspace_id"], event["workspace_name"]) == (
        seed.OTHER_WORKSPACE_ID,
        seed.OTHER_WORKSPACE_NAME,
    )
    assert event["integration_id"] == seed.OTHER_BOT_ID
    assert event["data"] == {"parent": {"id": seed.OTHER_ROOT_PAGE_ID, "type": "page"}}


def test_changes_by_another_integration_in_the_workspace_name_it_as_author(
    api, notion_sandbox, receiver, hook
):
    body = {"parent": {"page_id": seed.SCRATCHPAD_PAGE_ID}, "properties": {"title": text("N")}}
    _ok(api.post("/v1/pages", token=seed.SANDBOX_NO_COMMENTS_TOKEN, json=body))
    event = _single(notion_sandbox, receiver, "page.created")
    assert event["authors"] == [{"id": seed.NO_COMMENTS_BOT_ID, "type": "bot"}]
    assert event["integration_id"] == seed.BOT_ID


def test_event_types_filter_and_record_only_subscriptions(api, notion_sandbox):
    notion_sandbox.webhook_subscribe(None, event_types=["page.deleted"])
    page = _new_page(api)
    _ok(api.patch(f"/v1/pages/{page['id']}", json={"in_trash": True}))
    (event,) = notion_sandbox.webhook_events()
    assert (event["type"], event["entity"]["id"]) == ("page.deleted", page["id"])
    assert notion_sandbox.webhook_flush() == []


def test_control_endpoints_subscribe_flush_describe_and_unsubscribe(api, notion_sandbox, receiver):
    control = f"{notion_sandbox.url}/__sandbox__/webhooks"
    created = requests.post(
        control, json={"url": receiver.url, "verification_token": SECRET, "hold": True}, timeout=10
    ).json()
    assert created["verification_token"] == SECRET and created["handshake_status"] == 200
    _new_page(api)
    described = requests.get(control, timeout=10).json()
    assert described["subscriptions"][0]["verification_token"] == f"…{SECRET[-4:]}"
    assert (described["events"], described["deliveries"]) == (1, [])
    flushed = requests.post(f"{control}/flush", json={}, timeout=10).json()["deliveries"]
    assert [(record["type"], record["status"]) for record in flushed] == [("page.created", 200)]
    assert requests.delete(control, timeout=10).json() == {"ok": True}
    assert requests.get(control, timeout=10).json()["subscriptions"] == []
    bad = requests.post(control, json={"url": receiver.url, "bogus": 1}, timeout=10)
    assert bad.status_code == 400


def test_reset_forgets_subscriptions_and_records(api, notion_sandbox, receiver, hook):
    _new_page(api)
    notion_sandbox.webhook_flush()
    assert notion_sandbox.webhook_deliveries()
    notion_sandbox.reset()
    assert notion_sandbox.webhook_events() == [] and notion_sandbox.webhook_deliveries() == []
    _new_page(api)
    assert notion_sandbox.webhook_events() == []
