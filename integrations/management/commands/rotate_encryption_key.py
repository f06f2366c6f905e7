"""Re-encrypts every stored secret (integration and webhook tokens) with the newest key."""

from django.core.management.base import BaseCommand
from django.db import transaction

from integrations.audit import Actor, action_log_record
from integrations.models import ActionLog, NotionConnection


class Command(BaseCommand):
    help = (
        "Re-encrypt every token with the first (newest) FIELD_ENCRYPTION_KEY. Put the new key "
        "first in the list, run this, then remove the old key."
    )

    def handle(self, *args, **options):
        count = 0
        with transaction.atomic():
            # Loading decrypts with whichever configured key fits; saving encrypts with the first.
            for connection in NotionConnection.objects.select_for_update().order_by("pk"):
                connection.save(update_fields=["token", "webhook_token"])
                count += 1
            action_log_record(
                workspace=None,
                actor=Actor.system("manage.py rotate_encryption_key"),
                action="system.rotate_encryption_key",
                status=ActionLog.Status.SUCCEEDED,
                result={"tokens_reencrypted": count},
            )
        self.stdout.write(f"Re-encrypted {count} token(s) with the newest key.")
