"""The worker side of a tool call: claim it, pace it, run it, record how it ended."""

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError as PydanticValidationError

from integrations.audit import cap
from integrations.models import ActionLog, NotionConnection
from integrations.notify import notify_done
from integrations.notion import errors as notion_errors
from integrations.notion.ratelimit import get_limiter
from integrations.pacing import (
    PacedNotionClient,
    RateLimitWait,
    connection_limiter_key,
    slot_reserve,
)
from integrations.services.connections import connection_mark_invalid
from integrations.services.tool_calls import pydantic_errors, pydantic_errors_text
from integrations.tools.base import ToolContext
from integrations.tools.errors import ToolError, explain_notion_error
from integrations.tools.registry import get_tool
from integrations.tools.summary import summarize_result

logger = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 0.5


@dataclass(frozen=True)
class Outcome:
    """What the task should do next: nothing (done) or run again after `retry_in` seconds."""

    done: bool
    retry_in: float = 0.0

    @classmethod
    def finished(cls) -> "Outcome":
        return cls(done=True)

    @classmethod
    def later(cls, seconds: float) -> "Outcome":
        return cls(done=False, retry_in=max(0.05, seconds))


def _backoff(attempt: int) -> float:
    # 1, 2, 4, 8 … seconds with jitter, capped: transient failures get room to clear.
    return min(60.0, 2 ** max(0, attempt - 1)) * (0.75 + random.random() / 2)


def _claim(log_id: int) -> tuple[ActionLog | None, Outcome | None]:
    now = timezone.now()
    with transaction.atomic():
        row = (
            ActionLog.objects.select_for_update(of=("self",))
            .select_related("connection", "workspace")
            .filter(pk=log_id)
            .first()
        )
        if row is None or row.is_final:
            return None, Outcome.finished()
        if row.status == ActionLog.Status.RUNNING and row.lease_until and row.lease_until > now:
            # Another attempt holds the call (a redelivered message): look again once the lease
            # has run out, in case that attempt died.
            return None, Outcome.later((row.lease_until - now).total_seconds() + 1)
        if row.next_attempt_at and row.next_attempt_at > now + timedelta(milliseconds=50):
            return None, Outcome.later((row.next_attempt_at - now).total_seconds())
        connection = row.connection
        if connection is None or connection.status in (
            NotionConnection.Status.INVALID,
            NotionConnection.Status.DISABLED,
        ):
            reason = (
                "the connection was deleted"
                if connection is None
                else f"the connection is {connection.status}: {connection.status_detail}"
            )
            _finish(
                row,
                status=ActionLog.Status.FAILED,
                error=ToolError(
                    f"This call can't run: {reason}.",
                    code="connection_unavailable"
                    if connection is None
                    else f"connection_{connection.status}",
                    hint="A Phinite admin must fix the connection (Integrations → Notion).",
                ),
            )
            return None, Outcome.finished()
        row.status = ActionLog.Status.RUNNING
        row.started_at = row.started_at or now
        row.attempts += 1
        row.lease_until = now + timedelta(seconds=settings.TOOL_CALL_LEASE_SECONDS)
        row.prepaid_slots = row.reserved_slots
        row.reserved_slots = 0
        row.save(
            update_fields=["status", "started_at", "attempts", "lease_until", "reserved_slots"]
        )
    return row, None


def _finish(
    row: ActionLog,
    *,
    status: str,
    output=None,
    error: ToolError | None = None,
    request_ids=(),
    extra_result=None,
) -> None:
    now = timezone.now()
    row.status = status
    row.finished_at = now
    if row.started_at:
        row.duration_ms = int((now - row.started_at).total_seconds() * 1000)
    row.lease_until = None
    row.next_attempt_at = None
    row.pending_arguments = None
    row.notion_request_ids = list(dict.fromkeys([*row.notion_request_ids, *request_ids]))[-50:]
    if output is not None:
        row.output = output
        summary = summarize_result(output)
        row.result = cap({**summary, **(extra_result or {})})
        row.notion_object_ids = summary.get("ids", [])[:20]
        row.http_status = 200
    if error is not None:
        row.error_code = error.code
        row.error_message = error.message
        row.error_hint = error.hint
        row.http_status = error.http_status or row.http_status
    row.save()
    if row.actor_automation_id:
        from integrations.services.automations import automation_run_record

        automation_run_record(log=row)
    transaction.on_commit(lambda: notify_done(row.pk))


