"""Add Configuration and the connection pages, with tokens checked live against the sandbox."""

import re
import socket

import pytest
from django.urls import reverse

from assistants.models import Assignment
from integrations.models import ActionLog, NotionConnection
from integrations.notion.sandbox.seed import (
    INTEGRATION_NAME,
    SANDBOX_LEGACY_TOKEN,
    SANDBOX_READONLY_TOKEN,
    SANDBOX_REVOKED_TOKEN,
    SANDBOX_TOKEN,
    WORKSPACE_NAME,
)
from tests.fixtures.factories import FULL_TOKEN, make_connection
from tests.integrations.views.conftest import make_log

ADD = "integrations:notion_add"


def _add(client, assistant=None, access="write", **fields):
    data = {"name": "Notion Workspace", "token": SANDBOX_TOKEN} | fields
    if assistant is not None:
        data |= {f"use_{assistant.pk}": "on", f"access_{assistant.pk}": access}
    return client.post(reverse(ADD), data, follow=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_add_configuration_form_follows_the_setup_guide(admin_client, assistant):
    html = admin_client.get(reverse(ADD)).content.decode()
    assert '<label for="id_name">Name of the connection</label>' in html
    assert '<label for="id_token">Integration Token</label>' in html
    assert 'type="password" name="token"' in html
    assert "Save Configuration" in html
    assert f'<label for="id_use_{assistant.pk}">Helper</label>' in html
    assert f'<label for="id_access_{assistant.pk}" class="visually-hidden">' in html
    for level in ("Read", "Write", "Full"):
        assert f">{level}" in html
    assert "ntn_" in html and "secret_" in html and "Share pages with it" in html


def test_add_with_a_valid_token_shows_the_notion_workspace_and_bot(
    admin_client, sandbox_settings, assistant
):
    response = _add(admin_client, assistant, access="full")
    connection = NotionConnection.objects.get(name="Notion Workspace")
    assert response.redirect_chain[-1][0] == reverse(
        "integrations:notion_detail", args=[connection.pk]
    )
    html = response.content.decode()
    assert WORKSPACE_NAME in html and INTEGRATION_NAME in html
    assert f"••••••••{SANDBOX_TOKEN[-4:]}" in html
    assert SANDBOX_TOKEN not in html
    assert connection.status == NotionConnection.Status.ACTIVE
    assert Assignment.objects.get(connection=connection, assistant=assistant).access == "full"
    assert ActionLog.objects.filter(action="connection.create", actor_name="alice").exists()


def test_add_with_a_revoked_token_says_so_and_saves_nothing(
    admin_client, sandbox_settings, assistant
):
    response = _add(admin_client, assistant, token=SANDBOX_REVOKED_TOKEN)
    html = response.content.decode()
    assert response.status_code == 200 and not response.redirect_chain
    assert "Notion rejected this token" in html and "unauthorized" in html
    assert 'role="alert"' in html
    assert SANDBOX_REVOKED_TOKEN not in html
    assert not NotionConnection.objects.exists()
    assert not ActionLog.objects.filter(action="connection.create").exists()


def test_add_when_notion_cannot_be_reached_says_so_and_saves_nothing(
    admin_client, settings, assistant, db
):
    settings.NOTION_API_BASE_URL = f"http://127.0.0.1:{_free_port()}"
    response = _add(admin_client, assistant)
    html = response.content.decode()
    assert "Notion could not be reached" in html and "nothing was saved" in html
    assert SANDBOX_TOKEN not in html
    assert not NotionConnection.objects.exists()


def test_add_when_notion_drops_the_connection_saves_nothing(
    admin_client, sandbox_settings, notion_sandbox
):
    notion_sandbox.inject(path="/v1/users/me", drop=True)
    html = _add(admin_client).content.decode()
    assert "could not be reached" in html
    assert not NotionConnection.objects.exists()


def test_add_when_notion_answers_503_saves_nothing(admin_client, sandbox_settings, notion_sandbox):
    notion_sandbox.inject(path="/v1/users/me", status=503)
    html = _add(admin_client).content.decode()
    assert "service_unavailable" in html
    assert not NotionConnection.objects.exists()


def test_a_duplicate_name_is_a_field_error_and_costs_no_notion_call(
    admin_client, sandbox_settings, notion_sandbox, connection
):
    before = len(notion_sandbox.requests)
    response = _add(admin_client, name="notion workspace")
    html = response.content.decode()
    assert "already exists" in html
    assert 'aria-invalid="true"' in html and 'id="id_name_error"' in html
    assert NotionConnection.objects.count() == 1
    assert len(notion_sandbox.requests) == before


def test_the_token_is_never_rendered_back_after_a_failed_submit(admin_client, sandbox_settings):
    for data in (
        {"name": "", "token": SANDBOX_TOKEN},
        {"name": "X", "token": SANDBOX_REVOKED_TOKEN},
        {"name": "X", "token": SANDBOX_TOKEN + " with space"},
    ):
        html = admin_client.post(reverse(ADD), data).content.decode()
        assert data["token"].split()[0] not in html, data
        assert 'name="token" autocomplete="off"' in html and 'value="ntn' not in html


def test_a_blank_token_is_a_field_error(admin_client, db):
    html = admin_client.post(reverse(ADD), {"name": "X", "token": ""}).content.decode()
    assert "This field is required." in html
    assert not NotionConnection.objects.exists()


def test_an_older_secret_token_is_accepted_without_warning(admin_client, sandbox_settings):
    response = _add(admin_client, token=SANDBOX_LEGACY_TOKEN)
    html = response.content.decode()
    assert NotionConnection.objects.filter(name="Notion Workspace").exists()
    assert "doesn&#x27;t start with ntn_" not in html and "message-warning" not in html


def test_an_unusual_token_shape_is_a_warning_not_a_refusal(
    admin_client, sandbox_settings, notion_sandbox
):
    odd = "pat-0000000000000000000000000000000000000000000007"
    notion_sandbox.add_token(odd, name="Odd Token Bot")
    response = _add(admin_client, token=odd)
    html = response.content.decode()
    connection = NotionConnection.objects.get(name="Notion Workspace")
    assert connection.bot_name == "Odd Token Bot"
    assert "message-warning" in html and "ntn_ or secret_" in html
    assert odd not in html


def test_list_shows_status_assistants_last_use_and_24_hour_figures(
    admin_client, connection, assistant
):
    make_log(connection, assistant=assistant, minutes_ago=10)
    make_log(connection, assistant=assistant, status=ActionLog.Status.FAILED, minutes_ago=20)
    make_log(connection, assistant=assistant, status=ActionLog.Status.REJECTED, minutes_ago=30)
    make_log(connection, assistant=assistant, status=ActionLog.Status.FAILED, minutes_ago=60 * 30)
    html = admin_client.get(reverse("integrations:notion_list")).content.decode()
    assert "Notion Workspace" in html and "Acme Sandbox" in html
    assert '<span class="badge badge-active" data-status="active">Active</span>' in html
    assert "Helper" in html and "write" in html
    assert "10\xa0minutes ago" in html
    row = html[html.index("Notion Workspace</a>") :]
    assert f'?connection={connection.pk}">3</a>' in row
    assert 'status=failed">1</a>' in row
    assert "+ Add Configuration" in html


def test_list_is_empty_with_a_call_to_add_one(admin_client, workspace):
    html = admin_client.get(reverse("integrations:notion_list")).content.decode()
    assert "No Notion connection yet" in html and reverse(ADD) in html


def test_detail_shows_the_masked_token_and_recent_actions(admin_client, connection, assistant):
    make_log(connection, assistant=assistant, action="tool.notion_search")
    html = admin_client.get(
        reverse("integrations:notion_detail", args=[connection.pk])
    ).content.decode()
    assert "••••••••0001" in html and FULL_TOKEN not in html
    assert "notion_search" in html and "connection.create" in html
    assert "Test connection" in html and "Rotate token" in html


def test_test_connection_reports_success(admin_client, sandbox_settings, connection):
    response = admin_client.post(
        reverse("integrations:notion_test", args=[connection.pk]), follow=True
    )
    html = response.content.decode()
    assert "Test passed." in html and WORKSPACE_NAME in html
    assert ActionLog.objects.filter(action="connection.test", status="succeeded").exists()


def test_test_connection_with_a_revoked_token_marks_it_invalid(
    admin_client, sandbox_settings, notion_sandbox, connection
):
    notion_sandbox.revoke(SANDBOX_TOKEN)
    response = admin_client.post(
        reverse("integrations:notion_test", args=[connection.pk]), follow=True
    )
    html = response.content.decode()
    assert "Test failed." in html and "unauthorized" in html
    assert '<span class="badge badge-invalid" data-status="invalid">Invalid</span>' in html
    connection.refresh_from_db()
    assert connection.status == NotionConnection.Status.INVALID


def test_rotate_token_checks_the_new_token_live(admin_client, sandbox_settings, connection):
    url = reverse("integrations:notion_rotate", args=[connection.pk])
    response = admin_client.post(url, {"token": SANDBOX_READONLY_TOKEN}, follow=True)
    html = response.content.decode()
    assert "Token rotated." in html
    assert f"••••••••{SANDBOX_READONLY_TOKEN[-4:]}" in html and SANDBOX_READONLY_TOKEN not in html
    connection.refresh_from_db()
    assert connection.token == SANDBOX_READONLY_TOKEN


def test_rotate_with_a_revoked_token_keeps_the_old_one(admin_client, sandbox_settings, connection):
    url = reverse("integrations:notion_rotate", args=[connection.pk])
    html = admin_client.post(url, {"token": SANDBOX_REVOKED_TOKEN}).content.decode()
    assert "Notion rejected this token" in html and "The old token stays in use." in html
    assert SANDBOX_REVOKED_TOKEN not in html
    connection.refresh_from_db()
    assert connection.token == FULL_TOKEN


def test_edit_renames_and_changes_access_levels(admin_client, connection, assistant):
    url = reverse("integrations:notion_edit", args=[connection.pk])
    data = {"name": "Team wiki", f"use_{assistant.pk}": "on", f"access_{assistant.pk}": "read"}
    html = admin_client.post(url, data, follow=True).content.decode()
    assert "Team wiki" in html and "Saved" in html
    connection.refresh_from_db()
    assert connection.name == "Team wiki"
    assert connection.assignments.get().access == "read"


def test_edit_unticking_an_assistant_removes_its_access(admin_client, connection, assistant):
    url = reverse("integrations:notion_edit", args=[connection.pk])
    admin_client.post(url, {"name": connection.name, f"access_{assistant.pk}": "write"})
    assert not connection.assignments.exists()


def test_edit_to_a_taken_name_is_a_field_error(admin_client, connection, workspace):
    make_connection(workspace, name="Other")
    url = reverse("integrations:notion_edit", args=[connection.pk])
    html = admin_client.post(url, {"name": "other"}).content.decode()
    assert "already exists" in html
    connection.refresh_from_db()
    assert connection.name == "Notion Workspace"


def test_disable_then_enable(admin_client, connection):
    url = reverse("integrations:notion_toggle", args=[connection.pk])
    html = admin_client.post(url, {"enable": "0"}, follow=True).content.decode()
    assert '<span class="badge badge-disabled" data-status="disabled">Disabled</span>' in html
    assert "Enable connection" in html
    admin_client.post(url, {"enable": "1"})
    connection.refresh_from_db()
    assert connection.status == NotionConnection.Status.ACTIVE


def test_delete_needs_confirmation_and_keeps_audit_rows(admin_client, connection, assistant):
    row = make_log(connection, assistant=assistant)
    url = reverse("integrations:notion_delete", args=[connection.pk])
    html = admin_client.post(url, {}).content.decode()
    assert "Tick the box to confirm the deletion." in html
    assert NotionConnection.objects.filter(pk=connection.pk).exists()
    response = admin_client.post(url, {"confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("integrations:notion_list")
    assert "Deleted “Notion Workspace”" in response.content.decode()
    assert not NotionConnection.objects.filter(pk=connection.pk).exists()
    row.refresh_from_db()
    assert row.connection_id is None and row.connection_name == "Notion Workspace"
    assert ActionLog.objects.filter(action="connection.delete").exists()


def test_actions_are_post_only(admin_client, connection):
    for name in ("notion_test", "notion_rotate", "notion_edit", "notion_toggle", "notion_delete"):
        url = reverse(f"integrations:{name}", args=[connection.pk])
        assert admin_client.get(url).status_code == 405, name


def test_unknown_connection_is_404(admin_client, workspace):
    assert admin_client.get(reverse("integrations:notion_detail", args=[999])).status_code == 404


@pytest.mark.parametrize("url_name", [ADD, "integrations:notion_detail"])
def test_every_input_has_a_label(admin_client, connection, assistant, url_name):
    url = reverse(url_name, args=[connection.pk] if url_name.endswith("detail") else [])
    html = admin_client.get(url).content.decode()
    main = html[html.index("<main") :]
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', main)
    controls = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*>', main)
    assert ids and len(ids) == len(controls)
    for control_id in ids:
        assert f'<label for="{control_id}"' in html, control_id
