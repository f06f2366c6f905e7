"""The workspace switcher: members of several workspaces move between them; others can't."""

import pytest
from django.urls import reverse

from tests.fixtures.factories import make_connection
from workspaces.models import Membership


@pytest.fixture
def alice_in_both(admin_user, workspace, other_workspace):
    Membership.objects.create(
        workspace=other_workspace, user=admin_user, role=Membership.Role.MEMBER
    )
    make_connection(workspace, name="Acme Notion")
    make_connection(other_workspace, name="Globex Notion")
    return other_workspace


def _switch(client, workspace, next_url=""):
    return client.post(reverse("workspaces:switch"), {"workspace": workspace.pk, "next": next_url})


def test_switcher_appears_only_for_members_of_several_workspaces(admin_client, alice_in_both):
    html = admin_client.get(reverse("integrations:notion_list")).content.decode()
    assert 'action="/workspaces/switch/"' in html
    assert '<label for="workspace-switch"' in html and "Globex" in html


def test_switcher_is_hidden_for_a_member_of_one_workspace(admin_client, workspace):
    html = admin_client.get(reverse("integrations:notion_list")).content.decode()
    assert 'action="/workspaces/switch/"' not in html


def test_switching_shows_the_other_workspaces_connections(admin_client, alice_in_both):
    assert "Acme Notion" in admin_client.get(reverse("integrations:notion_list")).content.decode()
    response = _switch(admin_client, alice_in_both, reverse("integrations:action_log"))
    assert response["Location"] == reverse("integrations:action_log")
    html = admin_client.get(reverse("integrations:notion_list")).content.decode()
    assert "Globex Notion" in html and "Acme Notion" not in html


def test_switching_from_a_detail_page_goes_to_the_section_start(admin_client, alice_in_both):
    response = _switch(admin_client, alice_in_both, reverse("integrations:notion_detail", args=[1]))
    assert response["Location"] == reverse("integrations:index")


def test_switching_never_redirects_off_site(admin_client, alice_in_both):
    response = _switch(admin_client, alice_in_both, "https://evil.example/")
    assert response["Location"] == reverse("integrations:index")


def test_switching_to_a_workspace_you_are_not_in_is_refused(admin_client, other_workspace):
    assert _switch(admin_client, other_workspace).status_code == 404
    html = admin_client.get(reverse("integrations:notion_list")).content.decode()
    assert "Globex" not in html


def test_a_member_switched_to_a_workspace_keeps_member_rights_there(admin_client, alice_in_both):
    _switch(admin_client, alice_in_both)
    assert admin_client.get(reverse("integrations:notion_add")).status_code == 403


def test_switch_is_post_only(admin_client, alice_in_both):
    assert admin_client.get(reverse("workspaces:switch")).status_code == 405
