"""Request pipeline: faults, version, auth, rate limit, routing, JSON, handler, error bodies."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from .context import Ctx
from .errors import (
    BAD_GATEWAY_HTML,
    FAULT_ERRORS,
    ApiError,
    invalid_json,
    invalid_request_url,
    missing_version,
    rate_limited,
    unauthorized,
    validation,
)
from .faults import Fault
from .routes import route_match
from .util import new_id

logger = logging.getLogger(__name__)
RATE_LIMIT_REASON = "connection_rate_limit"
JSON_TYPE = "application/json; charset=utf-8"


@dataclass
class Answer:
    status: int
    body: bytes | None  # None: drop the connection without answering
    request_id: str
    headers: dict = field(default_factory=dict)
    content_type: str = JSON_TYPE
    events: list = field(default_factory=list)  # (subscription, webhook event) to publish


def bearer(headers) -> str | None:
    value = headers.get("Authorization") or ""
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _error_answer(error: ApiError, request_id: str) -> Answer:
    body = json.dumps(error.body(request_id), ensure_ascii=False).encode()
    return Answer(error.status, body, request_id, dict(error.headers))


def fault_answer(fault: Fault, request_id: str) -> Answer:
    if fault.drop:
        return Answer(0, None, request_id)
    if fault.status == 502:
        return Answer(502, BAD_GATEWAY_HTML.encode(), request_id, content_type="text/html")
    if fault.status == 429:
        return _error_answer(rate_limited(fault.retry_after or 1, "injected_fault"), request_id)
    code, message = FAULT_ERRORS[fault.status]
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
    return _error_answer(ApiError(fault.status, code, message, headers=headers), request_id)


def _parse_body(method: str, raw: bytes) -> dict:
    if method in ("GET", "DELETE") or not raw.strip():
        return {}
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise invalid_json() from exc
    if not isinstance(body, dict):
        raise validation(
            "body failed validation: body should be an object, instead was "
            f"`{json.dumps(body)[:100]}`."
        )
    return body


def dispatch(
    sandbox, method: str, path: str, query: str, raw: bytes, headers, request_id: str, base_url: str
) -> Answer:
    """Answer one /v1 request as Notion would (no faults applied here)."""
    state = sandbox.state
    try:
        if not headers.get("Notion-Version"):
            raise missing_version()
        token = bearer(headers)
        with state.lock:
            record = state.tokens.get(token) if token else None
            if record is None or record["revoked"]:
                raise unauthorized()
            integration = state.integrations[record["integration_id"]]
        wait = sandbox.limiter.check(token)
        if wait is not None:
            raise rate_limited(wait, RATE_LIMIT_REASON)
        matched = route_match(method, path)
        if matched is None:
            raise invalid_request_url()
        route, params = matched
        body = _parse_body(method, raw)
        lists = parse_qs(query, keep_blank_values=True)
        ctx = Ctx(
            state=state,
            integration=integration,
            method=method,
            path=path,
            params=params,
            query={key: values[0] for key, values in lists.items()},
            query_lists=lists,
            body=body,
            request_id=request_id,
            base_url=base_url,
            events=[] if sandbox.webhooks.listening else None,
        )
        with state.lock:
            result = route.handler(ctx)
            status, payload = result if isinstance(result, tuple) else (200, result)
            if route.request_id:
                payload["request_id"] = request_id
            data = json.dumps(payload, ensure_ascii=False).encode()
            events = sandbox.webhooks.collect(state, ctx.events) if ctx.events else []
        return Answer(status, data, request_id, events=events)
    except ApiError as error:
        return _error_answer(error, request_id)
    except Exception:
        # A sandbox bug answers like Notion's 500 instead of dropping the connection.
        logger.exception("notion sandbox: unhandled error on %s %s", method, path)
        code, message = FAULT_ERRORS[500]
        return _error_answer(ApiError(500, code, message), request_id)


def serve_request(
    sandbox, method: str, path: str, query: str, raw: bytes, headers, base_url: str
) -> Answer:
    """Faults wrap dispatch: fail instead, slow it down, or apply it and then fail."""
    request_id = new_id()
    token = bearer(headers)
    fault = sandbox.faults.take(method, path, token)
    if fault is not None and fault.delay:
        time.sleep(fault.delay)
    if fault is not None and not fault.apply and (fault.status or fault.drop):
        answer = fault_answer(fault, request_id)
    else:
        answer = dispatch(sandbox, method, path, query, raw, headers, request_id, base_url)
        if fault is not None and fault.apply:
            answer = fault_answer(fault, request_id)  # its webhook events are dropped with it
    if answer.events and 200 <= answer.status < 300:
        sandbox.webhooks.publish(answer.events)
    sandbox.log_request(method, path, token, answer.status, request_id, fault.id if fault else None)
    return answer
