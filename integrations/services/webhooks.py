"""Notion webhooks: the verification handshake, the token, and receiving deliveries (acting on
them is services/webhook_events.py)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from integrations.audit import Actor, action_log_record
from integrations.automations.events import parse_timestamp
from integrations.models import ActionLog, NotionConnection, WebhookEvent

_TOKEN_FIELDS = (
    "webhook_token",
    "webhook_token_last4",
    "webhook_token_received_at",
    "webhook_token_revealed_at",
    "updated_at",
)


def _locked(connection: NotionConnection) -> NotionConnection:
    return NotionConnection.objects.select_for_update().get(pk=connection.pk)


def _token_store(connection: NotionConnection, token: str) -> None:
    """Stores a newly arrived token (not shown yet), or forgets it with ""."""
    connection.webhook_token = token
    connection.webhook_token_last4 = token[-4:]
    connection.webhook_token_received_at = timezone.now() if token else None
    connection.webhook_token_revealed_at = None
    connection.save(update_fields=_TOKEN_FIELDS)


def _audit(connection: NotionConnection, actor: Actor, action: str, result: dict) -> None:
    action_log_record(
        workspace=connection.workspace,
        actor=actor,
        action=action,
        status=ActionLog.Status.SUCCEEDED,
        connection=connection,
        result=result,
    )


class WebhookEventInvalid(ValueError):
    """A signed delivery whose body is not a Notion event."""


class WebhookTokenUnavailable(Exception):
    """The verification token was already shown, or none has arrived."""


@transaction.atomic
def webhook_verification_receive(*, connection: NotionConnection, token: str) -> bool:
    """Stores the verification token Notion posts when a subscription is created. Accepted
    only while the connection has none (new, or reset by an admin), so nobody who merely
    knows the URL can replace the token deliveries are checked with."""
    connection = _locked(connection)
    if connection.webhook_token:
        return False
    _token_store(connection, token.strip())
    _audit(
        connection,
        Actor.system("Notion webhook"),
        "webhook.verification_received",
        {"token_last4": connection.webhook_token_last4},
    )
    return True


@transaction.atomic
def webhook_token_reveal(*, connection: NotionConnection, actor: Actor) -> str:
    """The verification token in full, once, for the admin to paste back into Notion."""
    connection = _locked(connection)
    if not connection.webhook_token:
        raise WebhookTokenUnavailable("No verification token has arrived from Notion yet.")
    if connection.webhook_token_revealed_at is not None:
        raise WebhookTokenUnavailable(
            "The verification token was already shown once. If it was lost, reset the "
            "webhook and create the subscription in Notion again."
        )
    connection.webhook_token_revealed_at = timezone.now()
    connection.save(update_fields=["webhook_token_revealed_at", "updated_at"])
    _audit(
        connection, actor, "webhook.token_reveal", {"token_last4": connection.webhook_token_last4}
    )
    return connection.webhook_token


@transaction.atomic
def webhook_reset(*, connection: NotionConnection, actor: Actor) -> None:
    """Forgets the verification token so Notion's next handshake is accepted."""
    connection = _locked(connection)
    last4 = connection.webhook_token_last4
    _token_store(connection, "")
    _audit(connection, actor, "webhook.reset", {"forgotten_token_last4": last4})


def webhook_event_receive(*, connection: NotionConnection, event) -> tuple[WebhookEvent, bool]:
    """Stores a verified delivery and queues it; (row, False) for a redelivery of an event
    already received, which is not processed again."""
    from integrations.tasks import webhook_event_enqueue

    if not isinstance(event, dict):
        raise WebhookEventInvalid("The body is not a JSON object.")
    event_id, kind = event.get("id"), event.get("type")
    stamp = parse_timestamp(event.get("timestamp"))
    if not isinstance(event_id, str) or not event_id or len(event_id) > 100:
        raise WebhookEventInvalid("The event has no id.")
    if not isinstance(kind, str) or not kind or len(kind) > 60:
        raise WebhookEventInvalid("The event has no type.")
    if stamp is None:
        raise WebhookEventInvalid("The event has no valid timestamp.")
    entity = event.get("entity") if isinstance(event.get("entity"), dict) else {}
    now = timezone.now()
    NotionConnection.objects.filter(pk=connection.pk).update(webhook_last_delivery_at=now)
    try:
        with transaction.atomic():
            row = WebhookEvent.objects.create(
                connection=connection,
                event_id=event_id,
                type=kind,
                entity_id=str(entity.get("id") or "")[:64],
                entity_type=str(entity.get("type") or "")[:30],
                timestamp=stamp,
                attempt_number=_small_int(event.get("attempt_number")),
                payload=event,
            )
            transaction.on_commit(lambda: webhook_event_enqueue(row.pk))
    except IntegrityError:
        WebhookEvent.objects.filter(connection=connection, event_id=event_id).update(
            deliveries=F("deliveries") + 1
        )
        return WebhookEvent.objects.get(connection=connection, event_id=event_id), False
    return row, True


def _small_int(value) -> int:
    return value if isinstance(value, int) and 0 < value < 30_000 else 1


def webhook_event_sweep(*, now=None) -> list[int]:
    """Events still unprocessed long after they arrived (a worker died, a message was lost):
    their ids, to be queued again."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.TOOL_CALL_STUCK_AFTER_SECONDS)
    return list(
        WebhookEvent.objects.filter(
            status=WebhookEvent.Status.RECEIVED, received_at__lt=stale
        ).values_list("pk", flat=True)[:500]
    )
