"""Fixtures for the assistants' API: keys, assignments and a client that sends them."""

import pytest
from django.test import Client

from assistants.services import assignment_set
from tests.fixtures.factories import SYSTEM, make_connection


class ApiClient:
    def __init__(self, key: str):
        self.key = key
        self.http = Client()

    def _headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.key}"}

    def get(self, path: str):
        return self.http.get(path, **self._headers())

    def post(self, path: str, body, **extra):
        return self.http.post(
            path, body, content_type="application/json", **self._headers(), **extra
        )

    def call(self, tool: str, arguments=None, *, connection="Notion Workspace", **extra):
        return self.post(
            "/api/v1/tool-calls",
            {"connection": connection, "tool": tool, "arguments": arguments or {}, **extra},
        )


@pytest.fixture
def live_connection(transactional_db, workspace, assistant, notion_sandbox, sandbox_settings):
    """A connection whose token is the sandbox's full-access token, assistant at `full`.
    Transactional: calls are enqueued on commit, as in production."""
    connection = make_connection(workspace, assignments={assistant: "full"})
    return connection


@pytest.fixture
def api(assistant_with_key, live_connection) -> ApiClient:
    return ApiClient(assistant_with_key[1])


@pytest.fixture
def set_access(assistant, live_connection):
    def set_(level: str):
        assignment_set(assistant=assistant, connection=live_connection, access=level, actor=SYSTEM)

    return set_
