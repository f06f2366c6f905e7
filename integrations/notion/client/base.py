"""The transport under NotionClient: one request, typed errors, hooks and one log line per call."""

from __future__ import annotations

import json as jsonlib
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
)
from urllib3.exceptions import SSLError as Urllib3SSLError

from ..errors import (
    NotionConnectionError,
    NotionError,
    NotionNetworkError,
    NotionTimeoutError,
    UnexpectedResponseError,
    error_from_response,
)
from ..limits import MAX_CHILDREN, NotionLimitError, check_page_size
from ..pagination import Paginated, iterate

logger = logging.getLogger("integrations.notion.client")

DEFAULT_BASE_URL = "https://api.notion.com"
DEFAULT_VERSION = "2025-09-03"
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 30.0
POOL_MAXSIZE = 20

BeforeRequest = Callable[[str, str], Any]
AfterResponse = Callable[[str, str, "int | None", "str | None", float, "NotionError | None"], Any]


class _Clear:
    """Sentinel for a field to send as JSON null (e.g. `icon=CLEAR` removes a page icon)."""

    def __repr__(self) -> str:
        return "CLEAR"


CLEAR: Any = _Clear()

_session_lock = threading.Lock()
_session: requests.Session | None = None
_session_pid: int | None = None


def shared_session() -> requests.Session:
    """The process-wide pooled session; a forked worker gets its own, never its parent's sockets."""
    global _session, _session_pid
    with _session_lock:
        if _session is None or _session_pid != os.getpid():
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOL_MAXSIZE, max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            _session, _session_pid = session, os.getpid()
        return _session


def _setting(name: str, default: Any) -> Any:
    """A Django setting when Django is configured, else the default (the client works without)."""
    try:
        from django.conf import settings

        return getattr(settings, name, default)
    except Exception:  # ImproperlyConfigured or Django absent
        return default


