"""NotionClient on a fake transport and local sockets: what is sent, errors raised, pagination."""

from __future__ import annotations

import http
import json
import pickle
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from integrations.notion import client as client_module
from integrations.notion.client import CLEAR, NotionClient
from integrations.notion.errors import (
    BadGatewayError,
    ClientError,
    ConflictError,
    DatabaseConnectionUnavailableError,
    GatewayTimeoutError,
    InternalServerError,
    NotionConnectionError,
    NotionError,
    NotionTimeoutError,
    ObjectNotFoundError,
    RateLimitedError,
    RateLimitError,
    ServerError,
    ServiceOverloadError,
    ServiceUnavailableError,
    UnexpectedResponseError,
    ValidationError,
    error_from_response,
    parse_retry_after,
)
from integrations.notion.limits import NotionLimitError
from integrations.notion.pagination import iterate

TOKEN = "ntn_4815162342abcdefSECRETtoken9876"

Reply = tuple[int, dict[str, str], str] | Exception


class FakeTransport(requests.adapters.BaseAdapter):
    """A requests adapter that answers from a handler and records what was sent."""

    def __init__(self, handler: Callable[[requests.PreparedRequest], Reply]) -> None:
        super().__init__()
        self.handler = handler
        self.sent: list[requests.PreparedRequest] = []
        self.timeouts: list[object] = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        self.sent.append(request)
        self.timeouts.append(timeout)
        reply = self.handler(request)
        if isinstance(reply, Exception):
            raise reply
        status, headers, body = reply
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict(headers)
        response._content = body.encode("utf-8") if isinstance(body, str) else body
        response.reason = _phrase(status)
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass

    def body(self, index: int = -1) -> object:
        raw = self.sent[index].body
        return json.loads(raw) if raw else None

    def path(self, index: int = -1) -> str:
        return urlsplit(self.sent[index].url).path

    def query(self, index: int = -1) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.sent[index].url).query)


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def fake_client(handler: Callable[[requests.PreparedRequest], Reply] | None = None, **kwargs):
    transport = FakeTransport(handler or (lambda request: ok({"object": "list", "results": []})))
    session = requests.Session()
    session.mount("https://", transport)
    session.mount("http://", transport)
    return NotionClient(TOKEN, session=session, **kwargs), transport


def ok(body: dict, headers: dict[str, str] | None = None) -> Reply:
    return 200, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body)


def notion_error(status: int, code: str, message: str = "m", **extra) -> Reply:
    body = {"object": "error", "status": status, "code": code, "message": message, **extra}
    return status, {"Content-Type": "application/json"}, json.dumps(body)


# --- what is sent --------------------------------------------------------------------------------


def test_request_carries_bearer_token_version_and_json_content_type():
    client, transport = fake_client(lambda r: ok({"object": "user", "id": "u1"}))

    assert client.users_me() == {"object": "user", "id": "u1"}

    sent = transport.sent[0]
    assert sent.method == "GET"
    assert sent.url == "https://api.notion.com/v1/users/me"
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["Notion-Version"] == "2025-09-03"
    assert sent.headers["Content-Type"] == "application/json"
    assert transport.timeouts[0] == (5.0, 30.0)


def test_base_url_version_and_timeout_can_be_pointed_anywhere():
    client, transport = fake_client(
        base_url="http://127.0.0.1:8765/v1/", version="2026-03-11", timeout=(1, 2)
    )

    client.users_list(page_size=5)

    assert transport.sent[0].url == "http://127.0.0.1:8765/v1/users?page_size=5"
    assert transport.sent[0].headers["Notion-Version"] == "2026-03-11"
    assert transport.timeouts[0] == (1.0, 2.0)


def test_settings_supply_defaults_when_arguments_are_missing(settings):
    settings.NOTION_API_BASE_URL = "http://sandbox.test:9000"
    settings.NOTION_API_VERSION = "2022-06-28"
    settings.NOTION_CONNECT_TIMEOUT = 1.5
    settings.NOTION_READ_TIMEOUT = 9

    client = NotionClient(TOKEN)

    assert client.base_url == "http://sandbox.test:9000"
    assert client.version == "2022-06-28"
    assert client.timeout == (1.5, 9.0)


