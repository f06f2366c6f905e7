"""Every service writes exactly one audit row, and audit rows outlive what they point at."""

import pytest
from django.core.exceptions import ValidationError

from assistants import services as assistant_services
from integrations import services
from integrations.audit import Actor
from integrations.models import ActionLog, NotionConnection
from tests.fixtures.factories import IDENTITY, make_connection

ACTOR = Actor.system("tests")


def _one_new_row(before: int, action: str) -> ActionLog:
    rows = ActionLog.objects.order_by("-id")[: ActionLog.objects.count() - before]
    assert [r.action for r in rows] == [action]
    return rows[0]


@pytest.mark.parametrize(
    "action, call",
    [
        (
            "connection.update",
            lambda c, a: services.connection_update(connection=c, name="Renamed", actor=ACTOR),
        ),
        (
            "connection.disable",
            lambda c, a: services.connection_set_enabled(connection=c, enabled=False, actor=ACTOR),
        ),
        (
            "connection.enable",
            lambda c, a: services.connection_set_enabled(connection=c, enabled=True, actor=ACTOR),
        ),
        ("connection.delete", lambda c, a: services.connection_delete(connection=c, actor=ACTOR)),
        (
            "assistant.rotate_key",
            lambda c, a: assistant_services.assistant_rotate_key(assistant=a, actor=ACTOR),
        ),
        (
            "assistant.deactivate",
            lambda c, a: assistant_services.assistant_deactivate(assistant=a, actor=ACTOR),
        ),
        (
            "assistant.update",
            lambda c, a: assistant_services.assistant_update(
                assistant=a, name="Helper 2", actor=ACTOR
            ),
        ),
        (
            "assistant.delete",
            lambda c, a: assistant_services.assistant_delete(assistant=a, actor=ACTOR),
        ),
        (
            "assignment.update",
            lambda c, a: assistant_services.assignment_set(
                assistant=a, connection=c, access="full", actor=ACTOR
            ),
        ),
        (
            "assignment.delete",
            lambda c, a: assistant_services.assignment_delete(
                assignment=c.assignments.get(), actor=ACTOR
            ),
        ),
        (
            "template.create",
            lambda c, a: services.template_create(
                workspace=c.workspace, name="Weekly", body="# {title}", actor=ACTOR
            ),
        ),
    ],
)
def test_each_service_writes_exactly_one_audit_row(connection, assistant, action, call):
    before = ActionLog.objects.count()
    call(connection, assistant)
    row = _one_new_row(before, action)
    assert row.status == ActionLog.Status.SUCCEEDED
    assert row.actor_name == "tests"
    assert row.workspace == connection.workspace


def test_connection_create_writes_one_row_with_its_assignments(workspace, assistant):
    before = ActionLog.objects.count()
    connection = make_connection(workspace, name="Docs", assignments={assistant: "read"})
    row = _one_new_row(before, "connection.create")
    assert row.connection == connection
    assert row.arguments["assistants"] == [{"assistant": "Helper", "access": "read"}]
    assert row.result["notion_workspace"] == IDENTITY.notion_workspace_name


def test_assistant_create_writes_one_row_without_the_key(workspace):
    before = ActionLog.objects.count()
    _, key = assistant_services.assistant_create(workspace=workspace, name="New", actor=ACTOR)
    row = _one_new_row(before, "assistant.create")
    assert key not in str(row.arguments) + str(row.result)


def test_audit_rows_survive_deleting_the_assistant_and_the_connection(connection, assistant):
    row = ActionLog.objects.create(
        workspace=connection.workspace,
        actor_type="assistant",
        actor_assistant=assistant,
        actor_name=assistant.name,
        connection=connection,
        connection_name=connection.name,
        action="tool.notion_get_page",
        status="succeeded",
    )
    assistant_services.assistant_delete(assistant=assistant, actor=ACTOR)
    services.connection_delete(connection=connection, actor=ACTOR)

    row.refresh_from_db()
    assert row.actor_assistant is None and row.actor_name == "Helper"
    assert row.connection is None and row.connection_name == "Notion Workspace"
    assert not NotionConnection.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "Notion Workspace", "notion workspace"])
def test_connection_create_rejects_blank_or_duplicate_names_and_writes_nothing(connection, name):
    before = (ActionLog.objects.count(), NotionConnection.objects.count())
    with pytest.raises(ValidationError) as excinfo:
        make_connection(connection.workspace, name=name)
    assert "name" in excinfo.value.message_dict
    assert (ActionLog.objects.count(), NotionConnection.objects.count()) == before


def test_connection_create_rejects_an_empty_token_and_an_assistant_of_another_workspace(
    workspace, other_connection
):
    spy = other_connection.assistants.get()
    with pytest.raises(ValidationError, match="Paste the Internal Integration Token"):
        make_connection(workspace, token="  ")
    with pytest.raises(ValidationError, match="Unknown assistant"):
        make_connection(workspace, assignments={spy: "read"})
    assert not NotionConnection.objects.filter(workspace=workspace).exists()
