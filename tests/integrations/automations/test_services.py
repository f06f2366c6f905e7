"""Automation services: every field checked before saving, audit rows, run now, deletion."""

import pytest
from django.core.exceptions import ValidationError

from integrations.models import ActionLog, Automation
from integrations.notion.sandbox.seed import ROOT_PAGE_ID
from integrations.services.automations import (
    AutomationRunRefused,
    automation_create,
    automation_delete,
    automation_run_now,
    automation_set_enabled,
    automation_update,
)
from tests.fixtures.factories import SYSTEM, make_connection

COMMENT_ARGS = {"page_id": ROOT_PAGE_ID, "text": "Daily check-in"}


def _create(workspace, connection, **fields):
    values = {
        "name": "Daily",
        "trigger": Automation.Trigger.CRON,
        "cron": "0 9 * * *",
        "timezone": "UTC",
        "tool_name": "notion_add_comment",
        "arguments": COMMENT_ARGS,
        **fields,
    }
    return automation_create(workspace=workspace, connection=connection, actor=SYSTEM, **values)


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"cron": "0 25 * * *"}, "cron", "not a valid cron"),
        ({"timezone": "Mars/Olympus"}, "timezone", "not a time zone"),
        ({"trigger": "interval", "interval_seconds": 5}, "interval_seconds", "at least 60"),
        ({"trigger": "event", "event_types": []}, "event_types", "at least one"),
        ({"trigger": "event", "event_types": ["page.exploded"]}, "event_types", "Unknown event"),
        (
            {"trigger": "event", "event_types": ["page.created"], "scope_id": "not-an-id"},
            "scope_id",
            "32 hex",
        ),
        (
            {"trigger": "event", "event_types": ["page.created"], "property_value": "Done"},
            "property_name",
            "Name the property",
        ),
        (
            {"trigger": "event", "event_types": ["comment.created"], "property_name": "Status"},
            "property_name",
            "needs a page event",
        ),
        ({"tool_name": "notion_fly"}, "tool_name", "no tool named"),
        ({"arguments": {"text": "hi"}}, "arguments", "page_id"),
        ({"arguments": {"page_id": "{event.page_id}", "text": "x"}}, "arguments", "schedule"),
        ({"arguments": {"page_id": ROOT_PAGE_ID, "text": "{tomorrow}"}}, "arguments", "Unknown"),
    ],
)
def test_bad_settings_are_refused_by_field_and_nothing_is_saved(
    workspace, connection, fields, field, words
):
    with pytest.raises(ValidationError) as caught:
        _create(workspace, connection, **fields)
    assert field in caught.value.message_dict
    assert any(words in m for m in caught.value.message_dict[field])
    assert not Automation.objects.exists()
    assert not ActionLog.objects.filter(action__startswith="automation.").exists()


def test_a_connection_of_another_workspace_is_refused(workspace, other_connection):
    with pytest.raises(ValidationError) as caught:
        _create(workspace, other_connection)
    assert "connection" in caught.value.message_dict


def test_names_are_unique_per_workspace(workspace, connection, other_workspace, other_connection):
    _create(workspace, connection)
    with pytest.raises(ValidationError):
        _create(workspace, connection, name="daily")
    _create(other_workspace, other_connection)  # another tenant may use the name


def test_changes_are_audited_and_the_audit_survives_deletion(workspace, connection):
    automation = _create(workspace, connection)
    automation_update(automation=automation, actor=SYSTEM, cron="30 8 * * 1-5")
    automation_set_enabled(automation=automation, enabled=False, actor=SYSTEM)
    automation.refresh_from_db()
    assert automation.next_run_at is None
    automation_delete(automation=automation, actor=SYSTEM)

    actions = list(
        ActionLog.objects.filter(action__startswith="automation.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "automation.create",
        "automation.update",
        "automation.disable",
        "automation.delete",
    ]
    update = ActionLog.objects.get(action="automation.update")
    assert update.arguments["cron"] == "30 8 * * 1-5"


@pytest.mark.django_db(transaction=True)
def test_run_now_runs_the_action_as_the_automation(workspace, sandbox_settings):
    connection = make_connection(workspace)
    automation = _create(workspace, connection)
    run = automation_run_now(automation=automation, actor=SYSTEM)
    run.refresh_from_db()
    assert (run.status, run.actor_type, run.actor_name) == ("succeeded", "automation", "Daily")
    assert run.trigger_event_id.startswith("manual:")
    automation_delete(automation=automation, actor=SYSTEM)
    run.refresh_from_db()
    assert run.actor_automation is None and run.actor_name == "Daily"


def test_run_now_is_refused_when_the_action_needs_an_event(workspace, connection):
    automation = _create(
        workspace,
        connection,
        trigger="event",
        event_types=["page.created"],
        arguments={"page_id": "{event.page_id}", "text": "New page"},
    )
    with pytest.raises(AutomationRunRefused, match="only a Notion event"):
        automation_run_now(automation=automation, actor=SYSTEM)


def test_enabling_lifts_a_pause_and_resets_the_failure_count(workspace, connection):
    automation = _create(workspace, connection)
    Automation.objects.filter(pk=automation.pk).update(
        paused_reason="Paused after 5 failed runs", consecutive_failures=5, next_run_at=None
    )
    automation = automation_set_enabled(automation=automation, enabled=True, actor=SYSTEM)
    assert not automation.is_paused and automation.consecutive_failures == 0
    assert automation.next_run_at is not None
