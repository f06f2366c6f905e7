"""Fixtures for automations: a connection on the sandbox with a verified webhook, and a way to
change Notion as a person would (another integration, so it is not our own change)."""

import json
import uuid
from datetime import UTC, datetime

import pytest
import requests

from integrations.automations.events import signature_for
from integrations.automations.examples import CLOSING_COMMENT, close_finished_tasks
from integrations.notion.sandbox.seed import (
    BOT_ID,
    SANDBOX_LEGACY_TOKEN,
    TASKS_DATA_SOURCE_ID,
    TASKS_DATABASE_ID,
    WORKSPACE_ID,
)
from integrations.services.webhooks import webhook_verification_receive
from tests.fixtures.factories import SYSTEM, make_connection

WEBHOOK_TOKEN = "secret_webhook_verification_0123456789abcdef"


def close_on_done(connection, *, scope_id=TASKS_DATABASE_ID, text=CLOSING_COMMENT):
    """The issue's example: when a row of the Tasks database gets Status = Done, comment."""
    return close_finished_tasks(connection, actor=SYSTEM, scope_id=scope_id, text=text)


def comments_saying(person, page_id, text=CLOSING_COMMENT) -> list[dict]:
    return [
        c
        for c in person.comments(page_id)
        if "".join(t["plain_text"] for t in c["rich_text"]) == text
    ]


@pytest.fixture
def hooked_connection(workspace, sandbox_settings):
    """The sandbox's full-access integration, with Notion's verification token received."""
    connection = make_connection(workspace)
    connection.bot_id = BOT_ID
    connection.save(update_fields=["bot_id"])
    webhook_verification_receive(connection=connection, token=WEBHOOK_TOKEN)
    connection.refresh_from_db()
    return connection


class Deliverer:
    def __init__(self, client, connection):
        self.client = client
        self.connection = connection

    @property
    def url(self) -> str:
        return f"/integrations/notion/webhooks/{self.connection.pk}/"

    def post(self, event, *, token=WEBHOOK_TOKEN, signature=None, raw=None):
        body = raw if raw is not None else json.dumps(event).encode()
        headers = {}
        if signature is None:
            headers["HTTP_X_NOTION_SIGNATURE"] = signature_for(token, body)
        elif signature is not False:
            headers["HTTP_X_NOTION_SIGNATURE"] = signature
        return self.client.post(self.url, data=body, content_type="application/json", **headers)


@pytest.fixture
def deliver(client, hooked_connection) -> Deliverer:
    return Deliverer(client, hooked_connection)


def make_event(kind, entity_id, *, data=None, timestamp=None, author=None, event_id=None):
    return {
        "id": event_id or str(uuid.uuid4()),
        "timestamp": (timestamp or datetime.now(UTC)).isoformat().replace("+00:00", "Z"),
        "workspace_id": WORKSPACE_ID,
        "workspace_name": "Acme Sandbox",
        "subscription_id": str(uuid.uuid4()),
        "integration_id": BOT_ID,
        "type": kind,
        "authors": [{"id": author or str(uuid.uuid4()), "type": "person"}],
        "attempt_number": 1,
        "api_version": "2025-09-03",
        "entity": {"id": entity_id, "type": "comment" if kind.startswith("comment") else "page"},
        "data": data or {},
    }


def status_event(person, page_id, *, at=None, event_id=None):
    """Notion's page.properties_updated event for a change of the Tasks row's Status."""
    status_id = person.page(page_id)["properties"]["Status"]["id"]
    return make_event(
        "page.properties_updated",
        page_id,
        timestamp=at,
        event_id=event_id,
        data={
            "parent": {
                "id": TASKS_DATABASE_ID,
                "type": "database",
                "data_source_id": TASKS_DATA_SOURCE_ID,
            },
            "updated_properties": [status_id],
        },
    )


class PersonInNotion:
    """Changes pages through the sandbox's API as another integration of the same workspace."""

    def __init__(self, base_url):
        self.base = f"{base_url}/v1"
        self.headers = {
            "Authorization": f"Bearer {SANDBOX_LEGACY_TOKEN}",
            "Notion-Version": "2025-09-03",
        }

    def page(self, page_id) -> dict:
        return requests.get(f"{self.base}/pages/{page_id}", headers=self.headers, timeout=10).json()

    def set_status(self, page_id, name) -> dict:
        response = requests.patch(
            f"{self.base}/pages/{page_id}",
            json={"properties": {"Status": {"status": {"name": name}}}},
            headers=self.headers,
            timeout=10,
        )
        response.raise_for_status()
        return response.json()

    def comments(self, page_id) -> list[dict]:
        response = requests.get(
            f"{self.base}/comments", params={"block_id": page_id}, headers=self.headers, timeout=10
        )
        return response.json()["results"]


@pytest.fixture
def person(notion_sandbox) -> PersonInNotion:
    return PersonInNotion(notion_sandbox.url)
