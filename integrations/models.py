"""Notion connections, Phinite templates and the audit log."""

from django.conf import settings
from django.db import models

from integrations.fields import SecretField
from workspaces.models import Workspace


class NotionConnection(models.Model):
    class Status(models.TextChoices):
        UNVERIFIED = "unverified", "Unverified"
        ACTIVE = "active", "Active"
        INVALID = "invalid", "Invalid"
        DISABLED = "disabled", "Disabled"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="connections")
    name = models.CharField(max_length=100)
    # The secret lives apart from every queryable column; only its last four characters are
    # ever shown.
    token = SecretField(max_length=500)
    token_last4 = models.CharField(max_length=4)
    notion_workspace_id = models.CharField(max_length=64, blank=True)
    notion_workspace_name = models.CharField(max_length=200, blank=True)
    bot_id = models.CharField(max_length=64, blank=True)
    bot_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNVERIFIED)
    status_detail = models.CharField(max_length=500, blank=True)
    last_verified_at = models.DateTimeField(null=True, blank=True)
    # Notion webhooks: the verification token Notion posts once to our endpoint. It signs every
    # delivery (X-Notion-Signature), so it is a secret like the integration token.
    webhook_token = SecretField(max_length=500, blank=True, default="")
    webhook_token_last4 = models.CharField(max_length=4, blank=True)
    webhook_token_received_at = models.DateTimeField(null=True, blank=True)
    webhook_token_revealed_at = models.DateTimeField(null=True, blank=True)
    webhook_last_delivery_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_connection_name")
        ]

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<NotionConnection {self.pk} {self.name!r} token=…{self.token_last4}>"

    @property
    def masked_token(self) -> str:
        return f"••••••••{self.token_last4}"


