"""A whole client session over real HTTP, logged at DEBUG everywhere: the token never shows."""

from __future__ import annotations

import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from integrations.notion.client import NotionClient
from integrations.notion.errors import NotionError
from integrations.notion.limits import NotionLimitError, append_blocks

TOKEN = "ntn_LOGGING_token_7c1f9a0b3d5e_should_never_be_seen"


class NotionLike(BaseHTTPRequestHandler):
    """Answers like Notion would, including a 404 that echoes the Authorization header."""

    def _reply(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _route(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        path = self.path.split("?")[0]
        if path == "/v1/users/me":
            self._reply(200, {"object": "user", "type": "bot"}, {"x-notion-request-id": "rid-me"})
        elif path == "/v1/pages/missing":
            message = f"Could not find page; you sent {self.headers.get('Authorization')}"
            self._reply(
                404,
                {
                    "object": "error",
                    "status": 404,
                    "code": "object_not_found",
                    "message": message,
                    "request_id": "rid-404",
                },
            )
        elif path == "/v1/search":
            self._reply(
                429,
                {
                    "object": "error",
                    "code": "rate_limited",
                    "message": "Slow down",
                    "request_id": "rid-429",
                },
                {"Retry-After": "2"},
            )
        elif path == "/v1/databases/flaky":
            self._reply(
                502, "<html><title>502 Bad Gateway</title></html>", {"Content-Type": "text/html"}
            )
        elif path.endswith("/children") and self.command == "PATCH":
            self._reply(
                200, {"object": "list", "results": [{"id": "new-1"}], "request_id": "rid-append"}
            )
        else:
            self._reply(
                400,
                {
                    "object": "error",
                    "code": "invalid_request_url",
                    "message": "Invalid request URL.",
                },
            )

    do_GET = do_POST = do_PATCH = do_DELETE = _route

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def notion_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotionLike)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_full_session_logs_each_call_and_never_the_token(caplog, notion_url):
    caplog.set_level(logging.DEBUG)  # root: every library's records
    for name in ("urllib3", "requests", "integrations.notion.client"):
        caplog.set_level(logging.DEBUG, logger=name)

    def broken_hook(*args: object) -> None:
        raise RuntimeError("audit store is down")

    client = NotionClient(TOKEN, base_url=notion_url, after_response=broken_hook)
    errors: list[Exception] = []

    client.users_me()
    append_blocks(client, "page-1", [{"paragraph": {"rich_text": [{"text": {"content": "hi"}}]}}])
    for call in (
        lambda: client.pages_retrieve("missing"),
        lambda: client.search(query="q"),
        lambda: client.databases_retrieve("flaky"),
        lambda: client.blocks_children_list("b", page_size=500),
        lambda: NotionClient(TOKEN, base_url=f"http://127.0.0.1:{_closed_port()}").users_me(),
    ):
        with pytest.raises((NotionError, NotionLimitError)) as caught:
            call()
        errors.append(caught.value)

    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    logged = "\n".join(
        formatter.format(record) + repr(record.__dict__) for record in caplog.records
    )
    client_lines = [
        r.getMessage() for r in caplog.records if r.name == "integrations.notion.client"
    ]

    assert TOKEN not in logged
    assert TOKEN[4:20] not in logged  # not even a fragment of it
    assert any(r.name.startswith("urllib3") for r in caplog.records)  # DEBUG really was on
    assert "notion GET /v1/users/me status=200 code=- request_id=rid-me" in logged
    assert any("PATCH /v1/blocks/page-1/children status=200" in line for line in client_lines)
    assert any("status=404 code=object_not_found request_id=rid-404" in ln for ln in client_lines)
    assert any("status=429 code=rate_limited" in line for line in client_lines)
    assert any("status=502 code=bad_gateway" in line for line in client_lines)
    assert any("status=- code=connection_error" in line for line in client_lines)
    assert "audit store is down" in logged  # the hook failure was logged with its traceback
    for error in errors:
        for text in (str(error), repr(error), *map(str, error.args)):
            assert TOKEN not in text
    assert TOKEN not in repr(client)
    assert client.request_ids == ["rid-me", "rid-append", "rid-404", "rid-429"]
