"""Automation services: create, change, delete, enable, run now, dispatch schedules, record runs."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from pydantic import ValidationError as PydanticValidationError

from integrations.audit import Actor, action_log_record
from integrations.automations import schedule
from integrations.automations.events import EVENT_TYPES, PAGE_STATE_EVENTS, normalize_id
from integrations.automations.variables import (
    RunContext,
    VariableError,
    render_arguments,
    render_sample,
    uses_event,
)
from integrations.models import ActionLog, Automation, NotionConnection
from integrations.services.tool_calls import (
    pydantic_errors,
    pydantic_errors_text,
    tool_call_queue,
)
from integrations.services.validation import check_name_free, clean_name
from integrations.tools.registry import get_tool
from workspaces.models import Workspace

AUTOMATION_FIELDS = (
    "connection",
    "enabled",
    "trigger",
    "cron",
    "interval_seconds",
    "timezone",
    "event_types",
    "scope_id",
    "property_name",
    "property_value",
    "include_own_changes",
    "tool_name",
    "arguments",
)


def automation_summary(automation: Automation) -> dict:
    summary = {"name": automation.name}
    for name in AUTOMATION_FIELDS:
        value = getattr(automation, name)
        summary[name] = value.name if isinstance(value, NotionConnection) else value
    return summary


def _clean(automation: Automation) -> None:
    """Every field checked together, errors keyed by field, before anything is saved."""
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if automation.connection.workspace_id != automation.workspace_id:
        fail("connection", "Choose a connection of this workspace.")
    try:
        schedule.zone(automation.timezone or "")
    except schedule.ScheduleError as exc:
        fail("timezone", str(exc))
    if automation.trigger == Automation.Trigger.CRON:
        try:
            automation.cron = schedule.cron_check(automation.cron)
        except schedule.ScheduleError as exc:
            fail("cron", str(exc))
    elif automation.trigger == Automation.Trigger.INTERVAL:
        try:
            automation.interval_seconds = schedule.interval_check(automation.interval_seconds)
        except schedule.ScheduleError as exc:
            fail("interval_seconds", str(exc))
    elif automation.trigger == Automation.Trigger.EVENT:
        _clean_event_trigger(automation, fail)
    else:
        fail("trigger", "Choose a schedule (cron or interval) or a Notion event.")
    _clean_action(automation, fail)
    if errors:
        raise ValidationError(errors)


def _clean_event_trigger(automation: Automation, fail) -> None:
    types = automation.event_types
    if not isinstance(types, list) or not types:
        fail("event_types", "Choose at least one Notion event.")
        return
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        fail("event_types", f"Unknown event type(s): {', '.join(map(str, unknown))}.")
    scope = (automation.scope_id or "").strip()
    if scope:
        compact = normalize_id(scope.rsplit("-", 1)[-1] if len(scope) > 36 else scope)
        if len(compact) != 32 or any(c not in "0123456789abcdef" for c in compact):
            fail("scope_id", "Give a Notion id (32 hex characters, dashes optional).")
        else:
            automation.scope_id = str(uuid.UUID(compact))
    automation.property_name = (automation.property_name or "").strip()
    automation.property_value = (automation.property_value or "").strip()
    if automation.property_value and not automation.property_name:
        fail("property_name", "Name the property whose value should be checked.")
    if automation.property_name and not set(types) & set(PAGE_STATE_EVENTS):
        fail(
            "property_name",
            "A property condition needs a page event (page.created or "
            "page.properties_updated) to be checked on.",
        )


def _clean_action(automation: Automation, fail) -> None:
    tool = get_tool(automation.tool_name or "")
    if tool is None:
        fail("tool_name", f"There is no tool named “{automation.tool_name}”.")
        return
    if not isinstance(automation.arguments, dict):
        fail("arguments", "Arguments must be a JSON object.")
        return
    try:
        rendered = render_sample(
            automation.arguments,
            has_event=automation.trigger == Automation.Trigger.EVENT,
            timezone=automation.timezone or "UTC",
        )
    except (VariableError, schedule.ScheduleError) as exc:
        fail("arguments", str(exc))
        return
    try:
        tool.validate(rendered)
    except PydanticValidationError as exc:
        for detail in pydantic_errors(exc):
            fail("arguments", f"{detail['field']}: {detail['message']}")


def _schedule_next(automation: Automation, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if automation.is_schedule and automation.enabled and not automation.paused_reason:
        automation.next_run_at = None  # a changed schedule starts afresh from now
        automation.next_run_at = schedule.next_runs(automation, now)[0]
    else:
        automation.next_run_at = None


def _audit(automation: Automation, actor: Actor, action: str, **extra) -> None:
    action_log_record(
        workspace=automation.workspace,
        actor=actor,
        action=action,
        status=ActionLog.Status.SUCCEEDED,
        connection=automation.connection,
        arguments=automation_summary(automation),
        result={"automation_id": automation.pk, **extra},
    )


@transaction.atomic
def automation_create(
    *, workspace: Workspace, connection: NotionConnection, name: str, actor: Actor, **fields
) -> Automation:
    name = clean_name(name)
    check_name_free(Automation.objects.filter(workspace=workspace), name, noun="An automation")
    unknown = set(fields) - set(AUTOMATION_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown automation fields: {', '.join(sorted(unknown))}")
    automation = Automation(
        workspace=workspace, connection=connection, name=name, created_by=actor.name, **fields
    )
    return _save(automation, actor, "automation.create")


@transaction.atomic
def automation_update(*, automation: Automation, actor: Actor, **fields) -> Automation:
    automation = Automation.objects.select_for_update().get(pk=automation.pk)
    if "name" in fields:
        fields["name"] = clean_name(fields["name"])
        check_name_free(
            Automation.objects.filter(workspace=automation.workspace),
            fields["name"],
            noun="An automation",
            exclude_pk=automation.pk,
        )
    for field, value in fields.items():
        if field not in (*AUTOMATION_FIELDS, "name"):
            raise ValidationError(f"Unknown automation field: {field}")
        setattr(automation, field, value)
    return _save(automation, actor, "automation.update")


def _save(automation: Automation, actor: Actor, action: str) -> Automation:
    _clean(automation)
    _schedule_next(automation)
    automation.save()
    _audit(automation, actor, action, next_run_at=iso_or_none(automation.next_run_at))
    return automation


@transaction.atomic
def automation_set_enabled(*, automation: Automation, enabled: bool, actor: Actor) -> Automation:
    """Turns an automation on or off. Turning it on also lifts a pause after failures and starts
    its count of failures afresh."""
    automation = Automation.objects.select_for_update().get(pk=automation.pk)
    automation.enabled = enabled
    if enabled:
        automation.paused_reason = ""
        automation.consecutive_failures = 0
    _schedule_next(automation)
    automation.save()
    _audit(automation, actor, "automation.enable" if enabled else "automation.disable")
    return automation


@transaction.atomic
def automation_delete(*, automation: Automation, actor: Actor) -> None:
    _audit(automation, actor, "automation.delete")
    automation.delete()


class AutomationRunRefused(Exception):
    """A run that can't be started (say, run now on an automation that needs an event)."""


