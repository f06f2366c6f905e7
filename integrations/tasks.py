"""Celery tasks: thin wrappers that take ids, call one service and own the retry policy."""

import logging
import time

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from phinite_notion.celery import app

logger = logging.getLogger(__name__)


def tasks_run_in_process() -> bool:
    return bool(app.conf.task_always_eager)


def tool_call_enqueue(log_id: int, countdown: float | None = None) -> None:
    """Hands a call to the workers (or, with no broker, runs it here and now)."""
    if tasks_run_in_process():
        _run_in_process(log_id)
        return
    tool_call_run.apply_async(args=[log_id], countdown=countdown)


def _run_in_process(log_id: int) -> None:
    from integrations.services.tool_execution import tool_call_execute

    _until_done(lambda: tool_call_execute(log_id=log_id))


def _until_done(attempt) -> None:
    # The embedded default has no broker to come back later, so waits are slept here.
    while not (outcome := attempt()).done:
        time.sleep(min(outcome.retry_in, 65.0))


def webhook_event_enqueue(event_pk: int) -> None:
    """Hands a received webhook event to the workers (or handles it here, with no broker)."""
    if tasks_run_in_process():
        from integrations.services.webhook_events import webhook_event_process

        _until_done(lambda: webhook_event_process(event_pk=event_pk))
        return
    webhook_event_run.apply_async(args=[event_pk])


@shared_task(name="integrations.webhook_event_run", acks_late=True, reject_on_worker_lost=True)
def webhook_event_run(event_pk: int) -> None:
    from integrations.services.webhook_events import webhook_event_process

    outcome = webhook_event_process(event_pk=event_pk)
    if not outcome.done:
        webhook_event_run.apply_async(args=[event_pk], countdown=outcome.retry_in)


@shared_task(name="integrations.automations_dispatch")
def automations_dispatch() -> int:
    """Queues the runs of scheduled automations that are due (celery beat calls this)."""
    from integrations.services.schedules import automations_dispatch_due

    return len(automations_dispatch_due())


@shared_task(name="integrations.tool_call_run", acks_late=True, reject_on_worker_lost=True)
def tool_call_run(log_id: int) -> None:
    from integrations.services.tool_execution import tool_call_execute

    outcome = tool_call_execute(log_id=log_id)
    if not outcome.done:
        # A countdown instead of a sleep: the worker goes on with other connections' calls.
        tool_call_run.apply_async(args=[log_id], countdown=outcome.retry_in)


@shared_task(name="integrations.tool_call_sweep")
def tool_call_sweep() -> dict:
    from integrations.services.tool_execution import tool_call_sweep as sweep
    from integrations.services.webhooks import webhook_event_sweep

    swept = sweep()
    for log_id in swept["requeued"]:
        tool_call_run.apply_async(args=[log_id])
    for event_pk in webhook_event_sweep():
        webhook_event_run.apply_async(args=[event_pk])
    if swept["requeued"] or swept["failed"]:
        logger.info(
            "sweep: requeued %d stuck call(s), failed %d", len(swept["requeued"]), swept["failed"]
        )
    return {"requeued": len(swept["requeued"]), "failed": swept["failed"]}


@shared_task(name="integrations.prune_action_logs")
def prune_action_logs() -> int:
    from integrations.services.retention import action_log_prune

    return action_log_prune(days=settings.ACTION_LOG_RETENTION_DAYS)


@worker_ready.connect
def _sweep_on_worker_start(sender=None, **kwargs) -> None:
    # A worker that starts after a crash picks up what the crashed one left behind.
    try:
        tool_call_sweep.delay()
    except Exception:  # never keep a worker from starting
        logger.exception("could not schedule the start-up sweep")
