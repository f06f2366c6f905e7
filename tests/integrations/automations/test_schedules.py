"""Scheduled automations: next runs in the automation's time zone across daylight-saving
changes (frozen clock), one run per slot, and missed runs after the scheduler was down."""

from datetime import UTC, datetime

import pytest
import time_machine

from integrations.automations.schedule import ScheduleError, cron_check, next_runs
from integrations.models import ActionLog, Automation
from integrations.notion.sandbox.seed import ROOT_PAGE_ID
from integrations.services.automations import automation_create
from integrations.services.schedules import automations_dispatch_due
from integrations.services.templates import template_create
from tests.fixtures.factories import SYSTEM, make_connection

pytestmark = pytest.mark.django_db(transaction=True)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def weekly(workspace, sandbox_settings):
    connection = make_connection(workspace)
    template_create(
        workspace=workspace,
        name="Weekly review",
        actor=SYSTEM,
        target_id=ROOT_PAGE_ID,
        target_type="page",
        title_pattern="Weekly review {week}",
        body="## Wins\n\n## Next week\n",
    )

    def create():
        return automation_create(
            workspace=workspace,
            connection=connection,
            name="Monday review",
            actor=SYSTEM,
            trigger=Automation.Trigger.CRON,
            cron="0 9 * * 1",
            timezone="Europe/Berlin",
            tool_name="notion_create_page_from_template",
            arguments={"template": "Weekly review", "variables": {"week": "{now:%Y-%m-%d}"}},
        )

    return create


@pytest.mark.parametrize(
    ("frozen", "expected"),
    [
        # Summer time (CEST, UTC+2) until 25 Oct 2026, then winter time (CET, UTC+1).
        (utc(2026, 10, 13, 12), [utc(2026, 10, 19, 7), utc(2026, 10, 26, 8), utc(2026, 11, 2, 8)]),
        # Back to summer time on 28 Mar 2027.
        (utc(2027, 3, 16, 12), [utc(2027, 3, 22, 8), utc(2027, 3, 29, 7), utc(2027, 4, 5, 7)]),
    ],
)
def test_monday_0900_berlin_stays_at_0900_local_across_daylight_saving(weekly, frozen, expected):
    with time_machine.travel(frozen, tick=False):
        automation = weekly()
        assert automation.next_run_at == expected[0]
        assert next_runs(automation, frozen, count=3) == expected


def test_a_due_run_creates_the_page_once(weekly, notion_sandbox):
    with time_machine.travel(utc(2026, 10, 20, 12), tick=False):
        automation = weekly()
    with time_machine.travel(utc(2026, 10, 26, 8, 0, 30)):
        first = automations_dispatch_due()
        second = automations_dispatch_due()

    assert len(first) == 1 and second == []
    run = ActionLog.objects.get(pk=first[0])
    assert (run.status, run.actor_type, run.actor_automation_id) == (
        "succeeded",
        "automation",
        automation.pk,
    )
    assert run.trigger_event_id == "schedule:2026-10-26T08:00:00+00:00"
    assert len(notion_sandbox.state.pages_titled("Weekly review 2026-10-26")) == 1
    automation.refresh_from_db()
    assert automation.next_run_at == utc(2026, 11, 2, 8)
    assert automation.last_run_status == "succeeded"


def test_runs_missed_while_the_scheduler_was_down_run_once_and_are_recorded(weekly, notion_sandbox):
    with time_machine.travel(utc(2026, 10, 20, 12), tick=False):
        automation = weekly()
    # Down from before 26 Oct until 17 Nov: the runs of 26 Oct, 2 Nov, 9 Nov and 16 Nov were due.
    with time_machine.travel(utc(2026, 11, 17, 8, 30)):
        queued = automations_dispatch_due()

    assert len(queued) == 1
    assert ActionLog.objects.get(pk=queued[0]).trigger_event_id == (
        "schedule:2026-11-16T08:00:00+00:00"
    )
    automation.refresh_from_db()
    assert automation.missed_runs == 3
    assert automation.next_run_at == utc(2026, 11, 23, 8)
    missed = ActionLog.objects.get(action="automation.missed")
    assert missed.result["missed"] == 3 and missed.actor_automation_id == automation.pk
    assert len(notion_sandbox.state.pages_titled("Weekly review 2026-11-17")) == 1


def test_disabled_and_paused_automations_are_not_dispatched(weekly):
    with time_machine.travel(utc(2026, 10, 20, 12), tick=False):
        automation = weekly()
    Automation.objects.filter(pk=automation.pk).update(paused_reason="Paused after 5 failed runs")
    with time_machine.travel(utc(2026, 10, 26, 9)):
        assert automations_dispatch_due() == []


def test_interval_schedules_keep_their_rhythm(workspace, sandbox_settings):
    connection = make_connection(workspace)
    with time_machine.travel(utc(2026, 11, 24, 10), tick=False):
        automation = automation_create(
            workspace=workspace,
            connection=connection,
            name="Every 15 minutes",
            actor=SYSTEM,
            trigger=Automation.Trigger.INTERVAL,
            interval_seconds=900,
            tool_name="notion_list_users",
            arguments={},
        )
    assert automation.next_run_at == utc(2026, 11, 24, 10, 15)
    with time_machine.travel(utc(2026, 11, 24, 10, 31), tick=False):
        automations_dispatch_due()
    automation.refresh_from_db()
    # 10:15 was missed, 10:30 ran; the rhythm stays on the quarter hour.
    assert automation.next_run_at == utc(2026, 11, 24, 10, 45)
    assert automation.missed_runs == 1


@pytest.mark.parametrize("bad", ["", "0 9 * *", "61 9 * * 1", "0 9 * * mon tue", "@reboot"])
def test_bad_cron_expressions_are_refused_in_words(bad):
    with pytest.raises(ScheduleError):
        cron_check(bad)


def test_a_locked_connection_row_does_not_make_the_dispatcher_skip_its_automations(
    weekly, workspace
):
    """SKIP LOCKED must look at the automation's row only: a transaction holding the connection
    (a handshake, another dispatcher's run) once made due automations be passed over."""
    import threading

    from django.db import connection as db_connection
    from django.db import transaction

    from integrations.models import NotionConnection
    from tests.proof.conftest import require_postgres

    require_postgres()
    with time_machine.travel(utc(2026, 10, 20, 12), tick=False):
        automation = weekly()
    holding, release = threading.Event(), threading.Event()

    def hold_the_connection_row():
        with transaction.atomic():
            NotionConnection.objects.select_for_update().get(pk=automation.connection_id)
            holding.set()
            release.wait(10)
        db_connection.close()

    holder = threading.Thread(target=hold_the_connection_row)
    holder.start()
    try:
        assert holding.wait(10)
        with time_machine.travel(utc(2026, 10, 26, 8, 1)):
            queued = automations_dispatch_due()
    finally:
        release.set()
        holder.join()
    assert len(queued) == 1
