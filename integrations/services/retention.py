"""Audit-log retention."""

from datetime import timedelta

from django.utils import timezone

from integrations.models import ActionLog

BATCH = 5_000


def action_log_prune(*, days: int) -> int:
    """Deletes final audit rows older than `days`, in batches so the table stays usable."""
    cutoff = timezone.now() - timedelta(days=days)
    total = 0
    while True:
        ids = list(
            ActionLog.objects.filter(
                created_at__lt=cutoff, status__in=ActionLog.FINAL_STATUSES
            ).values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return total
        total += ActionLog.objects.filter(pk__in=ids).delete()[0]
