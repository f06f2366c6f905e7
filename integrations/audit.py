"""Writing audit rows: who did what, on which connection, with what result; secrets redacted."""

import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from integrations.models import ActionLog, NotionConnection
from workspaces.models import Workspace

MAX_JSON_CHARS = 8_000
REDACTED = "[redacted]"
SECRET_KEYS = frozenset(
    {"token", "secret", "password", "api_key", "key", "authorization", "integration_token"}
)


@dataclass(frozen=True)
class Actor:
    """Who acted: an assistant, a signed-in user, an automation, or the system (a command)."""

    type: str
    name: str
    user: Any = None
    assistant: Any = None
    automation: Any = None

    @classmethod
    def for_user(cls, user) -> "Actor":
        if user is None or not getattr(user, "is_authenticated", False):
            return cls.system("anonymous")
        return cls(type=ActionLog.ActorType.USER, name=user.get_username(), user=user)

    @classmethod
    def for_assistant(cls, assistant) -> "Actor":
        return cls(type=ActionLog.ActorType.ASSISTANT, name=assistant.name, assistant=assistant)

    @classmethod
    def for_automation(cls, automation) -> "Actor":
        return cls(type=ActionLog.ActorType.AUTOMATION, name=automation.name, automation=automation)

    @classmethod
    def system(cls, name: str = "system") -> "Actor":
        return cls(type=ActionLog.ActorType.SYSTEM, name=name)


def redact(value: Any) -> Any:
    """A copy of `value` with every secret-named key's value replaced."""
    if isinstance(value, dict):
        return {
            k: (REDACTED if str(k).lower() in SECRET_KEYS else redact(v)) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


def cap(value: Any, limit: int = MAX_JSON_CHARS) -> Any:
    """Keeps JSON columns small: an oversized value becomes a truncated preview, marked as such."""
    text = json.dumps(value, default=str, ensure_ascii=False)
    if len(text) <= limit:
        return value
    return {"_truncated": True, "_original_chars": len(text), "preview": text[:limit]}


def action_log_record(
    *,
    workspace: Workspace | None,
    actor: Actor,
    action: str,
    status: str,
    connection: NotionConnection | None = None,
    arguments: dict | None = None,
    result: dict | None = None,
    error_code: str = "",
    error_message: str = "",
    error_hint: str = "",
    **fields: Any,
) -> ActionLog:
    """Writes one audit row. Called inside the service's transaction, so the change and its
    record commit or roll back together."""
    now = timezone.now()
    final = status in ActionLog.FINAL_STATUSES
    return ActionLog.objects.create(
        workspace=workspace,
        workspace_name=workspace.name if workspace else "",
        actor_type=actor.type,
        actor_user=actor.user,
        actor_assistant=actor.assistant,
        actor_automation=actor.automation,
        actor_name=actor.name,
        connection=connection,
        connection_name=connection.name if connection else "",
        action=action,
        status=status,
        arguments=cap(redact(arguments or {})),
        result=cap(redact(result or {})),
        error_code=error_code,
        error_message=error_message,
        error_hint=error_hint,
        started_at=fields.pop("started_at", now if final else None),
        finished_at=fields.pop("finished_at", now if final else None),
        **fields,
    )
