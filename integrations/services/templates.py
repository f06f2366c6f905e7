"""Phinite template services (Notion's API cannot create templates; these are our blueprints)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from integrations.audit import Actor, action_log_record
from integrations.models import ActionLog, Template
from integrations.services.validation import check_name_free, clean_name
from workspaces.models import Workspace

TEMPLATE_FIELDS = (
    "description",
    "target_id",
    "target_type",
    "title_pattern",
    "body",
    "default_properties",
)


def _check_template_name_free(workspace, name, exclude_pk=None):
    check_name_free(
        Template.objects.filter(workspace=workspace), name, noun="A template", exclude_pk=exclude_pk
    )


def _template_summary(template: Template) -> dict:
    return {"name": template.name, **{f: getattr(template, f) for f in TEMPLATE_FIELDS}}


@transaction.atomic
def template_create(*, workspace: Workspace, name: str, actor: Actor, **fields) -> Template:
    name = clean_name(name)
    _check_template_name_free(workspace, name)
    unknown = set(fields) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown template fields: {', '.join(sorted(unknown))}")
    template = Template(workspace=workspace, name=name, created_by=actor.name, **fields)
    template.full_clean()
    template.save()
    action_log_record(
        workspace=workspace,
        actor=actor,
        action="template.create",
        status=ActionLog.Status.SUCCEEDED,
        arguments=_template_summary(template),
        result={"template_id": template.pk},
    )
    return template


@transaction.atomic
def template_update(*, template: Template, actor: Actor, **fields) -> Template:
    if "name" in fields:
        fields["name"] = clean_name(fields["name"])
        _check_template_name_free(template.workspace, fields["name"], exclude_pk=template.pk)
    for field, value in fields.items():
        if field not in (*TEMPLATE_FIELDS, "name"):
            raise ValidationError(f"Unknown template field: {field}")
        setattr(template, field, value)
    template.full_clean()
    template.save()
    action_log_record(
        workspace=template.workspace,
        actor=actor,
        action="template.update",
        status=ActionLog.Status.SUCCEEDED,
        arguments=_template_summary(template),
        result={"template_id": template.pk},
    )
    return template


@transaction.atomic
def template_delete(*, template: Template, actor: Actor) -> None:
    action_log_record(
        workspace=template.workspace,
        actor=actor,
        action="template.delete",
        status=ActionLog.Status.SUCCEEDED,
        arguments=_template_summary(template),
    )
    template.delete()
