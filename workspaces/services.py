"""Workspace services."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from integrations.audit import Actor, action_log_record
from integrations.models import ActionLog
from integrations.services.validation import clean_name
from workspaces.models import Membership, Workspace


@transaction.atomic
def workspace_create(*, name: str, actor: Actor, slug: str | None = None, admin=None) -> Workspace:
    name = clean_name(name, max_length=120)
    slug = slugify(slug or name)[:60]
    if not slug:
        raise ValidationError({"slug": "Choose a name with letters or digits."})
    if Workspace.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"A workspace with the slug “{slug}” already exists."})
    workspace = Workspace.objects.create(name=name, slug=slug)
    if admin is not None:
        Membership.objects.create(workspace=workspace, user=admin, role=Membership.Role.ADMIN)
    action_log_record(
        workspace=workspace,
        actor=actor,
        action="workspace.create",
        status=ActionLog.Status.SUCCEEDED,
        arguments={"name": name, "slug": slug, "admin": admin.get_username() if admin else None},
    )
    return workspace


@transaction.atomic
def membership_set(*, workspace: Workspace, user, role: str, actor: Actor) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError({"role": f"Unknown role “{role}”: use admin or member."})
    membership, created = Membership.objects.update_or_create(
        workspace=workspace, user=user, defaults={"role": role}
    )
    action_log_record(
        workspace=workspace,
        actor=actor,
        action="membership.create" if created else "membership.update",
        status=ActionLog.Status.SUCCEEDED,
        arguments={"user": user.get_username(), "role": role},
    )
    return membership
