"""The workspace switcher: remembers the chosen workspace in the session."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from workspaces.selectors import SESSION_KEY, workspace_list_for_user


def _return_path(request: HttpRequest) -> str | None:
    """Where to go back to: the page the switch came from, unless it shows one object (which
    belongs to the workspace just left) or points off-site."""
    target = request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    path = target.split("?", 1)[0]
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return None if match.kwargs else path


@require_POST
@login_required
def switch(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("workspace", "")
    workspace = (
        workspace_list_for_user(user=request.user).filter(pk=raw).first() if raw.isdigit() else None
    )
    if workspace is None:
        raise Http404("You are not a member of that workspace.")
    request.session[SESSION_KEY] = workspace.pk
    messages.info(request, f"Switched to {workspace.name}.")
    return redirect(_return_path(request) or "integrations:index")
