"""Clients signed in as an admin, a member and an outsider, and a way to write log rows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import ActionLog
from tests.fixtures.factories import make_user


@pytest.fixture
def admin_client(client, admin_user, workspace):
    client.force_login(admin_user)
    return client


@pytest.fixture
def member_client(client, member_user):
    client.force_login(member_user)
    return client


@pytest.fixture
def outsider_client(client, db):
    """Signed in, but a member of no workspace."""
    client.force_login(make_user("nobody"))
    return client


def make_log(connection, *, assistant=None, minutes_ago: float = 0, **fields) -> ActionLog:
    """One tool-call row on `connection`, `minutes_ago` old (created_at is auto_now_add, so it
    is set by an update after the insert)."""
    defaults = {
        "workspace": connection.workspace,
        "workspace_name": connection.workspace.name,
        "actor_type": ActionLog.ActorType.ASSISTANT if assistant else ActionLog.ActorType.SYSTEM,
        "actor_assistant": assistant,
        "actor_name": assistant.name if assistant else "system",
        "connection": connection,
        "connection_name": connection.name,
        "action": "tool.notion_get_page",
        "status": ActionLog.Status.SUCCEEDED,
        "attempts": 1,
        "duration_ms": 120,
    }
    row = ActionLog.objects.create(**(defaults | fields))
    if minutes_ago:
        created = timezone.now() - timedelta(minutes=minutes_ago)
        ActionLog.objects.filter(pk=row.pk).update(created_at=created)
        row.created_at = created
    return row
