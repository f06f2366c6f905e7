"""Webhook events on a real Celery worker and Redis: the endpoint only stores and queues, the
worker reads the page and runs the automation, once, however often Notion delivers."""

import time
from datetime import UTC, datetime

import pytest

from integrations.models import WebhookEvent
from integrations.notion.sandbox.seed import TASK_ROW_IDS, TASKS_DATA_SOURCE_ID

from .conftest import close_on_done, comments_saying, status_event

pytestmark = [pytest.mark.redis]

ROW = TASK_ROW_IDS[1]  # seeded as "In progress"
COMMENT = "Closed by Phinite (worker)"


def _wait(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_events_are_handled_by_the_worker_once_per_change(
    celery_live_worker, workspace, hooked_connection, deliver, person, notion_sandbox
):
    automation = close_on_done(hooked_connection, scope_id=TASKS_DATA_SOURCE_ID, text=COMMENT)
    person.set_status(ROW, "Done")
    event = status_event(person, ROW, at=datetime.now(UTC))

    answers = [deliver.post(event).json()["result"] for _ in range(3)]

    assert answers == ["queued", "duplicate", "duplicate"]
    assert _wait(
        lambda: automation.runs.filter(action__startswith="tool.", status="succeeded").exists()
    )
    assert _wait(
        lambda: WebhookEvent.objects.get(event_id=event["id"]).status == "processed", timeout=10
    )
    time.sleep(0.5)
    comments = comments_saying(person, ROW, COMMENT)
    assert len(comments) == 1
    run = automation.runs.get(action="tool.notion_add_comment")
    assert (run.actor_type, run.trigger_event_id) == ("automation", event["id"])
