"""Django admin: tokens never rendered, bad input refused, workspaces kept apart."""

import logging

import pytest
from django.urls import reverse

from assistants.models import Assistant
from integrations.models import ActionLog, NotionConnection
from tests.fixtures.factories import FULL_TOKEN, make_user


@pytest.fixture
def superuser_client(client, db):
    client.force_login(make_user("root", superuser=True))
    return client


ADMIN_PAGES = [
    "admin:index",
    "admin:integrations_notionconnection_changelist",
    "admin:integrations_notionconnection_add",
    "admin:integrations_actionlog_changelist",
    "admin:assistants_assistant_changelist",
    "admin:assistants_assignment_changelist",
]


def test_the_token_never_appears_in_any_admin_page(superuser_client, connection, caplog):
    caplog.set_level(logging.DEBUG)
    pages = [reverse(name) for name in ADMIN_PAGES] + [
        reverse("admin:integrations_notionconnection_change", args=[connection.pk]),
        reverse("admin:integrations_actionlog_change", args=[connection.action_logs.first().pk]),
    ]
    for url in pages:
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        assert FULL_TOKEN not in response.content.decode(), url
    assert FULL_TOKEN not in caplog.text


def test_connection_change_page_shows_only_the_masked_token(superuser_client, connection):
    page = superuser_client.get(
        reverse("admin:integrations_notionconnection_change", args=[connection.pk])
    ).content.decode()
    assert connection.masked_token in page
    assert 'type="password"' in page and FULL_TOKEN not in page


def test_action_log_is_read_only_in_the_admin(superuser_client, connection):
    row = connection.action_logs.first()
    assert superuser_client.get(reverse("admin:integrations_actionlog_add")).status_code == 403
    response = superuser_client.post(
        reverse("admin:integrations_actionlog_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert ActionLog.objects.filter(pk=row.pk).exists()


def test_admin_creates_an_assistant_and_shows_its_key_once(superuser_client, workspace):
    response = superuser_client.post(
        reverse("admin:assistants_assistant_add"),
        {"workspace": workspace.pk, "name": "Scribe", "description": "", "is_active": "on"},
        follow=True,
    )
    assistant = Assistant.objects.get(name="Scribe")
    page = response.content.decode()
    assert assistant.key_prefix in page and "will not be shown again" in page
    second = superuser_client.get(
        reverse("admin:assistants_assistant_change", args=[assistant.pk])
    ).content.decode()
    assert "will not be shown again" not in second
    assert ActionLog.objects.filter(action="assistant.create").count() == 1


@pytest.mark.parametrize("name, message", [("", "This field is required"), ("Helper", "already")])
def test_admin_rejects_blank_or_duplicate_assistant_names(
    superuser_client, workspace, assistant, name, message
):
    before = (Assistant.objects.count(), ActionLog.objects.count())
    response = superuser_client.post(
        reverse("admin:assistants_assistant_add"),
        {"workspace": workspace.pk, "name": name, "is_active": "on"},
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert (Assistant.objects.count(), ActionLog.objects.count()) == before


@pytest.mark.parametrize(
    "name, token, message",
    [
        ("", "ntn_whatever", "This field is required"),
        ("Notion Workspace", "ntn_whatever", "already exists"),
        ("Fresh", "", "Paste the Internal Integration Token"),
    ],
)
def test_admin_rejects_bad_connection_input_and_writes_nothing(
    superuser_client, connection, name, token, message
):
    before = (NotionConnection.objects.count(), ActionLog.objects.count())
    response = superuser_client.post(
        reverse("admin:integrations_notionconnection_add"),
        {"workspace": connection.workspace.pk, "name": name, "new_token": token},
    )
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert token not in page or not token
    assert (NotionConnection.objects.count(), ActionLog.objects.count()) == before


def test_admin_creates_a_connection_after_checking_the_token_with_notion(
    superuser_client, workspace, notion_sandbox, sandbox_settings
):
    from integrations.notion.sandbox.seed import SANDBOX_TOKEN

    response = superuser_client.post(
        reverse("admin:integrations_notionconnection_add"),
        {"workspace": workspace.pk, "name": "Via admin", "new_token": SANDBOX_TOKEN},
        follow=True,
    )
    assert response.status_code == 200
    connection = NotionConnection.objects.get(name="Via admin")
    assert connection.notion_workspace_name == "Acme Sandbox"
    assert SANDBOX_TOKEN not in response.content.decode()
    assert ActionLog.objects.filter(action="connection.create", connection=connection).count() == 1


def test_admin_refuses_a_token_notion_rejects_and_never_re_renders_it(
    superuser_client, workspace, notion_sandbox, sandbox_settings
):
    from integrations.notion.sandbox.seed import SANDBOX_REVOKED_TOKEN

    response = superuser_client.post(
        reverse("admin:integrations_notionconnection_add"),
        {"workspace": workspace.pk, "name": "Bad token", "new_token": SANDBOX_REVOKED_TOKEN},
    )
    page = response.content.decode()
    assert "Notion rejected this token" in page and SANDBOX_REVOKED_TOKEN not in page
    assert not NotionConnection.objects.exists()


class TestWorkspaceIsolationInAdmin:
    @pytest.fixture
    def alice_client(self, client, admin_user):
        client.force_login(admin_user)
        return client

    def test_lists_show_only_the_members_workspace(
        self, alice_client, connection, other_connection
    ):
        for name in [
            "admin:integrations_notionconnection_changelist",
            "admin:assistants_assistant_changelist",
            "admin:integrations_actionlog_changelist",
        ]:
            page = alice_client.get(reverse(name)).content.decode()
            assert "Globex" not in page and "Spy" not in page, name
        page = alice_client.get(
            reverse("admin:integrations_notionconnection_changelist")
        ).content.decode()
        assert connection.name in page

    def test_another_workspaces_objects_cannot_be_opened_or_changed(
        self, alice_client, other_connection
    ):
        spy = other_connection.assistants.get()
        log = other_connection.action_logs.first()
        for url in [
            reverse("admin:integrations_notionconnection_change", args=[other_connection.pk]),
            reverse("admin:assistants_assistant_change", args=[spy.pk]),
            reverse("admin:integrations_actionlog_change", args=[log.pk]),
        ]:
            response = alice_client.get(url)
            assert response.status_code in (302, 403, 404), url
            assert b"Globex" not in response.content and b"Spy" not in response.content
        alice_client.post(
            reverse("admin:assistants_assistant_change", args=[spy.pk]),
            {"workspace": other_connection.workspace.pk, "name": "Hacked", "is_active": "on"},
        )
        spy.refresh_from_db()
        assert spy.name == "Spy"

    def test_a_member_cannot_add_to_another_workspace(self, alice_client, other_workspace):
        alice_client.post(
            reverse("admin:assistants_assistant_add"),
            {"workspace": other_workspace.pk, "name": "Intruder", "is_active": "on"},
        )
        assert not Assistant.objects.filter(name="Intruder").exists()
