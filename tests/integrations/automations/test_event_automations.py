"""Event automations end to end, in-process: a signed delivery, the page read from the sandbox,
the condition, and the run through the tool-call path."""

from datetime import UTC, datetime, timedelta

import pytest

from integrations.models import ActionLog, Automation, WebhookEvent
from integrations.notion.sandbox.seed import (
    BOT_ID,
    TASK_ROW_IDS,
    TASKS_DATABASE_ID,
)
from integrations.services.automations import automation_create
from tests.fixtures.factories import SYSTEM

from .conftest import CLOSING_COMMENT, comments_saying, make_event, status_event
from .conftest import close_on_done as close_on_done_automation

pytestmark = pytest.mark.django_db(transaction=True)

ROW = TASK_ROW_IDS[0]  # seeded as "Not started"
COMMENT = CLOSING_COMMENT


@pytest.fixture
def close_on_done(hooked_connection):
    return close_on_done_automation(hooked_connection)


def _closing_comments(person, page_id):
    return comments_saying(person, page_id)


def test_status_becoming_done_adds_one_comment_even_when_delivered_twice(
    close_on_done, deliver, person
):
    person.set_status(ROW, "Done")
    event = status_event(person, ROW, at=datetime.now(UTC))

    first = deliver.post(event)
    again = deliver.post(event)

    assert first.status_code == 200 and first.json()["result"] == "queued"
    assert again.status_code == 200 and again.json()["result"] == "duplicate"
    assert len(_closing_comments(person, ROW)) == 1
    runs = ActionLog.objects.filter(actor_automation=close_on_done, action__startswith="tool.")
    assert [(r.action, r.status, r.trigger_event_id, r.actor_type) for r in runs] == [
        ("tool.notion_add_comment", "succeeded", event["id"], "automation")
    ]
    assert WebhookEvent.objects.get(event_id=event["id"]).deliveries == 2
    # The page read that checked the condition is audited once, with what it found.
    check = close_on_done.runs.get(action="automation.evaluate")
    assert check.result == {"fired": True, "detail": "Status = 'Done': ran"}
    assert check.trigger_event_id == event["id"] and check.notion_request_ids


def test_out_of_order_events_for_one_change_fire_once(close_on_done, deliver, person):
    start = datetime.now(UTC)
    person.set_status(ROW, "In progress")
    older = status_event(person, ROW, at=start)
    person.set_status(ROW, "Done")
    newer = status_event(person, ROW, at=start + timedelta(seconds=5))

    # Notion delivers the newer event first, then the older one, then the newer again.
    for event in (newer, older, newer):
        assert deliver.post(event).status_code == 200

    assert len(_closing_comments(person, ROW)) == 1
    older_row = WebhookEvent.objects.get(event_id=older["id"])
    assert "newer event for this page" in older_row.detail


def test_each_qualifying_change_fires_and_other_changes_do_not(close_on_done, deliver, person):
    for status in ("In progress", "Done", None, "In progress", "Done"):
        if status is None:  # the title changes while the row stays Done
            event = status_event(person, ROW, at=datetime.now(UTC))
            event["data"]["updated_properties"] = ["title"]
        else:
            person.set_status(ROW, status)
            event = status_event(person, ROW, at=datetime.now(UTC))
        assert deliver.post(event).status_code == 200

    # Not started → In progress → Done (1) → title edit → In progress → Done (2)
    assert len(_closing_comments(person, ROW)) == 2
    assert close_on_done.runs.filter(action__startswith="tool.", status="succeeded").count() == 2


def test_a_flip_back_to_done_seen_late_counts_once_in_either_order(close_on_done, deliver, person):
    person.set_status(ROW, "Done")
    deliver.post(status_event(person, ROW, at=datetime.now(UTC)))
    assert len(_closing_comments(person, ROW)) == 1

    # Done → In progress → Done, both changes made before either event is handled.
    person.set_status(ROW, "In progress")
    away = status_event(person, ROW, at=datetime.now(UTC))
    person.set_status(ROW, "Done")
    back = status_event(person, ROW, at=datetime.now(UTC))
    deliver.post(away)  # read after both changes: the row is Done again, and Status changed
    deliver.post(back)  # already visible in that read: not a second change
    assert len(_closing_comments(person, ROW)) == 2

    # The same again, delivered newest first.
    person.set_status(ROW, "In progress")
    away = status_event(person, ROW, at=datetime.now(UTC))
    person.set_status(ROW, "Done")
    back = status_event(person, ROW, at=datetime.now(UTC))
    deliver.post(back)
    deliver.post(away)
    assert len(_closing_comments(person, ROW)) == 3
    assert close_on_done.runs.filter(action="tool.notion_add_comment").count() == 3


def test_rows_of_another_database_and_other_properties_do_not_fire(close_on_done, deliver, person):
    person.set_status(ROW, "Done")
    elsewhere = status_event(person, ROW, at=datetime.now(UTC))
    elsewhere["data"]["parent"] = {"id": "0" * 8 + "-0000-4000-8000-000000000000", "type": "page"}
    title_only = status_event(person, ROW, at=datetime.now(UTC))
    title_only["data"]["updated_properties"] = ["title"]

    deliver.post(elsewhere)
    deliver.post(title_only)

    # Already Done when first seen and the event changed another property: not a change to Done.
    assert _closing_comments(person, ROW) == []
    assert not close_on_done.runs.filter(action__startswith="tool.").exists()
    check = close_on_done.runs.get(action="automation.evaluate")  # only title_only read the page
    assert check.result == {"fired": False, "detail": "Status = 'Done': condition not met"}