class Template(models.Model):
    """A Phinite template: Notion's API cannot create templates, so this is our own blueprint,
    instantiated with notion_create_page_from_template."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="templates")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    target_id = models.CharField(
        max_length=64, blank=True, help_text="Parent page id, or database / data source id."
    )
    target_type = models.CharField(
        max_length=16,
        choices=[("page", "Page"), ("database", "Database"), ("data_source", "Data source")],
        default="page",
    )
    title_pattern = models.CharField(max_length=300, default="{title}")
    body = models.TextField(blank=True, help_text="Markdown with {variables}.")
    default_properties = models.JSONField(default=dict, blank=True)
    created_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_template_name")
        ]

    def __str__(self) -> str:
        return self.name


class ActionLog(models.Model):
    """One audited action: a tool call or a configuration change. Foreign keys are nullable and
    mirrored by text snapshots so the row outlives what it points at."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        REJECTED = "rejected", "Rejected"

    class ActorType(models.TextChoices):
        ASSISTANT = "assistant", "Assistant"
        USER = "user", "User"
        SYSTEM = "system", "System"
        AUTOMATION = "automation", "Automation"

    FINAL_STATUSES = (Status.SUCCEEDED, Status.FAILED, Status.REJECTED)

    workspace = models.ForeignKey(
        Workspace, null=True, on_delete=models.SET_NULL, related_name="action_logs"
    )
    workspace_name = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    actor_type = models.CharField(max_length=10, choices=ActorType.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_assistant = models.ForeignKey(
        "assistants.Assistant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_logs",
    )
    actor_automation = models.ForeignKey(
        "integrations.Automation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
    )
    actor_name = models.CharField(max_length=200)
    # The Notion webhook event (its id) or schedule slot that made an automation act.
    trigger_event_id = models.CharField(max_length=100, blank=True)

    connection = models.ForeignKey(
        NotionConnection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_logs",
    )
    connection_name = models.CharField(max_length=100, blank=True)

    action = models.CharField(max_length=80)
    status = models.CharField(max_length=10, choices=Status.choices)
    arguments = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error_code = models.CharField(max_length=60, blank=True)
    error_message = models.TextField(blank=True)
    error_hint = models.TextField(blank=True)
    notion_request_ids = models.JSONField(default=list, blank=True)
    notion_object_ids = models.JSONField(default=list, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    arguments_digest = models.CharField(max_length=64, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    progress = models.CharField(max_length=200, blank=True)
    # Marker for non-idempotent writes: set just before a write is sent, so a retry after an
    # unknown outcome knows to look for what may have landed.
    write_marker = models.CharField(max_length=64, blank=True)
    # Execution bookkeeping: when the next attempt may run (rate limit, backoff), and until when
    # the current attempt holds the call (so a redelivered task never runs it twice at once).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    rate_limited_count = models.PositiveSmallIntegerField(default=0)
    # Slots booked for this call in the shared limiter, from next_attempt_at (see reserve()).
    reserved_slots = models.PositiveSmallIntegerField(default=0)
    # The call's full arguments, kept only until it ends (the audit copy above is redacted and
    # capped), and the tool's full output returned to the assistant (bounded by its budget).
    pending_arguments = models.JSONField(null=True, blank=True, editable=False)
    output = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "-created_at", "-id"], name="log_ws_recent"),
            models.Index(fields=["connection", "-created_at", "-id"], name="log_conn_recent"),
            models.Index(fields=["actor_assistant", "-created_at", "-id"], name="log_asst_recent"),
            models.Index(fields=["actor_automation", "-created_at", "-id"], name="log_auto_recent"),
            models.Index(fields=["action", "-created_at", "-id"], name="log_action_recent"),
            models.Index(fields=["status", "-created_at", "-id"], name="log_status_recent"),
            models.Index(
                fields=["status", "created_at"],
                condition=models.Q(status__in=["queued", "running"]),
                name="log_unfinished",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["actor_assistant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="unique_assistant_idempotency_key",
            ),
            # An automation's run for one event or schedule slot is queued once, however often
            # the event is delivered or the dispatcher looks.
            models.UniqueConstraint(
                fields=["actor_automation", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="unique_automation_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_name} ({self.status})"

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES

    @property
    def tool_name(self) -> str:
        return self.action.removeprefix("tool.") if self.action.startswith("tool.") else ""


class Automation(models.Model):
    """A tool run that happens without an assistant asking: on a schedule or on a Notion event."""

    class Trigger(models.TextChoices):
        CRON = "cron", "Schedule (cron)"
        INTERVAL = "interval", "Schedule (interval)"
        EVENT = "event", "Notion event"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="automations")
    connection = models.ForeignKey(
        NotionConnection, on_delete=models.CASCADE, related_name="automations"
    )
    name = models.CharField(max_length=100)
    enabled = models.BooleanField(default=True)

    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    cron = models.CharField(max_length=100, blank=True)
    interval_seconds = models.PositiveIntegerField(null=True, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    event_types = models.JSONField(default=list, blank=True)
    # Narrows an event trigger: a database / data source or parent page id, and a property
    # (with an optional value: "when Status becomes Done").
    scope_id = models.CharField(max_length=64, blank=True)
    property_name = models.CharField(max_length=100, blank=True)
    property_value = models.CharField(max_length=200, blank=True)
    # Changes made by this connection's own integration are ignored unless this is set, so an
    # automation that writes to the pages it watches can't trigger itself forever.
    include_own_changes = models.BooleanField(default=False)

    tool_name = models.CharField(max_length=80)
    arguments = models.JSONField(default=dict, blank=True)

    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_run_status = models.CharField(max_length=10, blank=True)
    last_error = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    missed_runs = models.PositiveIntegerField(default=0)
    paused_reason = models.CharField(max_length=300, blank=True)

    created_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_automation_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_schedule(self) -> bool:
        return self.trigger in (self.Trigger.CRON, self.Trigger.INTERVAL)

    @property
    def is_paused(self) -> bool:
        return bool(self.paused_reason)


class WebhookEvent(models.Model):
    """One Notion webhook event as delivered (the inbox): unique per connection and event id, so
    a redelivery is recognised and processed at most once."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"

    connection = models.ForeignKey(
        NotionConnection, on_delete=models.CASCADE, related_name="webhook_events"
    )
    event_id = models.CharField(max_length=100)
    type = models.CharField(max_length=60)
    entity_id = models.CharField(max_length=64, blank=True)
    entity_type = models.CharField(max_length=30, blank=True)
    timestamp = models.DateTimeField()
    attempt_number = models.PositiveSmallIntegerField(default=1)
    deliveries = models.PositiveSmallIntegerField(default=1)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A slot booked in the connection's shared limiter for the next attempt's page read.
    reserved_slots = models.PositiveSmallIntegerField(default=0)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    detail = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        # Is a newer event for this page already in? (see webhooks._superseded)
        indexes = [
            models.Index(fields=["connection", "entity_id", "timestamp"], name="webhook_entity")
        ]
        constraints = [
            models.UniqueConstraint(fields=["connection", "event_id"], name="unique_webhook_event")
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class AutomationSubject(models.Model):
    """What an automation last saw of one Notion object, so a condition fires on its change
    ("becomes Done") once, whatever the order or number of deliveries."""

    automation = models.ForeignKey(Automation, on_delete=models.CASCADE, related_name="subjects")
    entity_id = models.CharField(max_length=64)
    matched = models.BooleanField(default=False)
    last_event_at = models.DateTimeField()
    last_event_id = models.CharField(max_length=100)
    # When the page was last read (our clock, taken before the request): every change Notion
    # stamped before it was already visible in that read.
    observed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["automation", "entity_id"], name="unique_automation_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.automation_id}:{self.entity_id}"