def test_none_arguments_are_left_out_but_nested_nulls_are_kept():
    client, transport = fake_client(lambda r: ok({"object": "page", "id": "p"}))

    client.pages_update("p1", properties={"Due": {"date": None}}, in_trash=None, icon=None)
    client.pages_update("p1", icon=CLEAR)
    client.search(query="roadmap")

    assert transport.body(0) == {"properties": {"Due": {"date": None}}}
    assert transport.body(1) == {"icon": None}
    assert transport.body(2) == {"query": "roadmap"}


def test_get_requests_send_parameters_in_the_query_string_without_body():
    client, transport = fake_client()

    client.blocks_children_list("b1", start_cursor="c1", page_size=50)
    client.pages_retrieve("p1", filter_properties=["title", "a%3Bb"])
    client.pages_markdown_get("p1", include_transcript=True)
    client.comments_list(block_id="b2")

    assert transport.query(0) == {"start_cursor": ["c1"], "page_size": ["50"]}
    assert transport.sent[0].body is None
    assert transport.query(1) == {"filter_properties": ["title", "a%3Bb"]}
    assert transport.query(2) == {"include_transcript": ["true"]}
    assert transport.path(3) == "/v1/comments"
    assert transport.query(3) == {"block_id": ["b2"]}


def test_each_endpoint_uses_its_documented_method_and_path():
    client, transport = fake_client(lambda r: ok({"object": "list", "results": [{"id": "x"}]}))
    calls = [
        (lambda: client.users_retrieve("u1"), "GET", "/v1/users/u1", None),
        (lambda: client.pages_create(parent={"page_id": "p"}), "POST", "/v1/pages", None),
        (lambda: client.pages_trash("p1"), "PATCH", "/v1/pages/p1", {"in_trash": True}),
        (lambda: client.pages_restore("p1"), "PATCH", "/v1/pages/p1", {"in_trash": False}),
        (
            lambda: client.pages_move("p1", parent={"page_id": "p2"}),
            "POST",
            "/v1/pages/p1/move",
            {"parent": {"page_id": "p2"}},
        ),
        (
            lambda: client.pages_property_item("p1", "ti%tle"),
            "GET",
            "/v1/pages/p1/properties/ti%25tle",
            None,
        ),
        (
            lambda: client.pages_markdown_update("p1", body={"type": "replace_content"}),
            "PATCH",
            "/v1/pages/p1/markdown",
            {"type": "replace_content"},
        ),
        (lambda: client.blocks_retrieve("b1"), "GET", "/v1/blocks/b1", None),
        (
            lambda: client.blocks_children_append("b1", children=[], after="b0"),
            "PATCH",
            "/v1/blocks/b1/children",
            {"children": [], "after": "b0"},
        ),
        (
            lambda: client.blocks_update("b1", body={"paragraph": {"rich_text": []}}),
            "PATCH",
            "/v1/blocks/b1",
            {"paragraph": {"rich_text": []}},
        ),
        (lambda: client.blocks_delete("b1"), "DELETE", "/v1/blocks/b1", None),
        (
            lambda: client.databases_create(parent={"page_id": "p"}, is_inline=False),
            "POST",
            "/v1/databases",
            {"parent": {"page_id": "p"}, "is_inline": False},
        ),
        (lambda: client.databases_retrieve("d1"), "GET", "/v1/databases/d1", None),
        (
            lambda: client.databases_update("d1", body={"title": []}),
            "PATCH",
            "/v1/databases/d1",
            {"title": []},
        ),
        (lambda: client.data_sources_retrieve("s1"), "GET", "/v1/data_sources/s1", None),
        (
            lambda: client.data_sources_update("s1", body={"properties": {"Old": None}}),
            "PATCH",
            "/v1/data_sources/s1",
            {"properties": {"Old": None}},
        ),
        (
            lambda: client.data_sources_query("s1", sorts=[], page_size=10),
            "POST",
            "/v1/data_sources/s1/query",
            {"sorts": [], "page_size": 10},
        ),
        (
            lambda: client.data_sources_templates("s1", name="Weekly"),
            "GET",
            "/v1/data_sources/s1/templates",
            None,
        ),
        (
            lambda: client.comments_create(discussion_id="d", markdown="**hi**"),
            "POST",
            "/v1/comments",
            {"discussion_id": "d", "markdown": "**hi**"},
        ),
    ]
    for index, (call, method, path, body) in enumerate(calls):
        call()
        assert (transport.sent[index].method, transport.path(index)) == (method, path)
        if body is not None:
            assert transport.body(index) == body


