"""Typed errors for Notion API failures, built from HTTP responses or transport failures."""

from __future__ import annotations

import email.utils
import html
import http
import json
import re
import time
from collections.abc import Mapping
from typing import Any, ClassVar

# Methods Notion treats as idempotent: repeating them cannot create a second object.
# PATCH is left out on purpose: appending children is a PATCH and is not idempotent.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "DELETE"})
# Methods that change nothing, so their outcome is never in doubt.
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})

_MESSAGE_MAX = 300


class NotionError(Exception):
    """Base of every error raised while talking to Notion."""

    default_code: ClassVar[str | None] = "notion_error"
    # "never", "always", "idempotent" (GET/HEAD/DELETE) or "unsent" (idempotent or never sent).
    retry_policy: ClassVar[str] = "never"
    # Whether a failed write may still have been applied by Notion.
    outcome_policy: ClassVar[str] = "never"

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        method: str | None = None,
        path: str | None = None,
        additional_data: Mapping[str, Any] | None = None,
        outcome_unknown: bool | None = None,
    ) -> None:
        self.status = status
        self.code = code or self.default_code or (f"http_{status}" if status else "notion_error")
        self.message = message
        self.request_id = request_id
        self.retry_after = retry_after
        self.method = method.upper() if method else None
        self.path = path
        self.additional_data = dict(additional_data or {})
        if outcome_unknown is None:
            outcome_unknown = self.outcome_policy == "write" and not _is_read_only(self.method)
        self.outcome_unknown = outcome_unknown
        super().__init__(self.__str__())

    @property
    def retryable(self) -> bool:
        """True when repeating the same request is safe and may succeed."""
        if self.retry_policy == "always":
            return True
        if self.retry_policy == "idempotent":
            return _is_idempotent(self.method)
        if self.retry_policy == "unsent":
            return _is_idempotent(self.method) or not self.outcome_unknown
        return False

    def __str__(self) -> str:
        head = f"{self.status} {self.code}" if self.status is not None else self.code
        text = f"{head}: {self.message}" if self.message else head
        if self.request_id:
            text += f" (request id {self.request_id})"
        return text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"request_id={self.request_id!r}, method={self.method!r}, path={self.path!r})"
        )

    def __reduce__(self):
        # Keyword-only __init__ defeats Exception's default pickling (Celery pickles errors).
        return (_rebuild, (type(self), self.to_dict()))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe summary for audit rows and task results."""
        return {
            "error": type(self).__name__,
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "request_id": self.request_id,
            "retry_after": self.retry_after,
            "method": self.method,
            "path": self.path,
            "additional_data": self.additional_data,
            "retryable": self.retryable,
            "outcome_unknown": self.outcome_unknown,
        }


def _rebuild(cls: type[NotionError], state: dict[str, Any]) -> NotionError:
    kwargs = {k: state[k] for k in _INIT_KEYS if k in state}
    return cls(state.get("message", ""), **kwargs)


_INIT_KEYS = (
    "status",
    "code",
    "request_id",
    "retry_after",
    "method",
    "path",
    "additional_data",
    "outcome_unknown",
)


def _is_idempotent(method: str | None) -> bool:
    return method is not None and method.upper() in IDEMPOTENT_METHODS


def _is_read_only(method: str | None) -> bool:
    return method is not None and method.upper() in READ_ONLY_METHODS


# --- HTTP response errors ------------------------------------------------------------------------


class NotionAPIError(NotionError):
    """Notion (or something in front of it) answered with an error status."""

    default_code = None


class UnexpectedResponseError(NotionAPIError):
    """A success status whose body is not a JSON object; a write may have been applied."""

    default_code = "invalid_response"
    outcome_policy = "write"


class ClientError(NotionAPIError):
    """4xx: the request itself is wrong; repeating it unchanged fails the same way."""


class ServerError(NotionAPIError):
    """5xx: Notion failed; a write may or may not have been applied."""

    retry_policy = "idempotent"
    outcome_policy = "write"


class RateLimitError(NotionAPIError):
    """429 or 529: Notion refused the request; wait `retry_after` seconds and send it again."""

    retry_policy = "always"
    outcome_policy = "never"


class BadRequestError(ClientError):
    """400 with a code this client does not know (e.g. invalid_grant, invalid_beta)."""


class ValidationError(BadRequestError):
    default_code = "validation_error"


class InvalidJSONError(BadRequestError):
    default_code = "invalid_json"


class InvalidRequestURLError(BadRequestError):
    default_code = "invalid_request_url"


class InvalidRequestError(BadRequestError):
    default_code = "invalid_request"


class MissingVersionError(BadRequestError):
    default_code = "missing_version"


class UnauthorizedError(ClientError):
    """401: the token is invalid or revoked."""

    default_code = "unauthorized"


class RestrictedResourceError(ClientError):
    """403: the connection lacks a capability for this call."""

    default_code = "restricted_resource"


class ObjectNotFoundError(ClientError):
    """404: the object does not exist or is not shared with the connection."""

    default_code = "object_not_found"


class ConflictError(ClientError):
    """409: a concurrent edit won; re-read and try again."""

    default_code = "conflict_error"
    retry_policy = "always"


class RateLimitedError(RateLimitError, ClientError):
    default_code = "rate_limited"


class InternalServerError(ServerError):
    default_code = "internal_server_error"


class BadGatewayError(ServerError):
    """502, usually an HTML page from a proxy; Notion defines no code for it."""

    default_code = "bad_gateway"


class ServiceUnavailableError(ServerError):
    default_code = "service_unavailable"


class DatabaseConnectionUnavailableError(ServiceUnavailableError):
    default_code = "database_connection_unavailable"


class GatewayTimeoutError(ServerError):
    default_code = "gateway_timeout"


class ServiceOverloadError(RateLimitError, ServerError):
    """529: Notion is shedding load; treated like 429 (https://developers.notion.com/reference/request-limits)."""

    default_code = "service_overload"


# --- transport errors ----------------------------------------------------------------------------


class NotionNetworkError(NotionError):
    """No HTTP response arrived; `outcome_unknown` says if the request may have been applied."""

    retry_policy = "unsent"
    outcome_policy = "write"


class NotionTimeoutError(NotionNetworkError):
    default_code = "timeout"


class NotionConnectionError(NotionNetworkError):
    default_code = "connection_error"


# --- factory -------------------------------------------------------------------------------------

ERRORS_BY_CODE: dict[str, type[NotionAPIError]] = {
    cls.default_code: cls
    for cls in (
        ValidationError,
        InvalidJSONError,
        InvalidRequestURLError,
        InvalidRequestError,
        MissingVersionError,
        UnauthorizedError,
        RestrictedResourceError,
        ObjectNotFoundError,
        ConflictError,
        RateLimitedError,
        InternalServerError,
        ServiceUnavailableError,
        DatabaseConnectionUnavailableError,
        GatewayTimeoutError,
        ServiceOverloadError,
    )
    if cls.default_code
}

ERRORS_BY_STATUS: dict[int, type[NotionAPIError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: RestrictedResourceError,
    404: ObjectNotFoundError,
    409: ConflictError,
    429: RateLimitedError,
    500: InternalServerError,
    502: BadGatewayError,
    503: ServiceUnavailableError,
    504: GatewayTimeoutError,
    529: ServiceOverloadError,
}


def error_class_for(status: int, code: str | None) -> type[NotionAPIError]:
    """The most specific class for a status and Notion error code."""
    if code and code in ERRORS_BY_CODE:
        return ERRORS_BY_CODE[code]
    if status in ERRORS_BY_STATUS:
        return ERRORS_BY_STATUS[status]
    if 400 <= status < 500:
        return ClientError
    if 500 <= status < 600:
        return ServerError
    return NotionAPIError


def error_from_response(
    method: str,
    path: str,
    status: int,
    headers: Mapping[str, str] | None,
    body_text: str | bytes | None,
) -> NotionAPIError:
    """Build the typed error for an HTTP error response, JSON or not (a 502 is often HTML)."""
    header = _header_getter(headers or {})
    body = _json_object(body_text)
    code = _str_or_none(body.get("code")) if body else None
    if body is not None and (body.get("message") or code):
        message = str(body.get("message") or "")
    else:
        message = _summarize(body_text) or _reason(status)
    additional = body.get("additional_data") if body else None
    cls = error_class_for(status, code)
    return cls(
        message,
        status=status,
        code=code,
        request_id=(_str_or_none(body.get("request_id")) if body else None)
        or header("x-notion-request-id"),
        retry_after=parse_retry_after(header("retry-after")),
        method=method,
        path=path,
        additional_data=additional if isinstance(additional, dict) else None,
    )


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if absent."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def _header_getter(headers: Mapping[str, str]):
    lowered = {str(k).lower(): v for k, v in headers.items()}

    def get(name: str) -> str | None:
        value = lowered.get(name)
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        return str(value) if value is not None else None

    return get


def _json_object(body_text: str | bytes | None) -> dict[str, Any] | None:
    if not body_text:
        return None
    try:
        data = json.loads(body_text)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _summarize(body_text: str | bytes | None) -> str:
    """A short, single-line excerpt of a non-JSON body, with HTML tags removed."""
    if not body_text:
        return ""
    if isinstance(body_text, bytes):
        body_text = body_text.decode("utf-8", errors="replace")
    title = re.search(r"<title[^>]*>(.*?)</title>", body_text, flags=re.I | re.S)
    text = title.group(1) if title else body_text
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", text, flags=re.I | re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = " ".join(text.split())
    return text[:_MESSAGE_MAX] + ("…" if len(text) > _MESSAGE_MAX else "")


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