def test_changes_made_by_our_own_integration_are_ignored_unless_asked(
    close_on_done, deliver, person
):
    person.set_status(ROW, "Done")
    own = status_event(person, ROW, at=datetime.now(UTC))
    own["authors"] = [{"id": BOT_ID, "type": "bot"}]
    deliver.post(own)
    assert not close_on_done.runs.exists()

    Automation.objects.filter(pk=close_on_done.pk).update(include_own_changes=True)
    tool_runs = close_on_done.runs.filter(action__startswith="tool.")
    again = status_event(person, ROW, at=datetime.now(UTC) + timedelta(seconds=1))
    again["authors"] = [{"id": BOT_ID, "type": "bot"}]
    deliver.post(again)
    assert tool_runs.count() == 1


def test_a_page_not_shared_fails_the_run_in_words_and_pauses_after_repeated_failures(
    close_on_done, deliver, settings
):
    settings.AUTOMATION_MAX_CONSECUTIVE_FAILURES = 3
    missing = "0badbad0-0000-4000-8000-000000000000"
    for second in range(3):
        event = make_event(
            "page.properties_updated",
            missing,
            timestamp=datetime.now(UTC) + timedelta(seconds=second),
            data={"parent": {"id": TASKS_DATABASE_ID, "type": "database"}},
        )
        assert deliver.post(event).status_code == 200

    close_on_done.refresh_from_db()
    assert close_on_done.consecutive_failures == 3
    assert close_on_done.is_paused and "3 failed runs" in close_on_done.paused_reason
    failure = close_on_done.runs.filter(action="automation.trigger").first()
    assert failure.status == "failed" and "not shared with the integration" in failure.error_message
    assert ActionLog.objects.filter(action="automation.pause").count() == 1

    # Paused: a fourth qualifying event runs nothing.
    later = make_event(
        "page.properties_updated",
        missing,
        timestamp=datetime.now(UTC) + timedelta(seconds=9),
        data={"parent": {"id": TASKS_DATABASE_ID, "type": "database"}},
    )
    deliver.post(later)
    assert close_on_done.runs.filter(action="automation.trigger").count() == 3


def test_an_event_automation_without_condition_runs_once_per_event(
    workspace, hooked_connection, deliver, person
):
    automation = automation_create(
        workspace=workspace,
        connection=hooked_connection,
        name="Greet new rows",
        actor=SYSTEM,
        trigger=Automation.Trigger.EVENT,
        event_types=["page.created"],
        tool_name="notion_add_comment",
        arguments={"page_id": "{event.page_id}", "text": "Welcome, {event.page.title}!"},
    )
    event = make_event(
        "page.created",
        TASK_ROW_IDS[3],
        data={"parent": {"id": TASKS_DATABASE_ID, "type": "database"}},
    )
    deliver.post(event)
    deliver.post(event)

    title = "".join(
        t["plain_text"] for t in person.page(TASK_ROW_IDS[3])["properties"]["Name"]["title"]
    )
    texts = [
        "".join(t["plain_text"] for t in c["rich_text"]) for c in person.comments(TASK_ROW_IDS[3])
    ]
    assert texts.count(f"Welcome, {title}!") == 1
    assert automation.runs.get().trigger_event_id == event["id"]


@pytest.mark.django_db(transaction=False)
def test_an_event_waiting_for_notions_pace_books_its_turn_and_keeps_its_attempts(
    hooked_connection, person, settings
):
    """Found by bench/webhooks.py: waits for the rate limit once counted as failed attempts,
    and behind a backlog events gave up. A wait books a slot and costs no attempt."""
    import time

    from integrations.notion.ratelimit import get_limiter
    from integrations.pacing import connection_limiter_key
    from integrations.services.webhook_events import webhook_event_process
    from integrations.services.webhooks import webhook_event_receive

    settings.NOTION_RATE_LIMIT_PER_SECOND = 1.0
    settings.NOTION_RATE_LIMIT_BURST = 1
    close_on_done_automation(hooked_connection)
    person.set_status(ROW, "Done")
    # Not committed (no transaction=True), so nothing runs it: this test drives it by hand.
    row, _ = webhook_event_receive(
        connection=hooked_connection, event=status_event(person, ROW, at=datetime.now(UTC))
    )
    key = connection_limiter_key(hooked_connection.pk)
    assert get_limiter().acquire(key) == 0  # another call took the connection's only slot

    outcome = webhook_event_process(event_pk=row.pk)

    row.refresh_from_db()
    assert not outcome.done and 0 < outcome.retry_in <= 2.5
    assert (row.status, row.attempts, row.reserved_slots) == ("received", 0, 1)
    assert "waiting" in row.detail
    time.sleep(outcome.retry_in)
    assert webhook_event_process(event_pk=row.pk).done
    row.refresh_from_db()
    assert row.status == "processed" and row.attempts == 1