def _requeue(
    row: ActionLog,
    seconds: float,
    *,
    progress: str,
    request_ids=(),
    reserved_slots: int = 0,
    **counters,
) -> Outcome:
    row.status = ActionLog.Status.QUEUED
    row.lease_until = None
    row.reserved_slots = reserved_slots
    row.next_attempt_at = timezone.now() + timedelta(seconds=seconds)
    row.progress = progress[:200]
    row.notion_request_ids = list(dict.fromkeys([*row.notion_request_ids, *request_ids]))[-50:]
    for name, value in counters.items():
        setattr(row, name, value)
    row.save()
    return Outcome.later(seconds)


class _Progress:
    def __init__(self, log_id: int):
        self.log_id = log_id
        self.last = 0.0

    def __call__(self, text: str) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY_SECONDS:
            self.last = now
            ActionLog.objects.filter(pk=self.log_id).update(progress=text[:200])


def tool_call_execute(*, log_id: int) -> Outcome:
    """Runs one attempt of a queued call and records the outcome. Never raises for a failure
    of the call itself: the row says how it ended, the Outcome says whether to come back."""
    row, outcome = _claim(log_id)
    if outcome is not None:
        return outcome
    tool = get_tool(row.tool_name)
    connection = row.connection
    max_attempts = settings.TOOL_CALL_MAX_ATTEMPTS
    try:
        arguments = tool.validate(row.pending_arguments or {})
    except PydanticValidationError as exc:
        _finish(
            row,
            status=ActionLog.Status.FAILED,
            error=ToolError(
                "The stored arguments no longer validate: "
                + pydantic_errors_text(pydantic_errors(exc)),
                code="invalid_arguments",
            ),
        )
        return Outcome.finished()
    limiter = get_limiter()
    client = PacedNotionClient(
        connection.token,
        limiter=limiter,
        limiter_key=connection_limiter_key(connection.pk),
        prepaid_slots=row.prepaid_slots,
    )
    ctx = ToolContext(
        client=client,
        integration_name=connection.bot_name or connection.name,
        workspace_id=connection.workspace_id,
        connection_name=connection.name,
        actor_name=row.actor_name,
        progress=_Progress(row.pk),
    )
    try:
        if not tool.idempotent:
            landed = _landed_earlier(row, tool, ctx, arguments)
            if landed is not None:
                _finish(
                    row,
                    status=ActionLog.Status.SUCCEEDED,
                    output=landed,
                    request_ids=client.request_ids,
                    extra_result={"deduplicated": True},
                )
                return Outcome.finished()
            _mark_write_attempt(row)
            ctx.attempt_started_at = datetime.fromisoformat(row.write_marker)
        output = tool.handler(ctx, arguments)
    except RateLimitWait as wait:
        # Book slots (unless paused) so this call wakes exactly at its turn with every request
        # it needs paid for: as many as this attempt wanted, so a call larger than expected is
        # not starved by the calls queued behind it.
        count = max(tool.expected_requests, client.requests_sent + 1)
        seconds, reserved = slot_reserve(limiter, connection.pk, count=count)
        if not reserved:
            seconds = max(seconds, wait.seconds)
        return _requeue(
            row,
            seconds,
            reserved_slots=count if reserved else 0,
            progress=f"waiting {seconds:.1f}s for Notion's rate limit",
            request_ids=client.request_ids,
            attempts=max(0, row.attempts - 1),
            rate_limited_count=row.rate_limited_count + 1,
        )
    except ToolError as error:
        _finish(row, status=ActionLog.Status.FAILED, error=error, request_ids=client.request_ids)
        return Outcome.finished()
    except notion_errors.NotionError as exc:
        return _after_notion_error(row, tool, connection, client, exc, max_attempts)
    except redis.exceptions.RedisError as exc:
        # The limiter's store is unreachable (a Redis restart): nothing was sent unpaced; come
        # back once it is up rather than failing the call.
        delay = _backoff(row.attempts)
        logger.warning("tool call %s: Redis unavailable (%s); retrying", row.pk, type(exc).__name__)
        return _requeue(
            row,
            delay,
            progress=f"waiting for Redis ({type(exc).__name__}); retrying in {delay:.0f}s",
            request_ids=client.request_ids,
        )
    except Exception:
        logger.exception("tool call %s (%s) failed unexpectedly", row.pk, row.action)
        _finish(
            row,
            status=ActionLog.Status.FAILED,
            request_ids=client.request_ids,
            error=ToolError(
                "The call failed because of an error in Phinite; it has been logged.",
                code="internal_error",
                hint="Try again; if it keeps failing, tell a Phinite admin.",
            ),
        )
        return Outcome.finished()
    _finish(row, status=ActionLog.Status.SUCCEEDED, output=output, request_ids=client.request_ids)
    return Outcome.finished()


