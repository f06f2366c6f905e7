"""Scheduled automations: queue each due slot's run once, and record the slots missed while
no scheduler was running."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from integrations.audit import Actor, action_log_record
from integrations.automations import schedule
from integrations.automations.variables import RunContext
from integrations.models import ActionLog, Automation
from integrations.services.automations import automation_run_queue, iso_or_none


def automations_dispatch_due(*, now: datetime | None = None) -> list[int]:
    """Queues the runs of every scheduled automation whose time has come; returns the ids of
    the runs queued. Safe to call from several places at once: each automation is locked while
    its next slot is taken, and a slot's run is keyed by its time, so it is queued once."""
    now = now or timezone.now()
    due = Automation.objects.filter(
        enabled=True,
        paused_reason="",
        trigger__in=(Automation.Trigger.CRON, Automation.Trigger.INTERVAL),
        next_run_at__lte=now,
    )
    queued = []
    for pk in list(due.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            automation = (
                # of=self: a lock on the joined connection row (another automation's dispatch,
                # a webhook handshake) must not make SKIP LOCKED pass this automation over.
                due.select_for_update(skip_locked=True, of=("self",))
                .select_related("workspace", "connection")
                .filter(pk=pk)
                .first()
            )
            if automation is None:
                continue
            latest, missed, upcoming = schedule.due_slots(automation, now)
            if latest is None:
                continue
            automation.next_run_at = upcoming
            automation.missed_runs += missed
            automation.save(update_fields=["next_run_at", "missed_runs", "updated_at"])
            if missed:
                action_log_record(
                    workspace=automation.workspace,
                    actor=Actor.for_automation(automation),
                    action="automation.missed",
                    status=ActionLog.Status.SUCCEEDED,
                    connection=automation.connection,
                    arguments={"automation": automation.name},
                    result={
                        "missed": missed,
                        "ran_instead": iso_or_none(latest),
                        "detail": "The scheduler was not running at these times; the latest "
                        "missed run was made once instead of all of them.",
                    },
                )
            slot = iso_or_none(latest)
            log = automation_run_queue(
                automation=automation,
                ctx=RunContext(
                    now=now,
                    timezone=automation.timezone,
                    automation_name=automation.name,
                    scheduled_for=latest,
                ),
                key=f"schedule:{slot}",
                trigger_event_id=f"schedule:{slot}",
            )
            queued.append(log.pk)
    return queued
