"""Who may see and change what: signed-in members see their workspace, its admins change it."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from workspaces.models import Membership
from workspaces.selectors import membership_get


def is_workspace_admin(request) -> bool:
    """Cached per request: the user is an admin of the current workspace."""
    if not hasattr(request, "_is_workspace_admin"):
        membership = (
            membership_get(user=request.user, workspace=request.workspace)
            if request.workspace is not None
            else None
        )
        request._is_workspace_admin = (
            membership is not None and membership.role == Membership.Role.ADMIN
        )
    return request._is_workspace_admin


def workspace_required(view):
    """Login required, and a workspace to show; a user without one gets a page that says so."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "workspace", None) is None:
            return render(request, "integrations/no_workspace.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def workspace_admin_required(view):
    """Like workspace_required, and only a workspace admin may go on (members get 403)."""

    @workspace_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_workspace_admin(request):
            raise PermissionDenied("Only an admin of this workspace can change this.")
        return view(request, *args, **kwargs)

    return wrapper