def _timeout(value: float | tuple[float, float] | None) -> tuple[float, float]:
    if value is None:
        return (
            float(_setting("NOTION_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT)),
            float(_setting("NOTION_READ_TIMEOUT", DEFAULT_READ_TIMEOUT)),
        )
    if isinstance(value, int | float):
        return (float(value), float(value))
    connect, read = value
    return (float(connect), float(read))


def _id(value: str) -> str:
    """An id made safe for a URL path, so a crafted id cannot reach another endpoint."""
    text = str(value).strip()
    # "." and ".." would be read as dot segments and climb out of the path.
    if not text.strip("."):
        raise ValueError(f"not a Notion id: {text!r}")
    return quote(text, safe="-")


def _body(**fields: Any) -> dict[str, Any]:
    """Top-level fields without the None ones; CLEAR becomes null. Nested values are kept as is."""
    return {k: (None if v is CLEAR else v) for k, v in fields.items() if v is not None}


Params = Mapping[str, Any] | Sequence[tuple[str, Any]]


def _params(params: Params | None) -> list[tuple[str, Any]]:
    """Query pairs without None values; booleans as Notion spells them; lists repeat the key."""
    pairs = params.items() if isinstance(params, Mapping) else (params or [])
    out: list[tuple[str, Any]] = []
    for key, value in pairs:
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item is None:
                continue
            out.append((key, ("true" if item else "false") if isinstance(item, bool) else item))
    return out


def _dumps(data: Any) -> bytes:
    # UTF-8 rather than \u escapes: the payload counts against Notion's 500 KB limit.
    return jsonlib.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _never_sent(exc: requests.ConnectionError) -> bool:
    """True when the connection failed before any byte of the request left this machine."""
    if isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.SSLError):
        return True
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(
        reason, NewConnectionError | NameResolutionError | ConnectTimeoutError | Urllib3SSLError
    )


class BaseNotionClient:
    """Sends one request, turns every failure into a NotionError, and logs one line per call."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str | None = None,
        version: str | None = None,
        timeout: float | tuple[float, float] | None = None,
        session: requests.Session | None = None,
        before_request: BeforeRequest | None = None,
        after_response: AfterResponse | None = None,
    ) -> None:
        if not token or not isinstance(token, str):
            raise ValueError("a Notion token is required")
        self._token = token
        url = (base_url or _setting("NOTION_API_BASE_URL", DEFAULT_BASE_URL)).rstrip("/")
        self.base_url = url.removesuffix("/v1")  # paths carry /v1 themselves
        self.version = version or _setting("NOTION_API_VERSION", DEFAULT_VERSION)
        self.timeout = _timeout(timeout)
        self._session = session
        self.before_request = before_request
        self.after_response = after_response
        self.request_ids: list[str] = []

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(token={self.token_hint!r}, base_url={self.base_url!r}, "
            f"version={self.version!r})"
        )

    @property
    def token_hint(self) -> str:
        """The token as it may be shown: its last four characters only."""
        return f"…{self._token[-4:]}" if len(self._token) >= 12 else "…"

    @property
    def session(self) -> requests.Session:
        return self._session if self._session is not None else shared_session()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
    ) -> dict[str, Any]:
        """Send one request to `path` (e.g. "/v1/users/me"); return the JSON object or raise."""
        method = method.upper()
        if not path.startswith("/"):
            raise ValueError("path must start with '/', e.g. '/v1/users/me'")
        data = _dumps(json) if json is not None else None  # a bad body fails before any slot
        if self.before_request is not None:
            self.before_request(method, path)  # may raise to abort (e.g. the rate limiter)
        started = time.monotonic()
        status: int | None = None
        request_id: str | None = None
        try:
            response = self._send(method, path, params, data)
            status = response.status_code
            request_id = response.headers.get("x-notion-request-id")
            result = self._parse(method, path, response)
            request_id = request_id or _str(result.get("request_id"))
        except NotionError as error:
            request_id = error.request_id or request_id
            self._finish(method, path, status, request_id, started, error)
            raise
        self._finish(method, path, status, request_id, started, None)
        return result

    def _send(
        self, method: str, path: str, params: Params | None, data: bytes | None
    ) -> requests.Response:
        headers = {
            "Authorization": f"Bearer {self._token}",
            "Notion-Version": self.version,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        try:
            return self.session.request(
                method,
                self.base_url + path,
                params=_params(params),
                data=data,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,  # never forward the token elsewhere
            )
        except requests.exceptions.Timeout as exc:
            connect = isinstance(exc, requests.exceptions.ConnectTimeout)
            raise _network_error(NotionTimeoutError, method, path, exc, sent=not connect) from exc
        except requests.ConnectionError as exc:
            sent = not _never_sent(exc)
            raise _network_error(NotionConnectionError, method, path, exc, sent=sent) from exc
        except requests.RequestException as exc:  # e.g. a body cut off mid-read
            raise _network_error(NotionConnectionError, method, path, exc, sent=True) from exc

    def _parse(self, method: str, path: str, response: requests.Response) -> dict[str, Any]:
        status = response.status_code
        if not 200 <= status < 300:
            error = error_from_response(method, path, status, response.headers, response.content)
            error.message = self._redact(error.message)
            error.args = (str(error),)
            raise error
        if not response.content.strip():
            return {}
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise UnexpectedResponseError(
                "Notion answered with a body that is not a JSON object",
                status=status,
                method=method,
                path=path,
                request_id=response.headers.get("x-notion-request-id"),
            )
        return data

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "[token]") if self._token in text else text

    def _finish(
        self,
        method: str,
        path: str,
        status: int | None,
        request_id: str | None,
        started: float,
        error: NotionError | None,
    ) -> None:
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        if request_id:
            self.request_ids.append(request_id)
        level = logging.INFO if error is None else logging.WARNING
        logger.log(
            level,
            "notion %s %s status=%s code=%s request_id=%s duration_ms=%s",
            method,
            path,
            status if status is not None else "-",
            error.code if error is not None else "-",
            request_id or "-",
            duration_ms,
            extra={
                "notion_method": method,
                "notion_path": path,
                "notion_status": status,
                "notion_request_id": request_id,
                "duration_ms": duration_ms,
            },
        )
        if self.after_response is None:
            return
        try:
            self.after_response(method, path, status, request_id, duration_ms, error)
        except Exception:
            # A failing hook must not hide what Notion did (a write may have succeeded).
            logger.exception("notion after_response hook failed for %s %s", method, path)

    def paginate(
        self,
        method: str | Callable[..., dict[str, Any]],
        *args: Any,
        limit: int | None = None,
        **kwargs: Any,
    ) -> Paginated:
        """Iterate every item of a list endpoint, e.g. `client.paginate("search", query="x")`.
        Pages are sized to end exactly at `limit`, so `next_cursor` resumes with nothing lost."""
        fetch = getattr(self, method) if isinstance(method, str) else method
        name = method if isinstance(method, str) else getattr(method, "__name__", "")
        fixed_size = kwargs.pop("page_size", None)
        check_page_size(fixed_size)
        paginated: Paginated

        def fetch_page(cursor: str | None) -> dict[str, Any]:
            remaining = paginated.remaining
            size = fixed_size or 100
            if remaining is not None:
                size = min(size, remaining)
            return fetch(*args, start_cursor=cursor, page_size=size, **kwargs)

        key = "templates" if name == "data_sources_templates" else "results"
        paginated = iterate(fetch_page, limit=limit, results_key=key)
        return paginated


def _network_error(
    cls: type[NotionNetworkError], method: str, path: str, exc: Exception, *, sent: bool
) -> NotionNetworkError:
    # The failed PreparedRequest holds the Authorization header; drop it from the cause we chain.
    if isinstance(exc, requests.RequestException):
        exc.request = None
    when = "after the request was sent" if sent else "before the request was sent"
    return cls(
        f"{type(exc).__name__} {when}",
        method=method,
        path=path,
        outcome_unknown=sent and method not in ("GET", "HEAD"),
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _check_children(children: list[Any] | None, field: str = "children") -> None:
    if children is not None and len(children) > MAX_CHILDREN:
        raise NotionLimitError("MAX_CHILDREN", field, actual=len(children))
