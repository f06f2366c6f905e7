"""The request side of a tool call: validate, check assignment and access, audit, enqueue."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from pydantic import ValidationError as PydanticValidationError

from assistants.models import ACCESS_RANK, Access, Assignment, Assistant
from integrations.audit import Actor, action_log_record
from integrations.models import ActionLog, NotionConnection
from integrations.notion.ratelimit import get_limiter
from integrations.pacing import slot_reserve
from integrations.tools.registry import get_tool

MAX_IDEMPOTENCY_KEY = 200


@dataclass
class ToolCallRejected(Exception):
    """A call refused before anything was queued; `status` is the HTTP status to answer with."""

    status: int
    code: str
    message: str
    details: list = field(default_factory=list)
    log: ActionLog | None = None

    def __str__(self) -> str:
        return self.message


def arguments_digest(*, tool: str, connection_id: int, arguments) -> str:
    canonical = json.dumps(
        {"tool": tool, "connection": connection_id, "arguments": arguments},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def pydantic_errors(exc: PydanticValidationError) -> list[dict]:
    """Field-by-field errors an assistant can fix: the field path and what is wrong."""
    details = []
    for error in exc.errors(include_url=False, include_input=False):
        path = ".".join(str(p) for p in error["loc"]) or "(arguments)"
        message = error["msg"].removeprefix("Value error, ")
        details.append({"field": path, "message": message, "type": error["type"]})
    return details


def pydantic_errors_text(details: list[dict]) -> str:
    """The field errors in one line: "page_id: Field required; text: …"."""
    return "; ".join(f"{d['field']}: {d['message']}" for d in details)


def _connection_lookup(assistant: Assistant, ref) -> NotionConnection | None:
    connections = NotionConnection.objects.filter(workspace_id=assistant.workspace_id)
    if isinstance(ref, bool) or ref is None:
        return None
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
        found = connections.filter(pk=int(ref)).first()
        if found is not None:
            return found
    if isinstance(ref, str) and ref.strip():
        return connections.filter(name__iexact=ref.strip()).first()
    return None


def _reject(
    *,
    assistant,
    connection,
    connection_ref,
    tool_name,
    arguments,
    status,
    code,
    message,
    details=None,
):
    action = f"tool.{tool_name}" if get_tool(tool_name) else "tool.unknown"
    log = action_log_record(
        workspace=assistant.workspace,
        actor=Actor.for_assistant(assistant),
        action=action,
        status=ActionLog.Status.REJECTED,
        connection=connection,
        arguments={"tool": tool_name, "arguments": arguments}
        if action == "tool.unknown"
        else (arguments if isinstance(arguments, dict) else {"raw": arguments}),
        error_code=code,
        error_message=message,
        result={"details": details} if details else {},
        http_status=status,
    )
    if connection is None and connection_ref is not None:
        log.connection_name = str(connection_ref)[:100]
        log.save(update_fields=["connection_name"])
    return ToolCallRejected(
        status=status, code=code, message=message, details=details or [], log=log
    )


def tool_call_request(
    *,
    assistant: Assistant,
    connection_ref,
    tool_name: str,
    arguments,
    idempotency_key: str | None = None,
) -> tuple[ActionLog, bool]:
    """Checks and queues a call. Returns (row, created); created is False when an idempotency
    key replays an earlier call. Raises ToolCallRejected (audited as `rejected`)."""
    tool = get_tool(tool_name) if isinstance(tool_name, str) else None
    context = {
        "assistant": assistant,
        "connection_ref": connection_ref,
        "tool_name": str(tool_name)[:60],
        "arguments": arguments,
    }
    if tool is None:
        raise _reject(
            **context,
            connection=None,
            status=404,
            code="unknown_tool",
            message=f"There is no tool named “{str(tool_name)[:60]}”. "
            "GET /api/v1/tools lists the tools you may use.",
        )
    connection = _connection_lookup(assistant, connection_ref)
    if connection is None:
        raise _reject(
            **context,
            connection=None,
            status=404,
            code="unknown_connection",
            message=f"There is no connection “{str(connection_ref)[:100]}” in this workspace. "
            "GET /api/v1/connections lists yours.",
        )
    assignment = Assignment.objects.filter(assistant=assistant, connection=connection).first()
    if assignment is None:
        raise _reject(
            **context,
            connection=connection,
            status=403,
            code="not_assigned",
            message=f"This assistant is not assigned to the connection “{connection.name}”. "
            "A workspace admin can assign it under Integrations → Notion.",
        )
    if ACCESS_RANK[Access(assignment.access)] < ACCESS_RANK[Access(tool.access)]:
        raise _reject(
            **context,
            connection=connection,
            status=403,
            code="access_too_low",
            message=f"{tool.name} needs “{tool.access}” access to “{connection.name}”; this "
            f"assistant has “{assignment.access}”. A workspace admin can change the access "
            "level under Integrations → Notion.",
        )
    try:
        parsed = tool.validate(arguments if arguments is not None else {})
    except PydanticValidationError as exc:
        details = pydantic_errors(exc)
        raise _reject(
            **context,
            connection=connection,
            status=400,
            code="invalid_arguments",
            message=f"The arguments for {tool.name} are not valid: "
            + pydantic_errors_text(details),
            details=details,
        ) from None
    clean_arguments = parsed.model_dump(mode="json", exclude_unset=True)
    key = (idempotency_key or "").strip()[:MAX_IDEMPOTENCY_KEY]
    digest = arguments_digest(
        tool=tool.name, connection_id=connection.pk, arguments=clean_arguments
    )
    if key:
        existing = _idempotent_replay(assistant, key, digest)
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            log = _queue(assistant, connection, tool, clean_arguments, key, digest)
    except IntegrityError:
        # A concurrent request with the same key won the insert: answer with its call.
        existing = _idempotent_replay(assistant, key, digest)
        if existing is None:
            raise
        return existing, False
    return log, True


def _idempotent_replay(assistant, key, digest) -> ActionLog | None:
    existing = ActionLog.objects.filter(actor_assistant=assistant, idempotency_key=key).first()
    if existing is None:
        return None
    if existing.arguments_digest != digest:
        raise ToolCallRejected(
            status=409,
            code="idempotency_key_reused",
            message="This idempotency_key was already used with a different tool, connection or "
            "arguments. Use a new key for a different call.",
        )
    return existing


def _queue(assistant, connection, tool, arguments, key, digest) -> ActionLog:
    return tool_call_queue(
        workspace=assistant.workspace,
        actor=Actor.for_assistant(assistant),
        connection=connection,
        tool=tool,
        arguments=arguments,
        idempotency_key=key,
        digest=digest,
    )


def tool_call_queue(
    *,
    workspace,
    actor: Actor,
    connection: NotionConnection,
    tool,
    arguments: dict,
    idempotency_key: str = "",
    digest: str = "",
    trigger_event_id: str = "",
) -> ActionLog:
    """Queues validated arguments for the workers: the one path every caller (assistants,
    automations) takes to Notion, with the same pacing, retries and audit row. Call it inside
    a transaction; the task is sent once that commits."""
    from integrations.tasks import tasks_run_in_process, tool_call_enqueue

    status = ActionLog.Status.QUEUED
    error = {}
    if connection.status in (NotionConnection.Status.INVALID, NotionConnection.Status.DISABLED):
        # Fail fast with the admin-facing reason: no request would succeed until it is fixed.
        status = ActionLog.Status.FAILED
        error = {
            "error_code": f"connection_{connection.status}",
            "error_message": f"The connection “{connection.name}” is {connection.status}: "
            f"{connection.status_detail or 'an admin disabled it'}",
            "error_hint": "A Phinite admin must fix the connection (Integrations → Notion) "
            "before assistants can use it; retrying will not help until then.",
        }
    wait, reserved = 0.0, False
    if status == ActionLog.Status.QUEUED and not tool.local and not tasks_run_in_process():
        # Book the connection's next slots now: a call behind a busy connection waits in the
        # broker until its own turn and costs the workers nothing meanwhile.
        wait, reserved = slot_reserve(get_limiter(), connection.pk, count=tool.expected_requests)
    log = action_log_record(
        workspace=workspace,
        actor=actor,
        action=tool.action,
        status=status,
        connection=connection,
        arguments=arguments,
        idempotency_key=idempotency_key,
        arguments_digest=digest
        or arguments_digest(tool=tool.name, connection_id=connection.pk, arguments=arguments),
        trigger_event_id=trigger_event_id,
        pending_arguments=arguments if status == ActionLog.Status.QUEUED else None,
        next_attempt_at=timezone.now() + timedelta(seconds=wait)
        if status == ActionLog.Status.QUEUED
        else None,
        reserved_slots=tool.expected_requests if reserved else 0,
        **error,
    )
    if status == ActionLog.Status.QUEUED:
        countdown = wait if wait > 0.02 else None
        transaction.on_commit(lambda: tool_call_enqueue(log.pk, countdown=countdown))
    return log