def test_ids_cannot_escape_their_path_segment():
    client, transport = fake_client()

    client.pages_retrieve("../users")
    client.users_retrieve("me?x=1#f")
    for bad in ("..", ".", " "):
        with pytest.raises(ValueError):
            client.blocks_retrieve(bad)

    assert transport.path(0) == "/v1/pages/..%2Fusers"
    assert transport.path(1) == "/v1/users/me%3Fx%3D1%23f"
    assert len(transport.sent) == 2


def test_page_size_over_100_is_refused_before_sending():
    client, transport = fake_client()

    with pytest.raises(NotionLimitError, match="MAX_PAGE_SIZE") as caught:
        client.data_sources_query("s1", page_size=101)

    assert caught.value.actual == 101
    assert isinstance(caught.value, ValueError)
    assert transport.sent == []


def test_more_than_100_children_in_one_append_is_refused_before_sending():
    client, transport = fake_client()
    children = [{"paragraph": {"rich_text": []}}] * 101

    with pytest.raises(NotionLimitError, match="MAX_CHILDREN"):
        client.blocks_children_append("b1", children=children)
    with pytest.raises(NotionLimitError, match="MAX_CHILDREN"):
        client.pages_create(parent={"page_id": "p"}, children=children)

    assert transport.sent == []


def test_non_ascii_bodies_are_sent_as_utf8_not_escaped():
    client, transport = fake_client()

    client.search(query="Café ☕")

    assert "Café ☕".encode() in transport.sent[0].body


# --- responses -----------------------------------------------------------------------------------


def test_request_ids_are_collected_from_headers_and_bodies():
    replies = iter(
        [
            ok({"object": "user"}, {"x-notion-request-id": "rid-header"}),
            ok({"object": "user", "request_id": "rid-body"}),
            notion_error(404, "object_not_found", request_id="rid-error"),
        ]
    )
    client, _ = fake_client(lambda r: next(replies))

    client.users_me()
    client.users_me()
    with pytest.raises(ObjectNotFoundError):
        client.users_me()

    assert client.request_ids == ["rid-header", "rid-body", "rid-error"]


def test_empty_success_body_is_an_empty_dict_and_non_json_success_is_an_error():
    replies = iter([(200, {}, ""), (200, {"Content-Type": "text/html"}, "<html>hi</html>")])
    client, _ = fake_client(lambda r: next(replies))

    assert client.blocks_delete("b1") == {}
    with pytest.raises(UnexpectedResponseError) as caught:
        client.blocks_delete("b1")

    assert caught.value.status == 200
    assert caught.value.outcome_unknown is True


def test_not_found_error_reads_well_and_keeps_notion_details():
    message = "Could not find page with ID: abc. Make sure the relevant pages are shared."
    client, _ = fake_client(
        lambda r: notion_error(
            404,
            "object_not_found",
            message,
            request_id="req-1",
            additional_data={"integration_id": "int-1"},
        )
    )

    with pytest.raises(ObjectNotFoundError) as caught:
        client.pages_retrieve("abc")

    error = caught.value
    assert str(error) == f"404 object_not_found: {message} (request id req-1)"
    assert (error.status, error.code, error.request_id) == (404, "object_not_found", "req-1")
    assert (error.method, error.path) == ("GET", "/v1/pages/abc")
    assert error.additional_data == {"integration_id": "int-1"}
    assert isinstance(error, ClientError)
    assert not error.retryable


