"""Connection services: create, update, rotate, test, enable/disable, delete."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assistants.models import Access, Assignment
from integrations.audit import Actor, action_log_record
from integrations.models import ActionLog, NotionConnection
from integrations.notion import errors as notion_errors
from integrations.notion.client import NotionClient
from integrations.services.validation import check_name_free, clean_name, clean_token
from workspaces.models import Workspace


class ConnectionCheckFailed(Exception):
    """Notion refused the token or could not be reached; the message is meant for an admin."""

    def __init__(self, message: str, *, code: str, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class TokenIdentity:
    notion_workspace_id: str
    notion_workspace_name: str
    bot_id: str
    bot_name: str


def connection_check_token(*, token: str) -> TokenIdentity:
    """Asks Notion who the token belongs to (GET /v1/users/me), the cheapest check there is.
    https://developers.notion.com/reference/get-self"""
    try:
        me = NotionClient(token).users_me()
    except notion_errors.UnauthorizedError as exc:
        raise ConnectionCheckFailed(
            "Notion rejected this token (unauthorized): check that you copied the whole "
            "Internal Integration Token and that the integration still exists.",
            code=exc.code or "unauthorized",
            status=exc.status,
        ) from None
    except (notion_errors.NotionTimeoutError, notion_errors.NotionConnectionError) as exc:
        raise ConnectionCheckFailed(
            "Notion could not be reached to check the token, so nothing was saved. "
            "Try again in a moment.",
            code=exc.code or "unreachable",
        ) from None
    except notion_errors.NotionError as exc:
        raise ConnectionCheckFailed(
            f"Notion did not accept the check ({exc.status} {exc.code}): {exc.message}",
            code=exc.code or "error",
            status=exc.status,
        ) from None
    bot = me.get("bot") or {}
    return TokenIdentity(
        notion_workspace_id=bot.get("workspace_id") or "",
        notion_workspace_name=bot.get("workspace_name") or "",
        bot_id=me.get("id") or "",
        bot_name=me.get("name") or "",
    )


def _apply_identity(connection: NotionConnection, identity: TokenIdentity) -> None:
    connection.notion_workspace_id = identity.notion_workspace_id
    connection.notion_workspace_name = identity.notion_workspace_name
    connection.bot_id = identity.bot_id
    connection.bot_name = identity.bot_name
    connection.status = NotionConnection.Status.ACTIVE
    connection.status_detail = ""
    connection.last_verified_at = timezone.now()


def connection_name_check(
    *, workspace: Workspace, name: str, exclude_pk: int | None = None
) -> None:
    """Raises a field error when the name is taken in this workspace (case-insensitively)."""
    _check_name_free(workspace, name, exclude_pk=exclude_pk)


def _check_name_free(workspace: Workspace, name: str, *, exclude_pk: int | None = None) -> None:
    check_name_free(
        NotionConnection.objects.filter(workspace=workspace),
        name,
        noun="A connection",
        exclude_pk=exclude_pk,
    )


def _clean_assignments(workspace: Workspace, assignments) -> dict:
    """{assistant: access} with every assistant in this workspace and a known access level."""
    cleaned = {}
    for assistant, access in dict(assignments or {}).items():
        if assistant.workspace_id != workspace.pk:
            raise ValidationError({"assistants": f"Unknown assistant “{assistant.name}”."})
        if access not in Access.values:
            raise ValidationError({"assistants": f"Unknown access level “{access}”."})
        cleaned[assistant] = access
    return cleaned


def _assignment_summary(connection: NotionConnection) -> list[dict]:
    return [
        {"assistant": a.assistant.name, "access": a.access}
        for a in connection.assignments.select_related("assistant").order_by("assistant__name")
    ]


def _sync_assignments(connection: NotionConnection, assignments: dict) -> None:
    keep = []
    for assistant, access in assignments.items():
        row, _ = Assignment.objects.update_or_create(
            assistant=assistant, connection=connection, defaults={"access": access}
        )
        keep.append(row.pk)
    connection.assignments.exclude(pk__in=keep).delete()


def connection_create(
    *,
    workspace: Workspace,
    name: str,
    token: str,
    assignments: dict | None = None,
    actor: Actor,
    identity: TokenIdentity | None = None,
) -> NotionConnection:
    """Checks the token with Notion, then stores the connection (token encrypted), its
    assignments and one audit row. Nothing is written if any step fails."""
    name = clean_name(name)
    token = clean_token(token)
    cleaned = _clean_assignments(workspace, assignments)
    _check_name_free(workspace, name)
    identity = identity or connection_check_token(token=token)
    try:
        with transaction.atomic():
            connection = NotionConnection(
                workspace=workspace,
                name=name,
                token=token,
                token_last4=token[-4:],
                created_by=actor.user,
            )
            _apply_identity(connection, identity)
            connection.save()
            _sync_assignments(connection, cleaned)
            action_log_record(
                workspace=workspace,
                actor=actor,
                action="connection.create",
                status=ActionLog.Status.SUCCEEDED,
                connection=connection,
                arguments={"name": name, "assistants": _assignment_summary(connection)},
                result={
                    "notion_workspace": identity.notion_workspace_name,
                    "bot": identity.bot_name,
                    "token": f"…{connection.token_last4}",
                },
            )
    except IntegrityError:
        # Two saves raced past the name check: report it as the field error it is.
        raise ValidationError(
            {"name": f"A connection named “{name}” already exists here."}
        ) from None
    return connection


