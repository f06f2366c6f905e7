"""Runs due scheduled automations every few seconds: the scheduler without celery beat."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from integrations.services.schedules import automations_dispatch_due


class Command(BaseCommand):
    help = (
        "Queue the runs of scheduled automations as they come due (celery beat does this in "
        "production; `make run` starts this instead). --once checks a single time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Check once and exit.")
        parser.add_argument(
            "--every",
            type=float,
            default=None,
            help="Seconds between checks (default AUTOMATION_DISPATCH_SECONDS).",
        )

    def handle(self, *args, once=False, every=None, **options):
        every = every or settings.AUTOMATION_DISPATCH_SECONDS
        while True:
            queued = automations_dispatch_due()
            if queued or once:
                self.stdout.write(f"Queued {len(queued)} scheduled run(s).")
            if once:
                return
            time.sleep(every)
