"""Deletes audit rows older than the retention period."""

from django.conf import settings
from django.core.management.base import BaseCommand

from integrations.services.retention import action_log_prune


class Command(BaseCommand):
    help = "Delete finished audit rows older than ACTION_LOG_RETENTION_DAYS (default 90)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days, **options):
        days = days if days is not None else settings.ACTION_LOG_RETENTION_DAYS
        deleted = action_log_prune(days=days)
        self.stdout.write(f"Deleted {deleted} audit row(s) older than {days} days.")