def automation_run_now(*, automation: Automation, actor: Actor) -> ActionLog:
    """Runs the action once, now, as the automation (the admin who asked is in the audit
    row of the request)."""
    if automation.trigger == Automation.Trigger.EVENT and uses_event(automation.arguments):
        raise AutomationRunRefused(
            "This automation's arguments use {event.*} variables, which only a Notion event "
            "fills in; it can't run without one."
        )
    with transaction.atomic():
        request_id = uuid.uuid4().hex
        action_log_record(
            workspace=automation.workspace,
            actor=actor,
            action="automation.run_now",
            status=ActionLog.Status.SUCCEEDED,
            connection=automation.connection,
            arguments={"automation": automation.name},
            result={"automation_id": automation.pk, "run": request_id},
        )
        now = timezone.now()
        return automation_run_queue(
            automation=automation,
            ctx=RunContext(now=now, timezone=automation.timezone, automation_name=automation.name),
            key=f"manual:{request_id}",
            trigger_event_id=f"manual:{request_id}",
        )


def automation_run_queue(
    *, automation: Automation, ctx: RunContext, key: str, trigger_event_id: str
) -> ActionLog:
    """Queues one run of the automation's action through the same path as an assistant's call
    (pacing, retries, audit). `key` makes it once-only: a second call with the same key returns
    the first run. Arguments that can't be filled or don't validate end as a rejected run."""
    actor = Actor.for_automation(automation)
    existing = ActionLog.objects.filter(actor_automation=automation, idempotency_key=key).first()
    if existing is not None:
        return existing
    tool = get_tool(automation.tool_name)
    error = ""
    arguments = {}
    try:
        if tool is None:
            raise VariableError(f"The tool “{automation.tool_name}” no longer exists.")
        arguments = tool.validate(render_arguments(automation.arguments, ctx)).model_dump(
            mode="json", exclude_unset=True
        )
    except VariableError as exc:
        error = str(exc)
    except PydanticValidationError as exc:
        error = "The filled-in arguments are not valid: " + pydantic_errors_text(
            pydantic_errors(exc)
        )
    try:
        with transaction.atomic():
            if error:
                log = action_log_record(
                    workspace=automation.workspace,
                    actor=actor,
                    action=tool.action if tool else "tool.unknown",
                    status=ActionLog.Status.REJECTED,
                    connection=automation.connection,
                    arguments=automation.arguments,
                    error_code="invalid_arguments",
                    error_message=error,
                    error_hint="Edit the automation's arguments (Integrations → Automations).",
                    idempotency_key=key,
                    trigger_event_id=trigger_event_id,
                )
                automation_run_record(log=log)
                return log
            return tool_call_queue(
                workspace=automation.workspace,
                actor=actor,
                connection=automation.connection,
                tool=tool,
                arguments=arguments,
                idempotency_key=key,
                trigger_event_id=trigger_event_id,
            )
    except IntegrityError:
        # Another worker queued this very run first.
        return ActionLog.objects.get(actor_automation=automation, idempotency_key=key)