def connection_update(
    *,
    connection: NotionConnection,
    actor: Actor,
    name: str | None = None,
    assignments: dict | None = None,
) -> NotionConnection:
    changes: dict = {}
    with transaction.atomic():
        if name is not None:
            name = clean_name(name)
            if name != connection.name:
                _check_name_free(connection.workspace, name, exclude_pk=connection.pk)
                changes["name"] = {"from": connection.name, "to": name}
                connection.name = name
                connection.save(update_fields=["name", "updated_at"])
        if assignments is not None:
            before = _assignment_summary(connection)
            _sync_assignments(connection, _clean_assignments(connection.workspace, assignments))
            after = _assignment_summary(connection)
            if before != after:
                changes["assistants"] = {"from": before, "to": after}
        action_log_record(
            workspace=connection.workspace,
            actor=actor,
            action="connection.update",
            status=ActionLog.Status.SUCCEEDED,
            connection=connection,
            arguments=changes,
        )
    return connection


def connection_rotate_token(
    *, connection: NotionConnection, token: str, actor: Actor
) -> NotionConnection:
    """Replaces the token after the same live check as creation; the old token stays if Notion
    refuses the new one."""
    token = clean_token(token)
    identity = connection_check_token(token=token)
    with transaction.atomic():
        previous_last4 = connection.token_last4
        connection.token = token
        connection.token_last4 = token[-4:]
        _apply_identity(connection, identity)
        connection.save()
        action_log_record(
            workspace=connection.workspace,
            actor=actor,
            action="connection.rotate_token",
            status=ActionLog.Status.SUCCEEDED,
            connection=connection,
            arguments={"previous_token": f"…{previous_last4}", "new_token": f"…{token[-4:]}"},
            result={"notion_workspace": identity.notion_workspace_name, "bot": identity.bot_name},
        )
    return connection


def connection_test(*, connection: NotionConnection, actor: Actor) -> NotionConnection:
    """Re-checks the stored token; the outcome becomes the connection's status and is audited."""
    try:
        identity = connection_check_token(token=connection.token)
    except ConnectionCheckFailed as exc:
        with transaction.atomic():
            if exc.code == "unauthorized":
                connection.status = NotionConnection.Status.INVALID
                connection.status_detail = str(exc)
                connection.save(update_fields=["status", "status_detail", "updated_at"])
            action_log_record(
                workspace=connection.workspace,
                actor=actor,
                action="connection.test",
                status=ActionLog.Status.FAILED,
                connection=connection,
                error_code=exc.code,
                error_message=str(exc),
                http_status=exc.status,
            )
        raise
    with transaction.atomic():
        was_disabled = connection.status == NotionConnection.Status.DISABLED
        _apply_identity(connection, identity)
        if was_disabled:
            connection.status = NotionConnection.Status.DISABLED
        connection.save()
        action_log_record(
            workspace=connection.workspace,
            actor=actor,
            action="connection.test",
            status=ActionLog.Status.SUCCEEDED,
            connection=connection,
            result={"notion_workspace": identity.notion_workspace_name, "bot": identity.bot_name},
        )
    return connection


def connection_set_enabled(
    *, connection: NotionConnection, enabled: bool, actor: Actor
) -> NotionConnection:
    with transaction.atomic():
        if enabled:
            connection.status = (
                NotionConnection.Status.ACTIVE
                if connection.last_verified_at
                else NotionConnection.Status.UNVERIFIED
            )
            connection.status_detail = ""
        else:
            connection.status = NotionConnection.Status.DISABLED
            connection.status_detail = "Disabled by an admin: assistants can't use it."
        connection.save(update_fields=["status", "status_detail", "updated_at"])
        action_log_record(
            workspace=connection.workspace,
            actor=actor,
            action="connection.enable" if enabled else "connection.disable",
            status=ActionLog.Status.SUCCEEDED,
            connection=connection,
        )
    return connection


def connection_mark_invalid(*, connection: NotionConnection, detail: str) -> None:
    """Notion answered 401 for this token: later calls fail fast until an admin fixes it."""
    with transaction.atomic():
        updated = (
            NotionConnection.objects.filter(pk=connection.pk)
            .exclude(status=NotionConnection.Status.INVALID)
            .update(status=NotionConnection.Status.INVALID, status_detail=detail)
        )
        if updated:
            action_log_record(
                workspace=connection.workspace,
                actor=Actor.system("tool-call worker"),
                action="connection.invalidate",
                status=ActionLog.Status.SUCCEEDED,
                connection=connection,
                arguments={"detail": detail},
            )
    connection.status = NotionConnection.Status.INVALID
    connection.status_detail = detail


def connection_delete(*, connection: NotionConnection, actor: Actor) -> None:
    """Deletes the connection, its assignments and its automations; its audit rows stay, named
    by snapshot, and the deletion's row lists the automations that went with it."""
    with transaction.atomic():
        action_log_record(
            workspace=connection.workspace,
            actor=actor,
            action="connection.delete",
            status=ActionLog.Status.SUCCEEDED,
            connection=connection,
            arguments={
                "name": connection.name,
                "assistants": _assignment_summary(connection),
                "automations": list(connection.automations.values_list("name", flat=True)),
            },
        )
        connection.delete()