def test_unknown_code_falls_back_on_the_status_class_and_keeps_the_code():
    error = error_from_response("POST", "/v1/oauth/token", 400, {}, '{"code":"invalid_grant"}')
    teapot = error_from_response("GET", "/v1/x", 418, {}, '{"code":"teapot","message":"no"}')
    weird = error_from_response("GET", "/v1/x", 599, {}, "")

    assert type(error).__name__ == "BadRequestError"
    assert error.code == "invalid_grant"
    assert type(teapot) is ClientError
    assert teapot.code == "teapot"
    assert type(weird) is ServerError
    assert weird.code == "http_599"


def test_bad_gateway_html_page_becomes_a_readable_typed_error():
    page = (
        "<html><head><title>502 Bad Gateway</title><style>body{}</style></head>"
        "<body><h1>502 Bad Gateway</h1><p>cloudflare</p></body></html>"
    )
    client, _ = fake_client(lambda r: (502, {"Content-Type": "text/html"}, page))

    with pytest.raises(BadGatewayError) as read:
        client.blocks_retrieve("b1")
    with pytest.raises(BadGatewayError) as write:
        client.pages_create(parent={"page_id": "p"})

    assert str(read.value) == "502 bad_gateway: 502 Bad Gateway"
    assert read.value.retryable and not read.value.outcome_unknown
    assert not write.value.retryable and write.value.outcome_unknown


def test_503_codes_map_to_their_own_classes():
    busy = error_from_response("GET", "/v1/x", 503, {}, '{"code":"service_unavailable"}')
    db = error_from_response("GET", "/v1/x", 503, {}, '{"code":"database_connection_unavailable"}')

    assert type(busy) is ServiceUnavailableError
    assert type(db) is DatabaseConnectionUnavailableError
    assert isinstance(db, ServiceUnavailableError)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("7", 7.0), ("0.5", 0.5), (" 30 ", 30.0), ("-4", 0.0), ("soon", None), (None, None)],
)
def test_retry_after_seconds_are_parsed(value, expected):
    assert parse_retry_after(value) == expected


def test_retry_after_http_date_is_turned_into_seconds():
    now = datetime(2026, 7, 4, 12, 0, 0, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=90), usegmt=True)

    assert parse_retry_after(header, now=now.timestamp()) == 90.0


def test_rate_limited_response_exposes_retry_after_and_is_retryable_for_writes():
    body = {"additional_data": {"rate_limit_reason": "connection"}}
    client, _ = fake_client(
        lambda r: (
            429,
            {"Retry-After": "12", "x-notion-request-id": "rid-429"},
            json.dumps({"object": "error", "code": "rate_limited", "message": "slow", **body}),
        )
    )

    with pytest.raises(RateLimitError) as caught:
        client.pages_create(parent={"page_id": "p"})

    error = caught.value
    assert type(error) is RateLimitedError
    assert error.retry_after == 12.0
    assert error.request_id == "rid-429"
    assert error.additional_data == {"rate_limit_reason": "connection"}
    assert error.retryable
    assert not error.outcome_unknown


RETRYABLE = {
    # status: (GET, DELETE, POST, PATCH)
    400: (False, False, False, False),
    401: (False, False, False, False),
    403: (False, False, False, False),
    404: (False, False, False, False),
    409: (True, True, True, True),
    429: (True, True, True, True),
    500: (True, True, False, False),
    502: (True, True, False, False),
    503: (True, True, False, False),
    504: (True, True, False, False),
    529: (True, True, True, True),
}


@pytest.mark.parametrize("status", sorted(RETRYABLE))
def test_retryable_depends_on_status_and_method(status):
    methods = ("GET", "DELETE", "POST", "PATCH")
    found = tuple(
        error_from_response(method, "/v1/x", status, {}, "").retryable for method in methods
    )

    assert found == RETRYABLE[status]


def test_server_errors_on_writes_leave_the_outcome_unknown_but_refusals_do_not():
    def unknown(status: int, method: str) -> bool:
        return error_from_response(method, "/v1/x", status, {}, "").outcome_unknown

    assert unknown(500, "POST") and unknown(504, "PATCH") and unknown(504, "DELETE")
    assert not unknown(504, "GET")
    assert not unknown(429, "POST") and not unknown(529, "POST") and not unknown(400, "POST")


