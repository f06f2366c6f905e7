"""Who sees what: login required, workspaces kept apart on every page, members read only."""

import pytest
from django.test import Client
from django.urls import reverse

from assistants.models import Assistant
from integrations.models import ActionLog, NotionConnection, Template
from integrations.services import template_create
from tests.fixtures.factories import FULL_TOKEN, SYSTEM
from tests.integrations.views.conftest import make_log

LIST_PAGES = [
    "integrations:notion_list",
    "integrations:action_log",
    "integrations:action_log_csv",
    "integrations:action_log_chart",
    "integrations:action_log_status",
    "integrations:template_list",
]
POST_ACTIONS = [
    "integrations:notion_test",
    "integrations:notion_rotate",
    "integrations:notion_edit",
    "integrations:notion_toggle",
    "integrations:notion_delete",
]


@pytest.fixture
def globex(other_connection):
    """Workspace B (Globex) with a connection, an assistant, a log row and a template."""
    spy = Assistant.objects.get(workspace=other_connection.workspace, name="Spy")
    row = make_log(
        other_connection,
        assistant=spy,
        status=ActionLog.Status.FAILED,
        notion_object_ids=["59833787-2cf9-4fdf-8782-e53db20768a5"],
        notion_request_ids=["globex-request-1"],
        error_code="object_not_found",
    )
    template = template_create(
        workspace=other_connection.workspace, name="Globex secret plan", actor=SYSTEM
    )
    return {"connection": other_connection, "assistant": spy, "row": row, "template": template}


def body_text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _detail_urls(globex) -> list[str]:
    return [
        reverse("integrations:notion_detail", args=[globex["connection"].pk]),
        reverse("integrations:action_log_detail", args=[globex["row"].pk]),
        reverse("integrations:template_edit", args=[globex["template"].pk]),
    ]


