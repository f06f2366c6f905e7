"""The token at rest: ciphertext in the column, loud failure on a wrong key, key rotation."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection as db

from integrations.fields import DecryptionError
from integrations.models import ActionLog, NotionConnection
from tests.fixtures.factories import FULL_TOKEN


def _raw_token(pk: int) -> str:
    with db.cursor() as cursor:
        cursor.execute("SELECT token FROM integrations_notionconnection WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_token_column_holds_ciphertext_not_the_token(connection):
    raw = _raw_token(connection.pk)
    assert FULL_TOKEN not in raw
    assert raw.startswith("gAAAA")  # a Fernet token
    assert NotionConnection.objects.get(pk=connection.pk).token == FULL_TOKEN


def test_loading_with_a_wrong_key_raises_instead_of_returning_ciphertext(connection, settings):
    settings.FIELD_ENCRYPTION_KEY = [Fernet.generate_key().decode()]
    with pytest.raises(DecryptionError) as excinfo:
        NotionConnection.objects.get(pk=connection.pk)
    assert FULL_TOKEN not in str(excinfo.value)
    assert _raw_token(connection.pk) not in str(excinfo.value)


def test_rotate_encryption_key_leaves_every_token_readable_with_the_new_key_alone(
    connection, settings
):
    old_key = settings.FIELD_ENCRYPTION_KEY[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = [new_key, old_key]
    before = _raw_token(connection.pk)

    call_command("rotate_encryption_key", stdout=io.StringIO())

    settings.FIELD_ENCRYPTION_KEY = [new_key]
    assert _raw_token(connection.pk) != before
    assert NotionConnection.objects.get(pk=connection.pk).token == FULL_TOKEN
    assert ActionLog.objects.filter(action="system.rotate_encryption_key").count() == 1


def test_repr_and_str_of_a_connection_show_only_the_last_four(connection):
    assert FULL_TOKEN not in repr(connection)
    assert FULL_TOKEN not in str(connection)
    assert connection.masked_token.endswith(FULL_TOKEN[-4:])


def test_audit_rows_never_hold_the_token(connection):
    for row in ActionLog.objects.all():
        assert FULL_TOKEN not in str(row.arguments) + str(row.result) + row.error_message
