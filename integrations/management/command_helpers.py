"""Small helpers shared by management commands."""

from django.core.management.base import CommandError

from workspaces.models import Workspace


def workspace_by_slug(slug: str) -> Workspace:
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        known = ", ".join(Workspace.objects.values_list("slug", flat=True)[:20]) or "none yet"
        raise CommandError(f"No workspace with slug “{slug}” (known: {known}).")
    return workspace
