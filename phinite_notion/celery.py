"""The Celery app: Redis broker when REDIS_URL is set, in-process execution otherwise."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phinite_notion.settings")

app = Celery("phinite_notion")


def _configure(app: Celery) -> None:
    from django.conf import settings

    redis_url = settings.REDIS_URL
    app.conf.update(
        broker_url=redis_url or "memory://",
        # Results live in ActionLog rows, never in a Celery result backend.
        task_ignore_result=True,
        task_always_eager=not redis_url,
        task_eager_propagates=False,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        # A task is acknowledged only once it finished, and a worker that dies hands its
        # task back: with these, a killed worker's tool call is redelivered, not lost.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=120,
        task_time_limit=150,
        # Redis redelivers an unacknowledged task after this; far above the hard limit so a
        # long but live task is never run twice, and above our longest countdown.
        broker_transport_options={"visibility_timeout": 3600},
        broker_connection_retry_on_startup=True,
        # Celery's Django fix-up closes the database connection around every task unless this
        # is set; we keep it and let Django's own rules (CONN_MAX_AGE, health checks) decide,
        # through close_old_connections below.
        CELERY_DB_REUSE_MAX=1_000_000,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        timezone="UTC",
        beat_schedule={
            "sweep-stuck-tool-calls": {
                "task": "integrations.tool_call_sweep",
                "schedule": 60.0,
            },
            "dispatch-due-automations": {
                "task": "integrations.automations_dispatch",
                "schedule": settings.AUTOMATION_DISPATCH_SECONDS,
            },
            "prune-action-logs": {
                "task": "integrations.prune_action_logs",
                "schedule": 24 * 3600.0,
            },
        },
    )


app.config_from_object("django.conf:settings", namespace="CELERY")


@app.on_configure.connect
def _on_configure(sender: Celery, **kwargs) -> None:
    _configure(sender)


@task_prerun.connect
@task_postrun.connect
def _close_old_db_connections(**kwargs) -> None:
    from django.db import close_old_connections

    close_old_connections()


app.autodiscover_tasks()
