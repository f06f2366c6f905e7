"""Shared by the proof tests: the API fixtures of tests/integrations/api and a few helpers."""

import os
import socket
import time

import pytest
from django.conf import settings as django_settings

from integrations.models import ActionLog

# Re-exported so the proof tests get the same assistant, live connection and API client as the
# API tests (fixtures of a sibling conftest are not visible here otherwise).
from tests.integrations.api.conftest import api, live_connection, set_access  # noqa: F401


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Nothing listens on `port` (connections left in TIME_WAIT don't count, as for a server)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def require_postgres() -> None:
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI runs the proof tests on PostgreSQL")
        pytest.skip("This proof needs PostgreSQL: set DATABASE_URL to run it.")


def wait_all_final(ids: list[int], timeout: float) -> list[ActionLog]:
    """The rows of `ids` once every one is final; fails naming the stragglers otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        rows = list(ActionLog.objects.filter(pk__in=ids).order_by("pk"))
        if len(rows) == len(ids) and all(row.is_final for row in rows):
            return rows
        if time.monotonic() > deadline:
            open_rows = [(r.pk, r.status, r.progress) for r in rows if not r.is_final]
            raise AssertionError(
                f"{len(open_rows)} call(s) not final after {timeout}s: {open_rows}"
            )
        time.sleep(0.2)
