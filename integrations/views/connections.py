"""Notion connections: list, Add Configuration, detail, the actions on a connection, webhooks."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from integrations import selectors, services
from integrations.audit import Actor
from integrations.forms import (
    ConnectionAddForm,
    ConnectionEditForm,
    DeleteConnectionForm,
    RotateTokenForm,
    apply_service_errors,
)
from integrations.models import NotionConnection
from integrations.services.webhooks import (
    WebhookTokenUnavailable,
    webhook_reset,
    webhook_token_reveal,
)
from integrations.views.access import (
    is_workspace_admin,
    workspace_admin_required,
    workspace_required,
)


def _connection_or_404(request: HttpRequest, pk: int) -> NotionConnection:
    connection = selectors.connection_get(workspace=request.workspace, pk=pk)
    if connection is None:
        raise Http404("No such connection in this workspace.")
    return connection


def webhook_context(request: HttpRequest, connection: NotionConnection) -> dict:
    """The connection's webhook endpoint (absolute, to paste into Notion) and its state."""
    url = reverse("integrations:notion_webhook", args=[connection.pk])
    return {
        "webhook_url": request.build_absolute_uri(url),
        "webhook_state": selectors.webhook_state(connection),
    }


def check_failure_message(exc: services.ConnectionCheckFailed) -> str:
    """Notion's verdict in plain words, with its code and HTTP status; when no answer came,
    the network error's code instead."""
    if exc.status is None:
        return f"{exc} (error: {exc.code})"
    return f"{exc} (Notion's code: {exc.code}, HTTP {exc.status})"


def _identity_message(connection: NotionConnection, verb: str) -> str:
    return (
        f"{verb} Notion workspace “{connection.notion_workspace_name or 'unnamed'}” "
        f"as the integration “{connection.bot_name or 'unnamed'}”."
    )


@require_GET
@workspace_required
def notion_list(request: HttpRequest) -> HttpResponse:
    connections = list(selectors.connection_list(workspace=request.workspace))
    return render(
        request,
        "integrations/notion_list.html",
        {"connections": connections, "can_change": is_workspace_admin(request)},
    )


