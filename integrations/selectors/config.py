"""Reads of what a workspace configured: connections, templates, automations, webhooks."""

from datetime import datetime, timedelta

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from assistants.models import Assignment, Assistant
from integrations.models import ActionLog, Automation, NotionConnection, Template
from integrations.selectors.action_log import LIST_COLUMNS, PAGE_SIZE
from workspaces.models import Workspace

# --- connections ---------------------------------------------------------------------------------


def _tool_calls(since: datetime) -> QuerySet[ActionLog]:
    return ActionLog.objects.filter(
        connection=OuterRef("pk"),
        actor_type=ActionLog.ActorType.ASSISTANT,
        created_at__gte=since,
    )


def _count(qs: QuerySet) -> Subquery:
    counted = qs.order_by().values("connection").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def connection_list(*, workspace: Workspace) -> QuerySet[NotionConnection]:
    """The workspace's connections with their assistants, last use and last-24-hour figures.
    Each figure is a subquery on the (connection, created_at) index, so rows don't multiply."""
    since = timezone.now() - timedelta(hours=24)
    last_used = ActionLog.objects.filter(
        connection=OuterRef("pk"), actor_type=ActionLog.ActorType.ASSISTANT
    ).order_by("-created_at", "-id")
    return (
        NotionConnection.objects.filter(workspace=workspace)
        .defer("token")
        .annotate(
            calls_24h=_count(_tool_calls(since)),
            failures_24h=_count(_tool_calls(since).filter(status=ActionLog.Status.FAILED)),
            last_used_at=Subquery(last_used.values("created_at")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("assistant").order_by("assistant__name"),
            )
        )
        .order_by("name")
    )


def connection_get(*, workspace: Workspace, pk: int) -> NotionConnection | None:
    """One connection of this workspace, or None (another workspace's id is simply not found)."""
    return NotionConnection.objects.filter(workspace=workspace, pk=pk).first()


def connection_choices(*, workspace: Workspace) -> QuerySet[NotionConnection]:
    return NotionConnection.objects.filter(workspace=workspace).defer("token").order_by("name")


def assignment_list(*, connection: NotionConnection) -> QuerySet[Assignment]:
    return connection.assignments.select_related("assistant").order_by("assistant__name")


def assistant_list(*, workspace: Workspace) -> QuerySet[Assistant]:
    return Assistant.objects.filter(workspace=workspace).order_by("name")


# --- templates -----------------------------------------------------------------------------------


def template_list(*, workspace: Workspace) -> QuerySet[Template]:
    return Template.objects.filter(workspace=workspace).order_by("name")


def template_get(*, workspace: Workspace, pk: int) -> Template | None:
    return Template.objects.filter(workspace=workspace, pk=pk).first()


# --- automations and webhooks -------------------------------------------------------------------

# Audit actions about an automation written by someone else (an admin, the pause); they name it
# in result["automation_id"]. Its own runs point at it through actor_automation.
AUTOMATION_CHANGES = tuple(
    f"automation.{verb}" for verb in ("create", "update", "enable", "disable", "run_now", "pause")
)


def automation_list(*, workspace: Workspace) -> QuerySet[Automation]:
    return (
        Automation.objects.filter(workspace=workspace)
        .select_related("connection")
        .defer("connection__token", "connection__webhook_token")
        .order_by("name")
    )


def automation_get(*, workspace: Workspace, pk: int) -> Automation | None:
    """One automation of this workspace, or None (another workspace's id is simply not found)."""
    return automation_list(workspace=workspace).filter(pk=pk).first()


def automation_list_for_connection(*, connection: NotionConnection) -> list[Automation]:
    return list(Automation.objects.filter(connection=connection).order_by("name"))


def automation_history(*, automation: Automation, limit: int = PAGE_SIZE) -> list[ActionLog]:
    """The automation's runs and the changes made to it, newest first: two indexed queries
    (by actor, by action) merged, rather than one OR that would scan the workspace's log."""
    runs = ActionLog.objects.filter(actor_automation=automation)
    changes = ActionLog.objects.filter(
        workspace_id=automation.workspace_id,
        action__in=AUTOMATION_CHANGES,
        result__automation_id=automation.pk,
    )
    columns = (*LIST_COLUMNS, "trigger_event_id", "error_message")
    rows = {
        row.pk: row
        for qs in (runs, changes)
        for row in qs.only(*columns).order_by("-created_at", "-id")[:limit]
    }
    return sorted(rows.values(), key=lambda row: (row.created_at, row.pk), reverse=True)[:limit]


def webhook_state(connection: NotionConnection) -> str:
    """Where the connection's Notion webhook stands, from its non-secret columns: "waiting" for
    Notion's verification request, "token_received" (not shown yet), "token_shown" (no event
    since), or "verified" (events arrive, so Notion accepted the token)."""
    received = connection.webhook_token_received_at
    if received is None:
        return "waiting"
    if connection.webhook_last_delivery_at and connection.webhook_last_delivery_at >= received:
        return "verified"
    return "token_shown" if connection.webhook_token_revealed_at else "token_received"
