"""Retention: old audit rows and old webhook deliveries are deleted in batches."""

from datetime import timedelta

from django.utils import timezone

from integrations.models import ActionLog, WebhookEvent

BATCH = 5_000


def _prune(queryset) -> int:
    total = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:BATCH])
        if not ids:
            return total
        total += queryset.model.objects.filter(pk__in=ids).delete()[0]


def action_log_prune(*, days: int) -> int:
    """Deletes final audit rows older than `days`, and handled webhook events as old, in
    batches so the tables stay usable. Returns the number of audit rows deleted."""
    cutoff = timezone.now() - timedelta(days=days)
    _prune(WebhookEvent.objects.filter(received_at__lt=cutoff).exclude(status="received"))
    return _prune(
        ActionLog.objects.filter(created_at__lt=cutoff, status__in=ActionLog.FINAL_STATUSES)
    )
