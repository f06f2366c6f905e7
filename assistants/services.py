"""Assistant and assignment services; each writes its own audit row in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from assistants.keys import key_generate
from assistants.models import Access, Assignment, Assistant
from integrations.audit import Actor, action_log_record
from integrations.models import ActionLog, NotionConnection
from integrations.services.validation import check_name_free, clean_name
from workspaces.models import Workspace


def _unique_slug(workspace: Workspace, name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:90] or "assistant"
    slug, n = base, 2
    taken = Assistant.objects.filter(workspace=workspace)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def assistant_name_check(*, workspace: Workspace, name: str, exclude_pk: int | None = None) -> str:
    """The cleaned name, or a ValidationError when it is blank or taken in this workspace."""
    name = clean_name(name)
    _check_assistant_name_free(workspace, name, exclude_pk)
    return name


def _check_assistant_name_free(workspace, name, exclude_pk=None):
    check_name_free(
        Assistant.objects.filter(workspace=workspace),
        name,
        noun="An assistant",
        exclude_pk=exclude_pk,
    )


@transaction.atomic
def assistant_create(
    *, workspace: Workspace, name: str, actor: Actor, description: str = "", is_active=True
) -> tuple[Assistant, str]:
    """Creates an assistant and returns it with its API key, which is never retrievable again."""
    name = clean_name(name)
    _check_assistant_name_free(workspace, name)
    new_key = key_generate()
    assistant = Assistant.objects.create(
        workspace=workspace,
        name=name,
        slug=_unique_slug(workspace, name),
        description=description or "",
        is_active=is_active,
        key_prefix=new_key.prefix,
        key_digest=new_key.digest,
    )
    action_log_record(
        workspace=workspace,
        actor=actor,
        action="assistant.create",
        status=ActionLog.Status.SUCCEEDED,
        arguments={"name": name, "description": assistant.description},
        result={"assistant_id": assistant.pk, "key_prefix": new_key.prefix},
    )
    return assistant, new_key.key


@transaction.atomic
def assistant_update(
    *,
    assistant: Assistant,
    actor: Actor,
    name: str | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> Assistant:
    changes = {}
    if name is not None:
        name = clean_name(name)
        if name != assistant.name:
            _check_assistant_name_free(assistant.workspace, name, exclude_pk=assistant.pk)
            changes["name"] = {"from": assistant.name, "to": name}
            assistant.name = name
    if description is not None and description != assistant.description:
        changes["description"] = {"from": assistant.description, "to": description}
        assistant.description = description
    if is_active is not None and is_active != assistant.is_active:
        changes["is_active"] = {"from": assistant.is_active, "to": is_active}
        assistant.is_active = is_active
    assistant.save()
    action = "assistant.update"
    if set(changes) == {"is_active"}:
        action = "assistant.activate" if is_active else "assistant.deactivate"
    action_log_record(
        workspace=assistant.workspace,
        actor=actor,
        action=action,
        status=ActionLog.Status.SUCCEEDED,
        arguments=changes,
        result={"assistant_id": assistant.pk},
    )
    return assistant


def assistant_deactivate(*, assistant: Assistant, actor: Actor) -> Assistant:
    return assistant_update(assistant=assistant, actor=actor, is_active=False)


@transaction.atomic
def assistant_rotate_key(*, assistant: Assistant, actor: Actor) -> str:
    """Replaces the key at once: the old one stops working. Returns the new key, shown once."""
    previous = assistant.key_prefix
    new_key = key_generate()
    assistant.key_prefix = new_key.prefix
    assistant.key_digest = new_key.digest
    assistant.save(update_fields=["key_prefix", "key_digest", "updated_at"])
    action_log_record(
        workspace=assistant.workspace,
        actor=actor,
        action="assistant.rotate_key",
        status=ActionLog.Status.SUCCEEDED,
        arguments={"previous_key_prefix": previous},
        result={"assistant_id": assistant.pk, "key_prefix": new_key.prefix},
    )
    return new_key.key


@transaction.atomic
def assistant_delete(*, assistant: Assistant, actor: Actor) -> None:
    action_log_record(
        workspace=assistant.workspace,
        actor=actor,
        action="assistant.delete",
        status=ActionLog.Status.SUCCEEDED,
        arguments={"name": assistant.name, "key_prefix": assistant.key_prefix},
    )
    assistant.delete()


@transaction.atomic
def assignment_set(
    *, assistant: Assistant, connection: NotionConnection, access: str, actor: Actor
) -> Assignment:
    if assistant.workspace_id != connection.workspace_id:
        raise ValidationError("The assistant and the connection belong to different workspaces.")
    if access not in Access.values:
        raise ValidationError(
            {"access": f"Unknown access level “{access}”: use read, write or full."}
        )
    assignment, created = Assignment.objects.get_or_create(
        assistant=assistant, connection=connection, defaults={"access": access}
    )
    previous = None if created else assignment.access
    if not created and assignment.access != access:
        assignment.access = access
        assignment.save(update_fields=["access"])
    action_log_record(
        workspace=connection.workspace,
        actor=actor,
        action="assignment.create" if created else "assignment.update",
        status=ActionLog.Status.SUCCEEDED,
        connection=connection,
        arguments={"assistant": assistant.name, "access": access, "previous_access": previous},
    )
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: Assignment, actor: Actor) -> None:
    action_log_record(
        workspace=assignment.connection.workspace,
        actor=actor,
        action="assignment.delete",
        status=ActionLog.Status.SUCCEEDED,
        connection=assignment.connection,
        arguments={"assistant": assignment.assistant.name, "access": assignment.access},
    )
    assignment.delete()
