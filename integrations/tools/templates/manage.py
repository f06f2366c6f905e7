"""notion_create_template and notion_list_templates."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from pydantic import Field, model_validator

from integrations.audit import Actor
from integrations.tools.base import Tool, ToolContext
from integrations.tools.databases.get import data_source_templates
from integrations.tools.errors import ToolInputError
from integrations.tools.inputs import BUDGET_DEFAULT, MaxChars, NotionId, ToolInput
from integrations.tools.output import decode_cursor, encode_cursor, fit_items
from integrations.tools.properties import resolve_data_source

from .records import template_plain, workspace_of

TargetType = Literal["page", "database", "data_source"]
BODY_PREVIEW = 500


class CreateTemplateInput(ToolInput):
    name: str = Field(min_length=1, max_length=100, description="A unique name for the template.")
    description: str = Field(default="", max_length=2000, description="What it is for.")
    target_id: NotionId | None = Field(
        default=None,
        description="Where pages go by default: a parent page, or a database or data source.",
    )
    target_type: TargetType | None = Field(
        default=None,
        description="What target_id is: page, database or data_source (default: database when "
        "default_properties are given, else page).",
    )
    title_pattern: str = Field(
        default="{title}",
        min_length=1,
        max_length=300,
        description='The page title with {variables}, e.g. "Meeting notes {date}".',
    )
    body: str = Field(
        default="",
        max_length=100_000,
        description="The page content as Markdown with {variables}; {{ and }} are literal "
        "braces. {today} and {now} are filled in automatically.",
    )
    default_properties: dict[str, Any] = Field(
        default_factory=dict,
        description='Database property values by name for pages in a database, e.g. {"Status": '
        '"Not started", "Owner": "{owner}"}; may use {variables}.',
    )

    @model_validator(mode="after")
    def _target(self) -> CreateTemplateInput:
        if self.target_type is None and self.target_id is not None:
            self.target_type = "database" if self.default_properties else "page"
        if self.target_type is not None and self.target_id is None:
            raise ValueError("target_type needs a target_id")
        if self.target_type == "page" and self.default_properties:
            raise ValueError(
                "default_properties need a database target (a page parent takes only a title)"
            )
        return self


def create_template(ctx: ToolContext, args: CreateTemplateInput) -> dict:
    from integrations.services import template_create

    try:
        template = template_create(
            workspace=workspace_of(ctx),
            name=args.name,
            actor=Actor.system(f"assistant {ctx.actor_name}".strip()),
            description=args.description,
            target_type=args.target_type or "page",
            target_id=args.target_id or "",
            title_pattern=args.title_pattern,
            body=args.body,
            default_properties=args.default_properties,
        )
    except DjangoValidationError as exc:
        raise ToolInputError(" ".join(exc.messages), field="name") from None
    return template_plain(template)


# --- notion_list_templates ---------------------------------------------------------------------


class ListTemplatesInput(ToolInput):
    database_id: NotionId | None = Field(
        default=None,
        description="Also list the Notion templates of this database or data source.",
    )
    cursor: str | None = Field(default=None, description="next_cursor from the previous result.")
    max_chars: MaxChars = BUDGET_DEFAULT


def list_templates(ctx: ToolContext, args: ListTemplatesInput) -> dict:
    from integrations.selectors import template_list

    offset = int(decode_cursor(args.cursor).get("o", 0))
    templates = list(template_list(workspace=workspace_of(ctx))[offset:])
    result: dict[str, Any] = {}
    if args.database_id and not offset:
        data_source = resolve_data_source(ctx, args.database_id)
        result["data_source_id"] = data_source["id"]
        result["notion_templates"] = data_source_templates(ctx, data_source["id"])
    shaped = [template_plain(t, body_limit=BODY_PREVIEW) for t in templates]
    kept, cut = fit_items(shaped, budget=args.max_chars - len(str(result)), overhead=300)
    result.update(
        templates=kept,
        count=len(kept),
        has_more=cut,
        next_cursor=encode_cursor({"o": offset + len(kept)}) if cut else None,
    )
    return result


CREATE_TEMPLATE = Tool(
    name="notion_create_template",
    description=(
        "Save a reusable page template in Phinite (Notion's API can't create Notion templates): "
        "a title pattern and a Markdown body with {variables}, an optional default target (a "
        "parent page or a database) and default database property values. Use it when the user "
        "wants the same kind of page created repeatedly (meeting notes, reports). Returns the "
        "saved template with its id and the variables it found."
    ),
    access="write",
    input_model=CreateTemplateInput,
    handler=create_template,
    local=True,
)

LIST_TEMPLATES = Tool(
    name="notion_list_templates",
    description=(
        "List the Phinite templates of this workspace (name, description, target, variables, "
        "a body preview), and, when a database_id is given, that database's Notion templates "
        "too. Use it before notion_create_page_from_template to find the template and the "
        "variables it needs, or to offer Notion templates for notion_create_page. Returns "
        "{templates: [...], notion_templates: [{id, name, is_default}], has_more, next_cursor}."
    ),
    access="read",
    input_model=ListTemplatesInput,
    handler=list_templates,
)
