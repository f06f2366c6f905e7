"""The assistants' API: tools, connections and tool calls."""

import json
import logging

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from assistants.models import ACCESS_RANK, Access
from assistants.selectors import assignment_list_for_assistant
from integrations.api.auth import assistant_required
from integrations.api.errors import error_response
from integrations.api.http import allow_methods
from integrations.api.openapi import openapi_spec
from integrations.api.presenters import tool_call_json
from integrations.models import ActionLog
from integrations.notify import wait_done
from integrations.services.tool_calls import ToolCallRejected, tool_call_request
from integrations.tools.registry import tool_list

logger = logging.getLogger(__name__)

MAX_WAIT_SECONDS = 30
MAX_BODY_BYTES = 1_000_000


@allow_methods("GET")
@assistant_required
def tools(request):
    assignments = assignment_list_for_assistant(assistant=request.assistant)
    best = max((ACCESS_RANK[Access(a.access)] for a in assignments), default=0)
    return JsonResponse(
        {
            "tools": [
                {
                    "name": tool.name,
                    "description": tool.description,
                    "access": tool.access,
                    "input_schema": tool.input_schema(),
                }
                for tool in tool_list()
                if ACCESS_RANK[Access(tool.access)] <= best
            ]
        }
    )


@allow_methods("GET")
@assistant_required
def connections(request):
    return JsonResponse(
        {
            "connections": [
                {
                    "id": a.connection.pk,
                    "name": a.connection.name,
                    "workspace_name": a.connection.notion_workspace_name,
                    "status": a.connection.status,
                    "access": a.access,
                }
                for a in assignment_list_for_assistant(assistant=request.assistant)
            ]
        }
    )


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _unstorable(text: str) -> bool:
    # PostgreSQL stores neither a NUL nor a lone UTF-16 surrogate (JSON's \ud800 is one),
    # and no Notion text needs one.
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _unstorable_field(value, path: str = "") -> str | None:
    """The first field whose key or text could not be stored, or None."""
    if isinstance(value, str):
        return (path or "(body)") if _unstorable(value) else None
    if not isinstance(value, dict | list):
        return None
    for key, item in value.items() if isinstance(value, dict) else enumerate(value):
        if _unstorable(str(key)):
            return f"{path}.(a key)" if path else "(a key)"
        where = f"{path}.{key}" if path else str(key)
        if (found := _unstorable_field(item, where)) is not None:
            return found
    return None


def _parse_call(request) -> tuple[dict | None, JsonResponse | None]:
    # The declared length first: reading a body over Django's upload limit would raise and
    # answer an HTML 400 instead of this 413.
    if _declared_length(request) > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
        return None, error_response(413, "body_too_large", "The request body is over 1 MB.")
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None, error_response(400, "invalid_json", "The request body is not valid JSON.")
    if not isinstance(body, dict):
        return None, error_response(400, "invalid_json", "The request body must be a JSON object.")
    if (field := _unstorable_field(body)) is not None:
        return None, error_response(
            400,
            "invalid_request",
            "The request holds a NUL character (\\u0000) or an unpaired surrogate, which no "
            "field accepts.",
            details=[{"field": field, "message": "contains a NUL or an unpaired surrogate"}],
        )
    problems = []
    if not isinstance(body.get("tool"), str) or not body["tool"]:
        problems.append({"field": "tool", "message": "required: the tool's name"})
    if not isinstance(body.get("connection"), str | int) or isinstance(
        body.get("connection"), bool
    ):
        problems.append({"field": "connection", "message": "required: a connection id or name"})
    if "arguments" in body and not isinstance(body["arguments"], dict | str):
        problems.append({"field": "arguments", "message": "must be an object"})
    key = body.get("idempotency_key")
    if key is not None and (not isinstance(key, str) or not 0 < len(key) <= 200):
        problems.append({"field": "idempotency_key", "message": "a string of 1-200 characters"})
    wait = body.get("wait", 0)
    if (
        not isinstance(wait, int | float)
        or isinstance(wait, bool)
        or not 0 <= wait <= MAX_WAIT_SECONDS
    ):
        problems.append({"field": "wait", "message": f"seconds, from 0 to {MAX_WAIT_SECONDS}"})
    if problems:
        return None, error_response(
            400,
            "invalid_request",
            "The request is missing or has invalid fields.",
            details=problems,
        )
    return body, None


def _wait_done(log_id: int, wait: float, is_final) -> bool:
    try:
        return wait_done(log_id, wait, is_final)
    except RedisError:
        # Without notifications the call is still queued: answer 202 and let the caller poll.
        return is_final()


@csrf_exempt
@allow_methods("POST")
@assistant_required
def tool_calls(request):
    body, problem = _parse_call(request)
    if problem is not None:
        return problem
    try:
        row, _created = tool_call_request(
            assistant=request.assistant,
            connection_ref=body["connection"],
            tool_name=body["tool"],
            arguments=body.get("arguments", {}),
            idempotency_key=body.get("idempotency_key"),
        )
    except ToolCallRejected as rejected:
        extra = {"call_id": rejected.log.pk} if rejected.log else {}
        return error_response(
            rejected.status, rejected.code, rejected.message, details=rejected.details, **extra
        )
    except (RedisError, BrokerError) as exc:
        # Redis (the rate limiter or the broker) is down: say so in the error shape, and how to
        # retry safely (a call recorded just before the broker failed is run by the sweep).
        logger.warning("tool call not accepted: %s", exc.__class__.__name__)
        return error_response(
            503,
            "temporarily_unavailable",
            "Phinite's task queue is unavailable; try again in a few seconds. Send an "
            "idempotency_key so that a retry never runs a call twice.",
            headers={"Retry-After": "5"},
        )
    wait = float(body.get("wait") or 0)

    def is_final() -> bool:
        row.refresh_from_db()
        return row.is_final

    # wait_done reads the row before it blocks, so reading it here too would cost a query.
    if (wait and _wait_done(row.pk, wait, is_final)) or (not wait and is_final()):
        return JsonResponse(tool_call_json(row), status=200)
    return JsonResponse({"id": row.pk, "status": row.status}, status=202)


@allow_methods("GET")
@assistant_required
def tool_call_detail(request, call_id: int):
    row = ActionLog.objects.filter(
        pk=call_id, actor_assistant=request.assistant, action__startswith="tool."
    ).first()
    if row is None:
        return error_response(404, "not_found", f"You have no tool call {call_id}.")
    return JsonResponse(tool_call_json(row))


@allow_methods("GET")
def openapi_json(request):
    return JsonResponse(openapi_spec(request), json_dumps_params={"indent": 2})


@allow_methods("GET")
def api_docs(request):
    spec = openapi_spec(request)
    return render(
        request,
        "api/docs.html",
        {"spec": spec, "tools": tool_list(), "spec_json": json.dumps(spec, indent=2)},
    )