def test_catching_rate_limit_error_covers_429_and_529():
    overload = error_from_response("POST", "/v1/pages", 529, {"Retry-After": "3"}, "")

    assert isinstance(overload, RateLimitError) and isinstance(overload, ServerError)
    assert type(overload) is ServiceOverloadError
    assert overload.retry_after == 3.0
    assert isinstance(error_from_response("GET", "/", 409, {}, ""), ConflictError)
    assert isinstance(error_from_response("GET", "/", 500, {}, ""), InternalServerError)
    assert isinstance(error_from_response("GET", "/", 504, {}, ""), GatewayTimeoutError)
    assert isinstance(
        error_from_response("GET", "/", 400, {}, '{"code":"validation_error"}'), ValidationError
    )


def test_errors_survive_pickling_for_celery():
    error = error_from_response(
        "PATCH", "/v1/pages/p", 409, {"x-notion-request-id": "r9"}, '{"code":"conflict_error"}'
    )

    clone = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes

    assert type(clone) is ConflictError
    assert clone.to_dict() == error.to_dict()
    assert str(clone) == str(error)


# --- transport failures --------------------------------------------------------------------------

URL = "https://api.notion.com/v1/pages"


def _refused() -> Exception:
    cause = NewConnectionError(None, "Failed to establish a new connection: refused")
    return requests.ConnectionError(MaxRetryError(None, URL, cause))


def _connect_timeout() -> Exception:
    return requests.exceptions.ConnectTimeout(MaxRetryError(None, URL, ConnectTimeoutError()))


def _read_timeout() -> Exception:
    return requests.exceptions.ReadTimeout(ReadTimeoutError(None, URL, "Read timed out."))


def _dropped() -> Exception:
    return requests.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError()))


@pytest.mark.parametrize(
    ("failure", "error_class", "method", "outcome_unknown", "retryable"),
    [
        (_refused, NotionConnectionError, "POST", False, True),
        (_connect_timeout, NotionTimeoutError, "POST", False, True),
        (_read_timeout, NotionTimeoutError, "POST", True, False),
        (_read_timeout, NotionTimeoutError, "GET", False, True),
        (_read_timeout, NotionTimeoutError, "DELETE", True, True),
        (_dropped, NotionConnectionError, "PATCH", True, False),
        (_dropped, NotionConnectionError, "GET", False, True),
    ],
)
def test_transport_failures_say_whether_the_write_may_have_happened(
    failure, error_class, method, outcome_unknown, retryable
):
    client, _ = fake_client(lambda r: failure())

    with pytest.raises(error_class) as caught:
        client.request(method, "/v1/pages", json={} if method != "GET" else None)

    error = caught.value
    assert error.status is None
    assert error.outcome_unknown is outcome_unknown
    assert error.retryable is retryable
    assert TOKEN not in str(error) and TOKEN not in repr(error)
    assert getattr(error.__cause__, "request", None) is None  # no headers kept on the cause


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _OneShotServer:
    """A local TCP server that reads one request and then misbehaves as told."""

    def __init__(self, behaviour: str) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.behaviour = behaviour
        self.received = b""
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn:
            conn.settimeout(5)
            while b"\r\n\r\n" not in self.received:
                self.received += conn.recv(65536)
            if self.behaviour == "silent":
                self.release.wait(5)  # never answers; the client's read timeout fires first

    def close(self) -> None:
        self.release.set()
        self.thread.join(5)
        self.listener.close()


def test_refused_connection_on_a_real_socket_is_known_not_sent():
    client = NotionClient(TOKEN, base_url=f"http://127.0.0.1:{_free_port()}", timeout=(2, 2))

    with pytest.raises(NotionConnectionError) as caught:
        client.pages_create(parent={"page_id": "p"})

    assert caught.value.outcome_unknown is False
    assert caught.value.retryable is True


