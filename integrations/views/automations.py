"""Automations: list, add, detail (next runs, status, history), edit, enable, run now, delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from integrations import selectors
from integrations.audit import Actor
from integrations.automations import schedule
from integrations.forms import AutomationForm, apply_service_errors
from integrations.forms.automations import TEMPLATE_TOOL
from integrations.forms.common import json_text
from integrations.models import ActionLog, Automation
from integrations.services import automations as automation_services  # views share its names
from integrations.views.access import (
    is_workspace_admin,
    workspace_admin_required,
    workspace_required,
)
from integrations.views.connections import webhook_context

NEXT_RUNS = 5


def _automation_or_404(request: HttpRequest, pk: int) -> Automation:
    automation = selectors.automation_get(workspace=request.workspace, pk=pk)
    if automation is None:
        raise Http404("No such automation in this workspace.")
    return automation


def trigger_text(automation: Automation) -> str:
    """The trigger in words: “every 15 minutes”, “page.created in 1f2e… when Status becomes
    Done”."""
    if automation.is_schedule:
        return schedule.describe(automation)
    text = "On " + (", ".join(automation.event_types or []) or "no event")
    if automation.scope_id:
        text += f" in {automation.scope_id}"
    if automation.property_name and automation.property_value:
        text += f" when {automation.property_name} becomes {automation.property_value}"
    elif automation.property_name:
        text += f" when {automation.property_name} changes"
    return text


def action_text(automation: Automation) -> str:
    arguments = automation.arguments if isinstance(automation.arguments, dict) else {}
    if automation.tool_name == TEMPLATE_TOOL and arguments.get("template"):
        return f"Create page from template “{arguments['template']}”"
    return automation.tool_name


def _describe(automation: Automation) -> Automation:
    automation.trigger_text = trigger_text(automation)
    automation.action_text = action_text(automation)
    return automation


@require_GET
@workspace_required
def automation_list(request: HttpRequest) -> HttpResponse:
    automations = [_describe(a) for a in selectors.automation_list(workspace=request.workspace)]
    return render(
        request,
        "integrations/automation_list.html",
        {
            "automations": automations,
            "paused": [a for a in automations if a.is_paused],
            "can_change": is_workspace_admin(request),
        },
    )


def _render_form(request: HttpRequest, form: AutomationForm, automation=None) -> HttpResponse:
    return render(
        request,
        "integrations/automation_form.html",
        {"form": form, "automation": automation},
    )


@require_http_methods(["GET", "POST"])
@workspace_admin_required
def automation_add(request: HttpRequest) -> HttpResponse:
    form = AutomationForm(request.POST or None, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            automation = automation_services.automation_create(
                workspace=request.workspace,
                actor=Actor.for_user(request.user),
                **form.service_fields(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases=form.error_aliases())
        else:
            messages.success(request, f"Created the automation “{automation.name}”.")
            return redirect("integrations:automation_detail", pk=automation.pk)
    return _render_form(request, form)


def _next_runs(automation: Automation) -> list:
    if not automation.is_schedule:
        return []
    try:
        return schedule.next_runs(automation, timezone.now(), NEXT_RUNS)
    except (schedule.ScheduleError, TypeError, ValueError):
        # A schedule saved before its checks existed: the page says there is nothing to show.
        return []


@require_GET
@workspace_required
def automation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    automation = _describe(_automation_or_404(request, pk))
    history = selectors.automation_history(automation=automation)
    can_change = is_workspace_admin(request)
    context = {
        "automation": automation,
        "arguments_json": json_text(automation.arguments),
        "next_runs": _next_runs(automation),
        "history": history,
        "recent_runs": _recent_runs(history),
        "history_limit": selectors.PAGE_SIZE,
        "pending_ids": [row.pk for row in history if not row.is_final],
        "can_change": can_change,
    }
    if automation.trigger == Automation.Trigger.EVENT:
        context |= webhook_context(request, automation.connection)
    return render(request, "integrations/automation_detail.html", context)


def _recent_runs(history: list[ActionLog], count: int = 30) -> dict:
    """The last runs, oldest first, for the strip of coloured marks on the detail page."""
    runs = [
        row
        for row in reversed(history)
        if row.actor_type == ActionLog.ActorType.AUTOMATION
        and (row.action.startswith("tool.") or row.action == "automation.trigger")
    ][-count:]
    done = [row for row in runs if row.is_final]
    return {
        "rows": runs,
        "succeeded": sum(1 for row in done if row.status == ActionLog.Status.SUCCEEDED),
        "finished": len(done),
    }


@require_http_methods(["GET", "POST"])
@workspace_admin_required
def automation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    automation = _automation_or_404(request, pk)
    form = AutomationForm(request.POST or None, workspace=request.workspace, automation=automation)
    if request.method == "POST" and form.is_valid():
        try:
            automation_services.automation_update(
                automation=automation, actor=Actor.for_user(request.user), **form.service_fields()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases=form.error_aliases())
        else:
            messages.success(request, f"Saved the automation “{form.cleaned_data['name']}”.")
            return redirect("integrations:automation_detail", pk=automation.pk)
    return _render_form(request, form, automation)


@require_POST
@workspace_admin_required
def automation_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    automation = _automation_or_404(request, pk)
    # The wanted state is explicit, so a double submit can't flip it back.
    enable = request.POST.get("enable") == "1"
    was_paused = automation.is_paused
    automation_services.automation_set_enabled(
        automation=automation, enabled=enable, actor=Actor.for_user(request.user)
    )
    if enable and was_paused:
        messages.success(request, f"Resumed “{automation.name}”; its count of failures restarts.")
    elif enable:
        messages.success(request, f"Enabled “{automation.name}”.")
    else:
        messages.success(request, f"Disabled “{automation.name}”: it won't run until enabled.")
    return redirect("integrations:automation_detail", pk=automation.pk)


@require_POST
@workspace_admin_required
def automation_run(request: HttpRequest, pk: int) -> HttpResponse:
    automation = _automation_or_404(request, pk)
    try:
        log = automation_services.automation_run_now(
            automation=automation, actor=Actor.for_user(request.user)
        )
    except automation_services.AutomationRunRefused as exc:
        messages.error(request, str(exc))
    else:
        if log.status in (ActionLog.Status.FAILED, ActionLog.Status.REJECTED):
            messages.error(request, f"The run could not start: {log.error_message}")
        else:
            messages.success(
                request, f"Started a run of “{automation.name}”; it is at the top of the history."
            )
    return redirect("integrations:automation_detail", pk=automation.pk)


@require_POST
@workspace_admin_required
def automation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    automation = _automation_or_404(request, pk)
    if request.POST.get("confirm") != "1":
        messages.error(request, "Tick the box to confirm the deletion.")
        return redirect("integrations:automation_detail", pk=automation.pk)
    name = automation.name
    automation_services.automation_delete(automation=automation, actor=Actor.for_user(request.user))
    messages.success(request, f"Deleted the automation “{name}”. Its runs stay in the action log.")
    return redirect("integrations:automation_list")