def _landed_earlier(row, tool, ctx, arguments):
    """For a non-idempotent write whose earlier attempt may have been applied (timeout, 5xx,
    worker killed), look for what it created before sending again."""
    if not row.write_marker:
        return None
    since = datetime.fromisoformat(row.write_marker)
    found = tool.find_landed(ctx, arguments, since)
    ActionLog.objects.filter(pk=row.pk).update(
        progress="an earlier attempt's write was found in Notion"
        if found is not None
        else "checked: the earlier attempt's write did not land"
    )
    return found


def _mark_write_attempt(row: ActionLog) -> None:
    # Committed before the write is sent, so whoever retries after an unknown outcome knows to
    # check whether it landed.
    row.write_marker = timezone.now().isoformat()
    ActionLog.objects.filter(pk=row.pk).update(write_marker=row.write_marker)


def _after_notion_error(row, tool, connection, client, exc, max_attempts) -> Outcome:
    explained = explain_notion_error(exc, integration=connection.bot_name or connection.name)
    if isinstance(exc, notion_errors.UnauthorizedError):
        connection_mark_invalid(
            connection=connection,
            detail="Notion rejected the token (401 unauthorized): update it with Rotate token.",
        )
        _finish(
            row, status=ActionLog.Status.FAILED, error=explained, request_ids=client.request_ids
        )
        return Outcome.finished()
    # Safe to try again: Notion says so for this method, or the outcome is unknown, in which
    # case a tool is either idempotent (a read sent as POST, an update) or checks what landed
    # before writing again (find_landed).
    transient = exc.retryable or exc.outcome_unknown
    if transient and row.attempts < max_attempts:
        delay = exc.retry_after if exc.retry_after else _backoff(row.attempts)
        return _requeue(
            row,
            delay,
            progress=f"attempt {row.attempts} failed ({exc.code}); retrying in {delay:.0f}s",
            request_ids=client.request_ids,
        )
    if transient:
        explained.message += f" (gave up after {row.attempts} attempts)"
    _finish(row, status=ActionLog.Status.FAILED, error=explained, request_ids=client.request_ids)
    return Outcome.finished()


def tool_call_sweep(*, now: datetime | None = None) -> dict:
    """Finds calls that no worker will finish (a lost message, a worker that died past its
    lease) and hands them back to the queue, or fails them once attempts are used up."""
    now = now or timezone.now()
    stuck_after = timedelta(seconds=settings.TOOL_CALL_STUCK_AFTER_SECONDS)
    requeue, failed = [], 0
    running = ActionLog.objects.filter(status=ActionLog.Status.RUNNING, lease_until__lt=now)
    queued = ActionLog.objects.filter(
        status=ActionLog.Status.QUEUED, next_attempt_at__lt=now - stuck_after
    )
    for row in list(running[:500]) + list(queued[:500]):
        with transaction.atomic():
            row = ActionLog.objects.select_for_update().get(pk=row.pk)
            if row.is_final:
                continue
            if row.attempts >= settings.TOOL_CALL_MAX_ATTEMPTS:
                _finish(
                    row,
                    status=ActionLog.Status.FAILED,
                    error=ToolError(
                        f"The call was abandoned after {row.attempts} attempts (a worker stopped "
                        "while running it).",
                        code="worker_lost",
                        hint="Check whether the change was made in Notion before trying again.",
                    ),
                )
                failed += 1
                continue
            row.status = ActionLog.Status.QUEUED
            row.lease_until = None
            row.next_attempt_at = now
            row.save(update_fields=["status", "lease_until", "next_attempt_at"])
            requeue.append(row.pk)
    return {"requeued": requeue, "failed": failed}