def test_connection_dropped_after_sending_a_write_leaves_its_outcome_unknown():
    server = _OneShotServer("drop")
    client = NotionClient(TOKEN, base_url=f"http://127.0.0.1:{server.port}", timeout=(2, 5))
    try:
        with pytest.raises(NotionConnectionError) as caught:
            client.pages_create(parent={"page_id": "p"})
    finally:
        server.close()

    assert b"POST /v1/pages" in server.received
    assert caught.value.outcome_unknown is True
    assert caught.value.retryable is False


def test_read_timeout_on_a_real_socket_leaves_a_write_unknown():
    server = _OneShotServer("silent")
    client = NotionClient(TOKEN, base_url=f"http://127.0.0.1:{server.port}", timeout=(2, 0.3))
    try:
        with pytest.raises(NotionTimeoutError) as caught:
            client.blocks_children_append("b1", children=[])
    finally:
        server.close()

    assert caught.value.outcome_unknown is True
    assert caught.value.retryable is False


# --- secrets -------------------------------------------------------------------------------------


def test_repr_shows_only_the_last_four_characters_of_the_token():
    client = NotionClient(TOKEN)

    assert TOKEN not in repr(client)
    assert "…9876" in repr(client)
    assert TOKEN[:-4] not in repr(client)
    assert NotionClient("short").token_hint == "…"


def test_error_strings_never_contain_the_token_even_if_echoed_by_the_server():
    echoed = f"Bad header: Authorization: Bearer {TOKEN}"
    replies = iter(
        [
            notion_error(401, "unauthorized", echoed, request_id="r1"),
            (502, {"Content-Type": "text/html"}, f"<p>{TOKEN}</p>"),
        ]
    )
    client, _ = fake_client(lambda r: next(replies))

    caught: list[NotionError] = []
    for _ in range(2):
        with pytest.raises(NotionError) as info:
            client.users_me()
        caught.append(info.value)

    for error in caught:
        for text in (str(error), repr(error), json.dumps(error.to_dict()), *map(str, error.args)):
            assert TOKEN not in text
        assert "[token]" in error.message


# --- hooks ---------------------------------------------------------------------------------------


def test_hooks_see_each_request_and_its_outcome():
    seen: list[tuple] = []
    replies = iter([ok({"request_id": "r1"}), notion_error(409, "conflict_error")])
    client, transport = fake_client(
        lambda r: next(replies),
        before_request=lambda method, path: seen.append(("before", method, path, len(sent))),
        after_response=lambda *args: seen.append(("after", *args)),
    )
    sent = transport.sent

    client.users_me()
    with pytest.raises(ConflictError):
        client.pages_update("p1", in_trash=True)

    assert seen[0] == ("before", "GET", "/v1/users/me", 0)
    assert seen[1][:5] == ("after", "GET", "/v1/users/me", 200, "r1")
    assert seen[1][6] is None
    assert seen[2] == ("before", "PATCH", "/v1/pages/p1", 1)
    assert seen[3][1:4] == ("PATCH", "/v1/pages/p1", 409)
    assert isinstance(seen[3][6], ConflictError)
    assert all(isinstance(entry[5], float) for entry in seen if entry[0] == "after")


def test_before_request_can_abort_without_anything_being_sent():
    class Paused(Exception):
        pass

    def before(method: str, path: str) -> None:
        raise Paused("connection paused")

    after: list[tuple] = []
    client, transport = fake_client(
        before_request=before, after_response=lambda *a: after.append(a)
    )

    with pytest.raises(Paused):
        client.users_me()

    assert transport.sent == [] and after == []


def test_a_failing_after_response_hook_does_not_hide_a_successful_write():
    def after(*args) -> None:
        raise RuntimeError("audit store down")

    client, _ = fake_client(lambda r: ok({"object": "page", "id": "new"}), after_response=after)

    assert client.pages_create(parent={"page_id": "p"})["id"] == "new"


# --- sessions ------------------------------------------------------------------------------------


def test_clients_share_one_pooled_session_per_process(monkeypatch):
    monkeypatch.setattr(client_module.base, "_session", None)
    first, second = NotionClient(TOKEN), NotionClient("ntn_other_token_0000000")

    shared = first.session
    assert shared is second.session
    adapter = shared.get_adapter("https://api.notion.com")
    assert adapter._pool_maxsize == client_module.POOL_MAXSIZE
    assert "Authorization" not in shared.headers  # tokens travel per request

    monkeypatch.setattr(client_module.base.os, "getpid", lambda: -1)  # as in a forked worker
    assert NotionClient(TOKEN).session is not shared


