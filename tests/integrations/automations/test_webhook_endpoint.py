"""The webhook endpoint: Notion's handshake, signatures checked before anything is read, and
redeliveries recognised."""

import json

import pytest
from django.db import connection as db_connection

from integrations.automations.events import signature_for, signature_valid
from integrations.models import ActionLog, NotionConnection, WebhookEvent
from integrations.services.webhooks import (
    WebhookTokenUnavailable,
    webhook_reset,
    webhook_token_reveal,
)
from tests.fixtures.factories import SYSTEM, make_connection

from .conftest import WEBHOOK_TOKEN, make_event

pytestmark = pytest.mark.django_db(transaction=True)

NEW_TOKEN = "secret_new_subscription_token_9876543210"


def _handshake(client, connection, token=NEW_TOKEN):
    return client.post(
        f"/integrations/notion/webhooks/{connection.pk}/",
        data=json.dumps({"verification_token": token}),
        content_type="application/json",
    )


def test_handshake_stores_the_token_encrypted_and_audits_it(client, workspace):
    connection = make_connection(workspace)

    response = _handshake(client, connection)

    assert response.status_code == 200
    connection.refresh_from_db()
    assert connection.webhook_token == NEW_TOKEN
    assert connection.webhook_token_last4 == NEW_TOKEN[-4:]
    with db_connection.cursor() as cursor:
        cursor.execute(
            "SELECT webhook_token FROM integrations_notionconnection WHERE id = %s",
            [connection.pk],
        )
        stored = cursor.fetchone()[0]
    assert NEW_TOKEN not in stored and stored
    row = ActionLog.objects.get(action="webhook.verification_received")
    assert NEW_TOKEN not in json.dumps([row.arguments, row.result, row.error_message])


def test_a_second_handshake_is_refused_until_an_admin_resets_the_webhook(client, workspace):
    connection = make_connection(workspace)
    _handshake(client, connection)

    intruder = _handshake(client, connection, token="secret_attacker_token_000000000")
    assert intruder.status_code == 409
    connection.refresh_from_db()
    assert connection.webhook_token == NEW_TOKEN

    webhook_reset(connection=connection, actor=SYSTEM)
    assert _handshake(client, connection, token="secret_second_subscription_11").status_code == 200
    connection.refresh_from_db()
    assert connection.webhook_token == "secret_second_subscription_11"


def test_the_token_is_revealed_once(workspace, client):
    connection = make_connection(workspace)
    _handshake(client, connection)
    assert webhook_token_reveal(connection=connection, actor=SYSTEM) == NEW_TOKEN
    with pytest.raises(WebhookTokenUnavailable):
        webhook_token_reveal(connection=connection, actor=SYSTEM)


@pytest.mark.parametrize(
    ("signature", "status"),
    [
        (False, 401),  # no header
        ("sha256=" + "0" * 64, 403),  # wrong digest
        ("", 401),  # empty header
        ("garbage", 403),
    ],
)
def test_unsigned_or_wrongly_signed_deliveries_run_nothing(deliver, signature, status):
    event = make_event("page.created", "5a4d0000-0000-4000-8000-000000000002")

    response = deliver.post(event, signature=signature)

    assert response.status_code == status
    assert not WebhookEvent.objects.exists()


def test_a_delivery_signed_with_another_token_is_refused(deliver):
    event = make_event("page.created", "5a4d0000-0000-4000-8000-000000000002")
    assert deliver.post(event, token="secret_some_other_token").status_code == 403
    assert not WebhookEvent.objects.exists()


def test_a_signature_over_a_different_body_is_refused(deliver):
    event = make_event("page.created", "5a4d0000-0000-4000-8000-000000000002")
    signed = json.dumps(event).encode()
    tampered = json.dumps({**event, "type": "page.deleted"}).encode()
    response = deliver.post(None, raw=tampered, signature=signature_for(WEBHOOK_TOKEN, signed))
    assert response.status_code == 403