def automation_run_record(*, log: ActionLog) -> None:
    """Called when an automation's run ends: last run, last error, consecutive failures; after
    AUTOMATION_MAX_CONSECUTIVE_FAILURES in a row the automation is paused."""
    if not log.actor_automation_id or log.status not in ActionLog.FINAL_STATUSES:
        return
    runs = Automation.objects.filter(pk=log.actor_automation_id)
    now = log.finished_at or timezone.now()
    if log.status == ActionLog.Status.SUCCEEDED:
        runs.update(
            last_run_at=now, last_run_status=log.status, last_error="", consecutive_failures=0
        )
        return
    message = log.error_message or log.status
    runs.update(
        last_run_at=now,
        last_run_status=log.status,
        last_error=message[:2000],
        consecutive_failures=F("consecutive_failures") + 1,
    )
    limit = settings.AUTOMATION_MAX_CONSECUTIVE_FAILURES
    with transaction.atomic():
        # Lock the automation alone, not the joined connection and workspace rows.
        automation = (
            runs.select_for_update(of=("self",)).select_related("workspace", "connection").first()
        )
        if (
            automation is None
            or automation.paused_reason
            or automation.consecutive_failures < limit
        ):
            return
        automation.paused_reason = (
            f"Paused after {automation.consecutive_failures} failed runs in a row; "
            f"last error: {message}"
        )[:300]
        automation.next_run_at = None
        automation.save(update_fields=["paused_reason", "next_run_at", "updated_at"])
        action_log_record(
            workspace=automation.workspace,
            actor=Actor.system("automations"),
            action="automation.pause",
            status=ActionLog.Status.SUCCEEDED,
            connection=automation.connection,
            arguments={"automation": automation.name},
            result={
                "automation_id": automation.pk,
                "consecutive_failures": automation.consecutive_failures,
                "last_error": message[:500],
            },
        )


def iso_or_none(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
