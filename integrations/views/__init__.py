"""Admin-facing pages: Notion connections, the action log and Phinite templates."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def index(request: HttpRequest) -> HttpResponse:
    # Notion is the only integration so far: Integrations opens straight onto it.
    return redirect("integrations:notion_list")
