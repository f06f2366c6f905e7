"""The endpoint Notion delivers webhook events to: one per connection, signed with its token."""

import json
import logging

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from integrations.automations.events import SIGNATURE_HEADER, signature_valid
from integrations.models import NotionConnection
from integrations.services.webhooks import (
    WebhookEventInvalid,
    webhook_event_receive,
    webhook_verification_receive,
)

logger = logging.getLogger(__name__)


def _answer(status: int, code: str, message: str = "") -> JsonResponse:
    body = {"ok": True} if status == 200 else {"error": {"code": code, "message": message}}
    if status == 200 and code:
        body["result"] = code
    return JsonResponse(body, status=status)


def _handshake_token(raw: bytes) -> str | None:
    """The verification_token of Notion's one-time, unsigned handshake body, if that is what
    this is."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(body, dict) and set(body) == {"verification_token"}:
        token = body["verification_token"]
        if isinstance(token, str) and 0 < len(token.strip()) <= 400:
            return token
    return None


@csrf_exempt
@require_POST
def notion_webhook(request, connection_id: int):
    """Unsigned: only Notion's handshake is accepted. Signed: the signature must match the
    stored verification token, or nothing is read further. Answers as soon as the event is
    stored and queued."""
    too_large = _answer(413, "too_large", "The delivery is larger than any Notion event.")
    declared = request.headers.get("Content-Length") or "0"
    if not declared.isdigit() or int(declared) > settings.WEBHOOK_MAX_BODY_BYTES:
        return too_large
    connection = NotionConnection.objects.filter(pk=connection_id).first()
    if connection is None:
        return _answer(404, "not_found", "No webhook endpoint here.")
    raw = request.body
    if len(raw) > settings.WEBHOOK_MAX_BODY_BYTES:
        return too_large
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        token = _handshake_token(raw)
        if token is None:
            return _answer(401, "signature_missing", f"{SIGNATURE_HEADER} is required.")
        if not webhook_verification_receive(connection=connection, token=token):
            return _answer(
                409,
                "already_verified",
                "This endpoint already has a verification token; an admin must reset the "
                "webhook in Phinite before a new subscription can verify it.",
            )
        return _answer(200, "verification_token_received")
    if not connection.webhook_token or not signature_valid(
        connection.webhook_token, raw, signature
    ):
        logger.warning("webhook for connection %s: bad signature, ignored", connection.pk)
        return _answer(403, "signature_invalid", "The signature does not match.")
    try:
        event = json.loads(raw)
        _, created = webhook_event_receive(connection=connection, event=event)
    except (ValueError, UnicodeDecodeError) as exc:
        message = str(exc) if isinstance(exc, WebhookEventInvalid) else "The body is not JSON."
        return _answer(400, "invalid_event", message)
    return _answer(200, "queued" if created else "duplicate")
