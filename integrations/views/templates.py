"""Phinite templates: list, create and edit, with a rendered preview of the Markdown body."""

import copy
from functools import lru_cache

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from markdown_it import MarkdownIt

from integrations import selectors, services
from integrations.audit import Actor
from integrations.forms import TemplateForm, apply_service_errors
from integrations.models import Template
from integrations.views.access import (
    is_workspace_admin,
    workspace_admin_required,
    workspace_required,
)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # html=False: raw HTML in a body is shown as text; markdown-it also refuses javascript: links.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


def markdown_render(text: str) -> SafeString:
    """The body as the preview shows it; safe to embed because HTML input is escaped."""
    return mark_safe(_markdown().render(text or ""))  # noqa: S308 (html=False escapes input)


def _template_or_404(request: HttpRequest, pk: int) -> Template:
    template = selectors.template_get(workspace=request.workspace, pk=pk)
    if template is None:
        raise Http404("No such template in this workspace.")
    return template


@require_GET
@workspace_required
def template_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "integrations/template_list.html",
        {
            "templates": selectors.template_list(workspace=request.workspace),
            "can_change": is_workspace_admin(request),
        },
    )


def _render_form(request, form, *, template=None, preview=None) -> HttpResponse:
    if preview is None:
        preview = markdown_render(template.body) if template else ""
    return render(
        request,
        "integrations/template_form.html",
        {"form": form, "template": template, "preview": preview},
    )


@require_http_methods(["GET", "POST"])
@workspace_admin_required
def template_add(request: HttpRequest) -> HttpResponse:
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            return _render_form(request, form, preview=markdown_render(form.cleaned_data["body"]))
        try:
            template = services.template_create(
                workspace=request.workspace,
                actor=Actor.for_user(request.user),
                **form.service_fields(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Created the template “{template.name}”.")
            return redirect("integrations:template_edit", pk=template.pk)
    return _render_form(request, form)


@require_http_methods(["GET", "POST"])
@workspace_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_or_404(request, pk)
    if not is_workspace_admin(request):
        if request.method == "POST":
            raise PermissionDenied("Only an admin of this workspace can change this.")
        return render(
            request,
            "integrations/template_view.html",
            {"template": template, "preview": markdown_render(template.body)},
        )
    # The form edits a copy, so the page keeps showing the saved name while input is invalid.
    form = TemplateForm(request.POST or None, instance=copy.copy(template))
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            return _render_form(
                request, form, template=template, preview=markdown_render(form.cleaned_data["body"])
            )
        try:
            services.template_update(
                template=template, actor=Actor.for_user(request.user), **form.service_fields()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Saved the template “{template.name}”.")
            return redirect("integrations:template_edit", pk=template.pk)
    return _render_form(request, form, template=template)


@require_POST
@workspace_admin_required
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template_or_404(request, pk)
    if request.POST.get("confirm") != "1":
        messages.error(request, "Tick the box to confirm the deletion.")
        return redirect("integrations:template_edit", pk=template.pk)
    name = template.name
    services.template_delete(template=template, actor=Actor.for_user(request.user))
    messages.success(request, f"Deleted the template “{name}”.")
    return redirect("integrations:template_list")