@pytest.mark.parametrize("name", [*LIST_PAGES, "integrations:notion_add"])
def test_a_visitor_who_is_not_logged_in_gets_the_login_page(client, connection, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    followed = client.get(response["Location"])
    assert "Log in" in followed.content.decode()
    assert connection.name not in followed.content.decode()


def test_detail_pages_send_a_visitor_who_is_not_logged_in_to_the_login_page(client, globex):
    for url in _detail_urls(globex):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_login_page_has_labelled_inputs_and_logs_in(client, admin_user, workspace):
    page = client.get(reverse("login")).content.decode()
    assert '<label for="id_username">' in page and '<label for="id_password">' in page
    response = client.post(reverse("login"), {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 302
    assert client.get(reverse("integrations:notion_list")).status_code == 200


def test_root_redirects_to_the_notion_connections(admin_client):
    response = admin_client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("integrations:notion_list")


def test_a_member_of_acme_never_sees_globex_on_any_list_page(admin_client, connection, globex):
    for name in LIST_PAGES:
        url = reverse(name)
        if name == "integrations:action_log_status":
            url += f"?ids={globex['row'].pk}"
        text = body_text(admin_client.get(url))
        for secret in ("Globex Notion", "Spy", "Globex secret plan", "globex-request-1"):
            assert secret not in text, (name, secret)


def test_acme_forms_never_offer_globex_assistants(admin_client, connection, globex):
    for url in (
        reverse("integrations:notion_add"),
        reverse("integrations:notion_detail", args=[connection.pk]),
    ):
        html = admin_client.get(url).content.decode()
        assert "Spy" not in html and "Globex" not in html, url


def test_posting_a_globex_assistant_id_assigns_nothing(admin_client, connection, assistant, globex):
    spy = globex["assistant"]
    admin_client.post(
        reverse("integrations:notion_edit", args=[connection.pk]),
        {"name": connection.name, f"use_{spy.pk}": "on", f"access_{spy.pk}": "full"},
    )
    assert not connection.assignments.filter(assistant=spy).exists()
    assert not spy.assignments.filter(connection__workspace=connection.workspace).exists()


def test_a_member_of_acme_gets_404_for_globex_detail_pages(admin_client, connection, globex):
    for url in _detail_urls(globex):
        assert admin_client.get(url).status_code == 404, url


@pytest.mark.parametrize("name", POST_ACTIONS)
def test_an_acme_admin_cannot_act_on_a_globex_connection(admin_client, globex, name):
    target = globex["connection"]
    data = {"token": FULL_TOKEN, "name": "Hijacked", "enable": "0", "confirm": "on"}
    response = admin_client.post(reverse(name, args=[target.pk]), data)
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.name == "Globex Notion" and target.status == NotionConnection.Status.ACTIVE


def test_an_acme_admin_cannot_edit_or_delete_a_globex_template(admin_client, workspace, globex):
    template = globex["template"]
    edit = admin_client.post(
        reverse("integrations:template_edit", args=[template.pk]),
        {"name": "Hijacked", "target_type": "page", "title_pattern": "{title}"},
    )
    delete = admin_client.post(
        reverse("integrations:template_delete", args=[template.pk]), {"confirm": "1"}
    )
    assert edit.status_code == 404 and delete.status_code == 404
    assert Template.objects.get(pk=template.pk).name == "Globex secret plan"


def test_filtering_the_log_by_a_globex_id_shows_nothing_of_globex(admin_client, connection, globex):
    for params in (
        {"connection": globex["connection"].pk},
        {"assistant": globex["assistant"].pk},
        {"q": "globex-request-1"},
    ):
        page = admin_client.get(reverse("integrations:action_log"), params).content.decode()
        row_url = reverse("integrations:action_log_detail", args=[globex["row"].pk])
        assert "Globex Notion" not in page and row_url not in page
        chart = admin_client.get(reverse("integrations:action_log_chart"), params)
        assert chart.status_code == 400 or chart.json()["total"] == 0


def test_chart_data_counts_only_the_current_workspace(admin_client, connection, globex):
    acme_rows = ActionLog.objects.filter(workspace=connection.workspace).count()
    data = admin_client.get(reverse("integrations:action_log_chart")).json()
    assert data["total"] == acme_rows


def test_status_poll_ignores_rows_of_another_workspace(admin_client, connection, globex):
    mine = make_log(connection, status=ActionLog.Status.RUNNING, progress="pages fetched: 2")
    response = admin_client.get(
        reverse("integrations:action_log_status"), {"ids": f"{mine.pk},{globex['row'].pk}"}
    )
    assert [row["id"] for row in response.json()["rows"]] == [mine.pk]


def test_the_switcher_lists_only_the_users_workspaces(admin_client, workspace, other_workspace):
    page = admin_client.get(reverse("integrations:notion_list")).content.decode()
    assert "Globex" not in page


def test_a_user_in_no_workspace_sees_a_page_that_says_so(outsider_client, connection):
    response = outsider_client.get(reverse("integrations:notion_list"))
    assert response.status_code == 403
    assert "not in a workspace" in response.content.decode()
    assert connection.name not in response.content.decode()


def test_a_member_may_view_but_not_change(member_client, connection):
    detail = member_client.get(reverse("integrations:notion_detail", args=[connection.pk]))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "Test connection" not in page and "Rotate token" not in page
    assert (
        "+ Add Configuration"
        not in member_client.get(reverse("integrations:notion_list")).content.decode()
    )
    assert member_client.get(reverse("integrations:notion_add")).status_code == 403
    for name in POST_ACTIONS:
        response = member_client.post(
            reverse(name, args=[connection.pk]), {"enable": "0", "confirm": "on", "name": "X"}
        )
        assert response.status_code == 403, name
    connection.refresh_from_db()
    assert connection.name == "Notion Workspace"
    assert connection.status == NotionConnection.Status.ACTIVE


def test_a_member_cannot_create_or_change_templates(member_client, workspace):
    template = template_create(workspace=workspace, name="Weekly notes", actor=SYSTEM)
    assert member_client.get(reverse("integrations:template_add")).status_code == 403
    view = member_client.get(reverse("integrations:template_edit", args=[template.pk]))
    assert view.status_code == 200 and "<form" not in view.content.decode().split("<main")[1]
    response = member_client.post(
        reverse("integrations:template_edit", args=[template.pk]),
        {"name": "Changed", "target_type": "page", "title_pattern": "{title}"},
    )
    assert response.status_code == 403
    assert Template.objects.get(pk=template.pk).name == "Weekly notes"


@pytest.mark.parametrize(
    ("name", "needs_pk"),
    [
        ("integrations:notion_add", False),
        ("integrations:notion_test", True),
        ("integrations:notion_rotate", True),
        ("integrations:notion_edit", True),
        ("integrations:notion_toggle", True),
        ("integrations:notion_delete", True),
        ("integrations:template_add", False),
        ("workspaces:switch", False),
    ],
)
def test_forms_refuse_a_post_without_a_csrf_token(admin_user, connection, name, needs_pk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    url = reverse(name, args=[connection.pk] if needs_pk else [])
    response = client.post(url, {"name": "CSRF", "enable": "0", "confirm": "on"})
    assert response.status_code == 403
    assert NotionConnection.objects.filter(pk=connection.pk, name="Notion Workspace").exists()


def test_every_form_on_the_pages_carries_a_csrf_token(admin_client, connection):
    for url in (
        reverse("integrations:notion_add"),
        reverse("integrations:notion_detail", args=[connection.pk]),
        reverse("integrations:template_add"),
    ):
        page = admin_client.get(url).content.decode()
        posts = page.count('method="post"')
        assert posts and page.count('name="csrfmiddlewaretoken"') == posts, url


def test_the_token_never_appears_in_any_page(admin_client, connection, assistant):
    make_log(connection, assistant=assistant)
    row = ActionLog.objects.filter(action="connection.create").get()
    for url in [
        reverse("integrations:notion_list"),
        reverse("integrations:notion_detail", args=[connection.pk]),
        reverse("integrations:action_log"),
        reverse("integrations:action_log_detail", args=[row.pk]),
    ]:
        assert FULL_TOKEN not in admin_client.get(url).content.decode(), url
    assert FULL_TOKEN not in body_text(admin_client.get(reverse("integrations:action_log_csv")))


def test_logout_is_a_post_form_in_the_top_bar(admin_client, connection):
    page = admin_client.get(reverse("integrations:notion_list")).content.decode()
    assert f'action="{reverse("logout")}"' in page
    response = admin_client.post(reverse("logout"))
    assert response.status_code == 302
    assert admin_client.get(reverse("integrations:notion_list")).status_code == 302
