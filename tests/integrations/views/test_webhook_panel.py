"""A connection's Webhooks panel: the endpoint, the one-time reveal of Notion's token, reset."""

from django.contrib.messages import get_messages
from django.urls import reverse

from integrations.models import ActionLog
from integrations.services.automations import automation_create
from integrations.services.webhooks import webhook_verification_receive
from tests.fixtures.factories import SYSTEM

TOKEN = "secret_abcDEF0123456789webhookVerification42"


def _detail(client, connection) -> str:
    return client.get(reverse("integrations:notion_detail", args=[connection.pk])).content.decode()


def _reveal(client, connection):
    return client.post(reverse("integrations:notion_webhook_reveal", args=[connection.pk]))


def test_a_new_connection_shows_the_endpoint_and_waits_for_notion(admin_client, connection):
    page = _detail(admin_client, connection)
    assert f"http://testserver/integrations/notion/webhooks/{connection.pk}/" in page
    assert "Waiting for Notion's verification request" in page
    assert "Reveal token" not in page and "Reset webhook" not in page


def test_the_token_is_revealed_exactly_once(admin_client, connection):
    webhook_verification_receive(connection=connection, token=TOKEN)
    before = _detail(admin_client, connection)
    assert TOKEN not in before
    assert "A verification token arrived at" in before and "Reveal token" in before

    response = _reveal(admin_client, connection)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count(TOKEN) == 1 and "shown this once only" in page
    assert "no-store" in response["Cache-Control"]
    assert ActionLog.objects.filter(action="webhook.token_reveal", actor_name="alice").exists()

    again = _reveal(admin_client, connection)
    assert again.status_code == 302
    assert any("already shown" in str(m) for m in get_messages(again.wsgi_request))
    after = _detail(admin_client, connection)
    assert TOKEN not in after
    assert f"••••{TOKEN[-4:]}" in after and "Reveal token" not in after


def test_reset_forgets_the_token_after_confirmation(admin_client, connection):
    webhook_verification_receive(connection=connection, token=TOKEN)
    url = reverse("integrations:notion_webhook_reset", args=[connection.pk])
    admin_client.post(url, {})
    connection.refresh_from_db()
    assert connection.webhook_token == TOKEN

    admin_client.post(url, {"confirm": "1"})
    connection.refresh_from_db()
    assert connection.webhook_token == "" and connection.webhook_token_received_at is None
    assert ActionLog.objects.filter(action="webhook.reset", actor_name="alice").exists()
    page = _detail(admin_client, connection)
    assert "Waiting for Notion's verification request" in page and TOKEN[-4:] not in page
    # A new subscription's handshake is accepted again.
    assert webhook_verification_receive(connection=connection, token=TOKEN + "x")


def test_a_member_can_neither_reveal_nor_reset(member_client, connection):
    webhook_verification_receive(connection=connection, token=TOKEN)
    page = _detail(member_client, connection)
    assert TOKEN not in page and "Reveal token" not in page and "Reset webhook" not in page
    assert _reveal(member_client, connection).status_code == 403
    reset = reverse("integrations:notion_webhook_reset", args=[connection.pk])
    assert member_client.post(reset, {"confirm": "1"}).status_code == 403
    connection.refresh_from_db()
    assert connection.webhook_token == TOKEN and connection.webhook_token_revealed_at is None


def test_another_workspaces_webhook_is_404(admin_client, connection, other_connection):
    webhook_verification_receive(connection=other_connection, token=TOKEN)
    assert _reveal(admin_client, other_connection).status_code == 404
    reset = reverse("integrations:notion_webhook_reset", args=[other_connection.pk])
    assert admin_client.post(reset, {"confirm": "1"}).status_code == 404
    other_connection.refresh_from_db()
    assert other_connection.webhook_token == TOKEN
    assert other_connection.webhook_token_revealed_at is None


def _on_comment(connection, *, query: str):
    return automation_create(
        workspace=connection.workspace,
        connection=connection,
        name="On comment",
        actor=SYSTEM,
        trigger="event",
        event_types=["comment.created"],
        tool_name="notion_search_pages",
        arguments={"query": query},
    )


def test_the_full_token_appears_on_no_page(admin_client, connection):
    webhook_verification_receive(connection=connection, token=TOKEN)
    automation = _on_comment(connection, query="{event.page_id}")
    _reveal(admin_client, connection)
    row = ActionLog.objects.filter(action="webhook.token_reveal").get()
    for url in (
        reverse("integrations:notion_list"),
        reverse("integrations:notion_detail", args=[connection.pk]),
        reverse("integrations:automation_list"),
        reverse("integrations:automation_detail", args=[automation.pk]),
        reverse("integrations:action_log"),
        reverse("integrations:action_log_detail", args=[row.pk]),
    ):
        assert TOKEN not in admin_client.get(url).content.decode(), url


def test_the_automation_page_says_whether_the_webhook_is_verified(admin_client, connection):
    automation = _on_comment(connection, query="x")
    url = reverse("integrations:automation_detail", args=[automation.pk])
    assert "Not set up" in admin_client.get(url).content.decode()
    webhook_verification_receive(connection=connection, token=TOKEN)
    _reveal(admin_client, connection)
    connection.refresh_from_db()
    connection.webhook_last_delivery_at = connection.webhook_token_revealed_at
    connection.save(update_fields=["webhook_last_delivery_at"])
    page = admin_client.get(url).content.decode()
    assert "Verified" in page and "last delivery at" in page and TOKEN not in page
