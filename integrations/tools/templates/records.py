"""Phinite template records as tools see them: the workspace's, found by name or id."""

from __future__ import annotations

from integrations.tools.base import ToolContext
from integrations.tools.errors import ToolError, ToolInputError

from .variables import AUTOMATIC, variables_in


def workspace_of(ctx: ToolContext):
    from workspaces.models import Workspace

    workspace = Workspace.objects.filter(pk=ctx.workspace_id).first() if ctx.workspace_id else None
    if workspace is None:
        raise ToolError(
            "Templates belong to a Phinite workspace, and this call has none.",
            code="no_workspace",
            hint="Call through a Phinite connection of a workspace.",
        )
    return workspace


def template_plain(template, *, body_limit: int | None = None) -> dict:
    body = template.body if body_limit is None else _clip(template.body, body_limit)
    found = variables_in(template.title_pattern, template.body, template.default_properties)
    return {
        "id": template.pk,
        "name": template.name,
        "description": template.description,
        "target_type": template.target_type,
        "target_id": template.target_id or None,
        "title_pattern": template.title_pattern,
        "body": body,
        "default_properties": template.default_properties,
        "variables": [name for name in found if name not in AUTOMATIC],
        "automatic_variables": [name for name in found if name in AUTOMATIC],
    }


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size] + f"… ({len(text)} characters)"


def template_find(ctx: ToolContext, ref: str):
    from integrations.selectors import template_list

    templates = template_list(workspace=workspace_of(ctx))
    ref = ref.strip()
    found = templates.filter(name__iexact=ref).first()
    if found is None and ref.isdigit():
        found = templates.filter(pk=int(ref)).first()
    if found is None:
        names = ", ".join(f"“{t.name}”" for t in templates[:30]) or "none yet"
        raise ToolInputError(
            f"There is no template “{ref}” in this workspace. Templates: {names}.",
            field="template",
            hint="notion_list_templates lists them; notion_create_template makes one.",
        )
    return found