def test_signed_deliveries_before_any_handshake_are_refused(client, workspace):
    connection = make_connection(workspace)
    body = json.dumps(make_event("page.created", "x")).encode()
    response = client.post(
        f"/integrations/notion/webhooks/{connection.pk}/",
        data=body,
        content_type="application/json",
        HTTP_X_NOTION_SIGNATURE=signature_for("", body),
    )
    assert response.status_code == 403


def test_a_valid_delivery_is_stored_once_and_redeliveries_are_counted(deliver):
    event = make_event("page.created", "5a4d0000-0000-4000-8000-000000000002")
    assert deliver.post(event).json()["result"] == "queued"
    redelivery = {**event, "attempt_number": 2}
    assert deliver.post(redelivery).json()["result"] == "duplicate"
    row = WebhookEvent.objects.get()
    assert (row.event_id, row.deliveries, row.status) == (event["id"], 2, "processed")


def test_malformed_and_oversized_bodies_are_refused(deliver, settings):
    assert deliver.post({"hello": "world"}).status_code == 400
    assert deliver.post(None, raw=b"not json").status_code == 400
    settings.WEBHOOK_MAX_BODY_BYTES = 100
    big = make_event("page.created", "x", data={"pad": "x" * 500})
    assert deliver.post(big).status_code == 413
    body = json.dumps(make_event("page.created", "x")).encode()
    garbled = deliver.client.post(
        deliver.url, data=body, content_type="application/json", CONTENT_LENGTH="12abc"
    )
    assert garbled.status_code == 413
    assert not WebhookEvent.objects.exists()


def test_unknown_connection_and_get_requests(client, db):
    assert (
        client.post(
            "/integrations/notion/webhooks/999999/", data=b"{}", content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get("/integrations/notion/webhooks/1/").status_code == 405


def test_signature_check_is_hmac_sha256_of_the_raw_body():
    body = b'{"id":"1"}'
    import hashlib
    import hmac

    expected = "sha256=" + hmac.new(b"secret_k", body, hashlib.sha256).hexdigest()
    assert signature_for("secret_k", body) == expected
    assert signature_valid("secret_k", body, expected)
    assert not signature_valid("secret_k", body + b" ", expected)
    assert not signature_valid("", body, expected)


def test_deleting_a_connection_keeps_the_webhook_audit_rows(client, workspace):
    from integrations.services import connection_delete

    connection = make_connection(workspace)
    _handshake(client, connection)
    connection_delete(connection=connection, actor=SYSTEM)
    assert not NotionConnection.objects.exists()
    row = ActionLog.objects.get(action="webhook.verification_received")
    assert row.connection is None and row.connection_name == "Notion Workspace"


def test_events_a_worker_never_finished_are_swept_back_to_the_queue(deliver, settings):
    from datetime import timedelta

    from django.utils import timezone

    from integrations.services.webhooks import webhook_event_sweep

    event = make_event("page.created", "5a4d0000-0000-4000-8000-000000000002")
    deliver.post(event)
    row = WebhookEvent.objects.get()
    old = timezone.now() - timedelta(seconds=settings.TOOL_CALL_STUCK_AFTER_SECONDS + 5)
    WebhookEvent.objects.filter(pk=row.pk).update(status="received", received_at=old)
    assert webhook_event_sweep() == [row.pk]
    WebhookEvent.objects.filter(pk=row.pk).update(status="processed")
    assert webhook_event_sweep() == []


def test_deleting_a_connection_lists_its_automations_in_the_audit_row(workspace, client):
    from integrations.models import Automation
    from integrations.services import connection_delete
    from integrations.services.automations import automation_create

    connection = make_connection(workspace)
    automation_create(
        workspace=workspace,
        connection=connection,
        name="Nightly",
        actor=SYSTEM,
        trigger="cron",
        cron="0 2 * * *",
        tool_name="notion_list_users",
        arguments={},
    )
    connection_delete(connection=connection, actor=SYSTEM)
    assert not Automation.objects.exists()
    assert ActionLog.objects.get(action="connection.delete").arguments["automations"] == ["Nightly"]