@require_http_methods(["GET", "POST"])
@workspace_admin_required
def notion_add(request: HttpRequest) -> HttpResponse:
    form = ConnectionAddForm(request.POST or None, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        try:
            connection = services.connection_create(
                workspace=request.workspace,
                name=form.cleaned_data["name"],
                token=token,
                assignments=form.cleaned_assignments(),
                actor=Actor.for_user(request.user),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except services.ConnectionCheckFailed as exc:
            form.add_error(None, check_failure_message(exc))
        else:
            messages.success(request, _identity_message(connection, "Connected to"))
            warning = services.validation.token_format_warning(token)
            if warning:
                messages.warning(request, warning)
            return redirect("integrations:notion_detail", pk=connection.pk)
    return render(request, "integrations/notion_add.html", {"form": form})


def _render_detail(
    request: HttpRequest,
    connection: NotionConnection,
    *,
    edit_form: ConnectionEditForm | None = None,
    rotate_form: RotateTokenForm | None = None,
    delete_form: DeleteConnectionForm | None = None,
    revealed_token: str = "",
) -> HttpResponse:
    can_change = is_workspace_admin(request)
    recent = selectors.action_log_recent_for_connection(connection=connection)
    automations = selectors.automation_list_for_connection(connection=connection)
    context = {
        "connection": connection,
        "assignments": selectors.assignment_list(connection=connection),
        "recent": recent,
        "pending_ids": [row.pk for row in recent if not row.is_final],
        "can_change": can_change,
        "automations": automations,
        "paused_automations": [a for a in automations if a.is_paused],
        # The verification token in full: only in the one response of notion_webhook_reveal.
        "revealed_token": revealed_token,
        **webhook_context(request, connection),
    }
    if can_change:
        context |= {
            "edit_form": edit_form or ConnectionEditForm(connection=connection),
            "rotate_form": rotate_form or RotateTokenForm(),
            "delete_form": delete_form or DeleteConnectionForm(),
        }
    return render(request, "integrations/notion_detail.html", context)


@require_GET
@workspace_required
def notion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _connection_or_404(request, pk))


@require_POST
@workspace_admin_required
def notion_test(request: HttpRequest, pk: int) -> HttpResponse:
    connection = _connection_or_404(request, pk)
    try:
        services.connection_test(connection=connection, actor=Actor.for_user(request.user))
    except services.ConnectionCheckFailed as exc:
        messages.error(request, "Test failed. " + check_failure_message(exc))
    else:
        messages.success(request, "Test passed. " + _identity_message(connection, "Reached"))
    return redirect("integrations:notion_detail", pk=connection.pk)


@require_POST
@workspace_admin_required
def notion_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    connection = _connection_or_404(request, pk)
    form = RotateTokenForm(request.POST)
    if form.is_valid():
        token = form.cleaned_data["token"]
        try:
            services.connection_rotate_token(
                connection=connection, token=token, actor=Actor.for_user(request.user)
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except services.ConnectionCheckFailed as exc:
            form.add_error("token", check_failure_message(exc) + " The old token stays in use.")
        else:
            messages.success(
                request, "Token rotated. " + _identity_message(connection, "Notion confirmed")
            )
            warning = services.validation.token_format_warning(token)
            if warning:
                messages.warning(request, warning)
            return redirect("integrations:notion_detail", pk=connection.pk)
    return _render_detail(request, connection, rotate_form=form)


@require_POST
@workspace_admin_required
def notion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    connection = _connection_or_404(request, pk)
    form = ConnectionEditForm(request.POST, connection=connection)
    if form.is_valid():
        try:
            services.connection_update(
                connection=connection,
                name=form.cleaned_data["name"],
                assignments=form.cleaned_assignments(),
                actor=Actor.for_user(request.user),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Saved the connection's name and assistants.")
            return redirect("integrations:notion_detail", pk=connection.pk)
    return _render_detail(request, connection, edit_form=form)


@require_POST
@workspace_admin_required
def notion_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    connection = _connection_or_404(request, pk)
    # The wanted state is explicit, so a double submit can't flip it back.
    enable = request.POST.get("enable") == "1"
    services.connection_set_enabled(
        connection=connection, enabled=enable, actor=Actor.for_user(request.user)
    )
    if enable:
        messages.success(request, f"Enabled “{connection.name}”: assistants can use it again.")
    else:
        messages.success(request, f"Disabled “{connection.name}”: assistants can't use it.")
    return redirect("integrations:notion_detail", pk=connection.pk)


@require_POST
@workspace_admin_required
def notion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    connection = _connection_or_404(request, pk)
    form = DeleteConnectionForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, connection, delete_form=form)
    name = connection.name
    services.connection_delete(connection=connection, actor=Actor.for_user(request.user))
    messages.success(request, f"Deleted “{name}”. Its entries in the action log are kept.")
    return redirect("integrations:notion_list")


@never_cache
@require_POST
@workspace_admin_required
def notion_webhook_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Shows Notion's verification token in full, in this one response (never cached); the
    service refuses a second time, so afterwards the page shows only its last four."""
    connection = _connection_or_404(request, pk)
    try:
        token = webhook_token_reveal(connection=connection, actor=Actor.for_user(request.user))
    except WebhookTokenUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("integrations:notion_detail", pk=connection.pk)
    connection.refresh_from_db()
    return _render_detail(request, connection, revealed_token=token)


@require_POST
@workspace_admin_required
def notion_webhook_reset(request: HttpRequest, pk: int) -> HttpResponse:
    connection = _connection_or_404(request, pk)
    if request.POST.get("confirm") != "1":
        messages.error(request, "Tick the box to confirm the reset of the webhook.")
        return redirect("integrations:notion_detail", pk=connection.pk)
    webhook_reset(connection=connection, actor=Actor.for_user(request.user))
    messages.success(
        request,
        "Webhook reset: the verification token is forgotten and events are no longer accepted. "
        "Create the subscription in Notion again to send a new token.",
    )
    return redirect("integrations:notion_detail", pk=connection.pk)
