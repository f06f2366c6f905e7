"""Acting on a received Notion webhook event: which automations it concerns, their conditions,
and the runs it queues (once per event, whatever the order or number of deliveries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import redis
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrations.audit import Actor, action_log_record
from integrations.automations.events import (
    PAGE_STATE_EVENTS,
    condition_state,
    find_property,
    property_touched,
    skip_reason,
)
from integrations.automations.variables import RunContext, event_page_id
from integrations.models import (
    ActionLog,
    Automation,
    AutomationSubject,
    NotionConnection,
    WebhookEvent,
)
from integrations.notion import errors as notion_errors
from integrations.notion.ratelimit import get_limiter
from integrations.pacing import (
    PacedNotionClient,
    RateLimitWait,
    connection_limiter_key,
    slot_reserve,
)
from integrations.services.automations import automation_run_queue, automation_run_record
from integrations.services.tool_execution import Outcome, _backoff
from integrations.tools.errors import explain_notion_error

MAX_EVENT_ATTEMPTS = 8


class _PageReader:
    """Reads each page of an event once, however many automations ask, and remembers when."""

    def __init__(self, client):
        self.client = client
        self.pages: dict[str, dict] = {}
        self.read_at: dict[str, datetime] = {}

    def __call__(self, page_id: str) -> dict:
        if page_id not in self.pages:
            # Taken before the request: the read reflects every change made before this time.
            self.read_at[page_id] = timezone.now()
            self.pages[page_id] = self.client.pages_retrieve(page_id)
        return self.pages[page_id]


@dataclass
class _Evaluation:
    fired: bool
    detail: str


def webhook_event_process(*, event_pk: int) -> Outcome:
    """Runs the automations an event concerns. Safe to repeat: a finished event is skipped, a
    property condition fires on a change (and only on the newest event per page), and each run
    is keyed by the event id."""
    with transaction.atomic():
        row = (
            WebhookEvent.objects.select_for_update(of=("self",))
            .select_related("connection", "connection__workspace")
            .filter(pk=event_pk)
            .first()
        )
        if row is None or row.status != WebhookEvent.Status.RECEIVED:
            return Outcome.finished()
        row.attempts += 1
        prepaid, row.reserved_slots = row.reserved_slots, 0
        row.save(update_fields=["attempts", "reserved_slots"])
    connection = row.connection
    if connection.status in (NotionConnection.Status.INVALID, NotionConnection.Status.DISABLED):
        return _event_done(row, f"connection {connection.status}: nothing run")
    automations = Automation.objects.filter(
        connection=connection, trigger=Automation.Trigger.EVENT, enabled=True, paused_reason=""
    ).select_related("workspace", "connection")
    client = PacedNotionClient(
        connection.token,
        limiter=get_limiter(),
        limiter_key=connection_limiter_key(connection.pk),
        prepaid_slots=prepaid,
    )
    load_page = _PageReader(client)

    notes = []
    for automation in automations:
        reason = skip_reason(automation, row.payload, bot_id=connection.bot_id)
        if reason:
            continue
        try:
            result = _evaluate(
                automation,
                row,
                load_page,
                record=lambda found, a=automation: _evaluation_record(
                    a, row, connection, found, client.request_ids
                ),
            )
        except RateLimitWait as wait:
            return _event_paced(row, wait.seconds)
        except redis.exceptions.RedisError:
            return _event_later(row, _backoff(row.attempts))
        except notion_errors.NotionError as exc:
            transient = exc.retryable or exc.outcome_unknown
            if transient and row.attempts < MAX_EVENT_ATTEMPTS:
                return _event_later(row, exc.retry_after or _backoff(row.attempts))
            _trigger_failed(automation, row, connection, exc, client.request_ids)
            notes.append(f"{automation.name}: failed")
            continue
        notes.append(f"{automation.name}: {result.detail}")
    return _event_done(row, "; ".join(notes) or "no automation listens to this event")


def _evaluate(
    automation: Automation, row: WebhookEvent, load_page: _PageReader, record
) -> _Evaluation:
    """Whether the event makes the automation run (and queues the run). `record` audits the
    page read, before the run it may lead to."""
    event = row.payload
    key = f"event:{row.event_id}"
    ctx = RunContext(
        now=timezone.now(),
        timezone=automation.timezone,
        automation_name=automation.name,
        event=event,
        page_loader=load_page,
    )
    page_id = event_page_id(event)
    if not automation.property_name:
        automation_run_queue(automation=automation, ctx=ctx, key=key, trigger_event_id=row.event_id)
        return _Evaluation(True, "ran")
    if not page_id:
        return _Evaluation(False, "not about a page")
    if event.get("type") in PAGE_STATE_EVENTS and automation.property_value and _superseded(row):
        return _Evaluation(False, "a newer event for this page was received; it decides")
    page = load_page(page_id)
    matched, described = condition_state(automation, page)
    prop = find_property(page, automation.property_name)
    touched = property_touched(event, prop)
    if event.get("type") not in PAGE_STATE_EVENTS:
        # Not a change of properties (a comment, new content): the condition is a filter.
        fire = matched
    elif not automation.property_value:
        fire = touched and prop is not None
    else:
        fire = _transition(
            automation,
            row,
            matched=matched,
            touched=touched,
            observed_at=load_page.read_at[page_id],
        )
        if fire is None:
            found = _Evaluation(False, "older than an event already handled for this page")
            record(found)
            return found
    found = _Evaluation(fire, f"{described}: {'ran' if fire else 'condition not met'}")
    record(found)
    if fire:
        automation_run_queue(automation=automation, ctx=ctx, key=key, trigger_event_id=row.event_id)
    return found


def _evaluation_record(automation, row: WebhookEvent, connection, result, request_ids) -> None:
    """The page read to check a condition is an action on Notion too: audited, with what it
    found, so an admin can see why an automation did or did not run."""
    action_log_record(
        workspace=automation.workspace,
        actor=Actor.for_automation(automation),
        action="automation.evaluate",
        status=ActionLog.Status.SUCCEEDED,
        connection=connection,
        arguments={"event": row.event_id, "type": row.type, "page_id": row.entity_id},
        result={"fired": result.fired, "detail": result.detail},
        notion_request_ids=list(request_ids)[-5:],
        notion_object_ids=[row.entity_id] if row.entity_id else [],
        trigger_event_id=row.event_id,
    )


def _superseded(row: WebhookEvent) -> bool:
    """A newer event for the same page is already in the inbox: it will read the page's
    latest state, and judging this one on that state too could count one change twice."""
    return WebhookEvent.objects.filter(
        connection_id=row.connection_id,
        entity_id=row.entity_id,
        type__in=PAGE_STATE_EVENTS,
        timestamp__gt=row.timestamp,
    ).exists()


def _transition(
    automation, row: WebhookEvent, *, matched: bool, touched: bool, observed_at
) -> bool | None:
    """Whether this event is a change to the wanted value, judged against what was last seen
    of the page. None: the event is older than one already handled for the page.

    The page is read after the change, so what we see is the page's latest state. The event
    fires when that state matches and either the page did not match when last seen, or the
    property changed since (it changed, and it ends on the value: it became the value again).
    A change Notion stamped before our last read was already visible in it and counted then."""
    with transaction.atomic():
        subject = (
            AutomationSubject.objects.select_for_update()
            .filter(automation=automation, entity_id=row.entity_id)
            .first()
        )
        if subject is None:
            # First sight of the page: if this event changed the property, it was not matching
            # before; otherwise it already was whatever it is now.
            try:
                with transaction.atomic():
                    subject = AutomationSubject.objects.create(
                        automation=automation,
                        entity_id=row.entity_id,
                        matched=False if touched else matched,
                        last_event_at=row.timestamp,
                        last_event_id=row.event_id,
                        observed_at=None,
                    )
            except IntegrityError:
                subject = AutomationSubject.objects.select_for_update().get(
                    automation=automation, entity_id=row.entity_id
                )
                if subject.last_event_at >= row.timestamp:
                    return None
            fire = matched and not subject.matched
        elif subject.last_event_at >= row.timestamp:
            return None
        elif subject.observed_at is not None and row.timestamp <= subject.observed_at:
            # This change was already visible when the page was last read, and judged then.
            fire = False
        else:
            fire = matched and (not subject.matched or touched)
        subject.matched = matched
        subject.last_event_at = row.timestamp
        subject.last_event_id = row.event_id
        subject.observed_at = max(filter(None, (subject.observed_at, observed_at)))
        subject.save(update_fields=["matched", "last_event_at", "last_event_id", "observed_at"])
        return fire


def _trigger_failed(automation, row, connection, exc, request_ids) -> None:
    explained = explain_notion_error(exc, integration=connection.bot_name or connection.name)
    with transaction.atomic():
        log = action_log_record(
            workspace=automation.workspace,
            actor=Actor.for_automation(automation),
            action="automation.trigger",
            status=ActionLog.Status.FAILED,
            connection=connection,
            arguments={"event": row.event_id, "type": row.type, "entity": row.entity_id},
            error_code=explained.code,
            error_message=explained.message,
            error_hint=explained.hint,
            http_status=exc.status,
            notion_request_ids=list(request_ids)[-20:],
            trigger_event_id=row.event_id,
        )
        automation_run_record(log=log)


def _event_paced(row: WebhookEvent, seconds: float) -> Outcome:
    """The connection is at Notion's pace: book the next slot so the event wakes at its own
    turn (not with every other waiting event), and don't count it as a failed attempt."""
    booked, reserved = slot_reserve(get_limiter(), row.connection_id, count=1)
    wait = booked if reserved else max(booked, seconds)
    WebhookEvent.objects.filter(pk=row.pk).update(
        attempts=max(0, row.attempts - 1),
        reserved_slots=1 if reserved else 0,
        detail=f"waiting {wait:.1f}s for Notion's rate limit",
    )
    return Outcome.later(wait)


def _event_later(row: WebhookEvent, seconds: float) -> Outcome:
    if row.attempts >= MAX_EVENT_ATTEMPTS:
        return _event_done(row, f"gave up after {row.attempts} attempts", failed=True)
    WebhookEvent.objects.filter(pk=row.pk).update(detail=f"retrying in {seconds:.0f}s")
    return Outcome.later(seconds)


def _event_done(row: WebhookEvent, detail: str, *, failed: bool = False) -> Outcome:
    WebhookEvent.objects.filter(pk=row.pk).update(
        status=WebhookEvent.Status.FAILED if failed else WebhookEvent.Status.PROCESSED,
        detail=detail[:300],
        processed_at=timezone.now(),
    )
    return Outcome.finished()