# --- pagination ----------------------------------------------------------------------------------


def _pages(total: int, *, incomplete_after: int | None = None):
    """A handler serving `total` items in pages of the requested size."""

    def handler(request: requests.PreparedRequest) -> Reply:
        query = parse_qs(urlsplit(request.url).query)
        body = json.loads(request.body) if request.body else {}
        size = int((query.get("page_size") or [body.get("page_size", 100)])[0])
        start = int((query.get("start_cursor") or [body.get("start_cursor") or 0])[0])
        end = min(start + size, total if incomplete_after is None else incomplete_after)
        more = end < (total if incomplete_after is None else incomplete_after)
        page = {
            "object": "list",
            "results": [{"id": str(i)} for i in range(start, end)],
            "next_cursor": str(end) if more else None,
            "has_more": more,
        }
        if incomplete_after is not None and not more:
            page["request_status"] = {
                "type": "incomplete",
                "incomplete_reason": "query_result_limit_reached",
            }
        return ok(page)

    return handler


def test_paginate_stops_at_the_limit_with_a_cursor_that_loses_nothing():
    client, transport = fake_client(_pages(250))

    items = client.paginate("blocks_children_list", "b1", limit=130)
    ids = [item["id"] for item in items]

    assert ids == [str(i) for i in range(130)]
    assert [q["page_size"] for q in map(transport.query, range(2))] == [["100"], ["30"]]
    assert items.pages_fetched == 2
    assert items.next_cursor == "130" and items.has_more and items.resume_offset == 0
    assert not items.incomplete


def test_paginate_walks_every_page_without_a_limit():
    client, _ = fake_client(_pages(205))

    items = client.paginate("data_sources_query", "s1", filter={"and": []})

    assert len(list(items)) == 205
    assert items.pages_fetched == 3
    assert items.next_cursor is None and not items.has_more


def test_paginate_reports_notions_10000_result_cap_as_incomplete():
    client, _ = fake_client(_pages(20_000, incomplete_after=250))

    items = client.paginate("search", query="x")

    assert len(list(items)) == 250
    assert items.incomplete is True
    assert items.incomplete_reason == "query_result_limit_reached"
    assert items.next_cursor is None


def test_templates_are_read_from_their_own_key():
    client, _ = fake_client(
        lambda r: ok({"templates": [{"id": "t1", "name": "Weekly"}], "has_more": False})
    )

    assert [t["id"] for t in client.paginate("data_sources_templates", "s1")] == ["t1"]


def test_iterate_stopping_mid_page_resumes_from_that_page_start():
    pages = {
        None: {"results": [1, 2, 3], "next_cursor": "c2", "has_more": True},
        "c2": {"results": [4, 5, 6], "next_cursor": None, "has_more": False},
    }
    fetched: list[str | None] = []

    def fetch(cursor):
        fetched.append(cursor)
        return pages[cursor]

    items = iterate(fetch, limit=5)

    assert list(items) == [1, 2, 3, 4, 5]
    assert fetched == [None, "c2"]
    assert (items.next_cursor, items.resume_offset, items.has_more) == ("c2", 2, True)


def test_iterate_with_limit_zero_fetches_nothing():
    items = iterate(lambda cursor: pytest.fail("fetched"), limit=0)

    assert list(items) == []
    assert items.pages_fetched == 0


def test_a_cursor_that_does_not_move_ends_iteration():
    items = iterate(lambda cursor: {"results": [1], "next_cursor": "same", "has_more": True})

    assert list(items) == [1, 1]
    assert items.pages_fetched == 2


def test_a_body_that_is_not_json_fails_locally_before_the_rate_limiter_is_asked():
    asked: list[str] = []
    client, transport = fake_client(before_request=lambda method, path: asked.append(path))

    with pytest.raises(ValueError):
        client.blocks_update("b1", body={"number": float("nan")})

    assert asked == [] and transport.sent == []
