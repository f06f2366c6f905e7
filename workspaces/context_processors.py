"""Template context: the current workspace and the ones the user may switch to."""

from workspaces.selectors import workspace_list_for_user


def workspaces(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_workspace": getattr(request, "workspace", None),
        "user_workspaces": workspace_list_for_user(user=user),
    }
