"""Reads about workspaces and membership, shared by views, admin and API."""

from django.db.models import QuerySet

from workspaces.models import Membership, Workspace

SESSION_KEY = "workspace_id"


def workspace_list_for_user(*, user) -> QuerySet[Workspace]:
    if not getattr(user, "is_authenticated", False):
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user=user).order_by("name")


def membership_get(*, user, workspace: Workspace) -> Membership | None:
    return Membership.objects.filter(user=user, workspace=workspace).first()


def workspace_for_request(request) -> Workspace | None:
    """The workspace chosen in the session if the user belongs to it, else their first one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    workspaces = workspace_list_for_user(user=user)
    chosen = request.session.get(SESSION_KEY)
    if chosen is not None:
        workspace = workspaces.filter(pk=chosen).first()
        if workspace is not None:
            return workspace
    return workspaces.first()
