"""The whole loop offline: the sandbox subscribes to our endpoint over HTTP, verifies it, and
sends signed deliveries (twice, or held and out of order) for changes a person makes; the
automation comments once per change to Done."""

import time

import pytest

from integrations.models import NotionConnection
from integrations.notion.sandbox.seed import BOT_ID, TASK_ROW_IDS
from tests.fixtures.factories import make_connection

from .conftest import close_on_done, comments_saying

pytestmark = pytest.mark.django_db(transaction=True)

ROW = TASK_ROW_IDS[0]


@pytest.fixture
def loop(workspace, sandbox_settings, notion_sandbox, live_server):
    connection = make_connection(workspace)
    NotionConnection.objects.filter(pk=connection.pk).update(bot_id=BOT_ID)
    automation = close_on_done(connection)
    url = f"{live_server.url}/integrations/notion/webhooks/{connection.pk}/"

    def subscribe(**options):
        return notion_sandbox.webhook_subscribe(url, **options)

    yield connection, automation, subscribe
    notion_sandbox.webhook_unsubscribe()


def _closing_comments(person):
    return comments_saying(person, ROW)


def _settle(sandbox, person, expected, timeout=20.0):
    """Waits for every delivery (the comment's own event included) and for the count."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sandbox.webhook_flush(wait=True)
        if len(_closing_comments(person)) >= expected:
            break
        time.sleep(0.1)
    sandbox.webhook_flush(wait=True)
    return len(_closing_comments(person))


def test_the_handshake_over_http_stores_the_token_notion_sent(loop, notion_sandbox):
    connection, _, subscribe = loop
    subscription = subscribe(duplicate=False)
    connection.refresh_from_db()
    assert connection.webhook_token == subscription["verification_token"]


def test_a_change_to_done_delivered_twice_comments_once(loop, notion_sandbox, person):
    _, automation, subscribe = loop
    subscribe(duplicate=True)

    person.set_status(ROW, "Done")

    assert _settle(notion_sandbox, person, expected=1) == 1
    statuses = [d["status"] for d in notion_sandbox.webhook_deliveries()]
    assert statuses and set(statuses) == {200}
    run = automation.runs.get(action="tool.notion_add_comment")
    assert run.status == "succeeded" and run.trigger_event_id in {
        e["id"] for e in notion_sandbox.webhook_events()
    }


def test_changes_delivered_out_of_order_comment_once_per_change_to_done(
    loop, notion_sandbox, person
):
    _, automation, subscribe = loop
    subscribe(hold=True, reverse=True, duplicate=True)

    person.set_status(ROW, "In progress")
    person.set_status(ROW, "Done")
    # Delivered newest first, each twice: Done, Done, In progress, In progress.
    assert _settle(notion_sandbox, person, expected=1) == 1

    person.set_status(ROW, "In progress")
    time.sleep(0.01)
    person.set_status(ROW, "Done")
    assert _settle(notion_sandbox, person, expected=2) == 2
    assert automation.runs.filter(action="tool.notion_add_comment").count() == 2
