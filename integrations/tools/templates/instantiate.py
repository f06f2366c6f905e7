"""notion_create_page_from_template: a Notion page from a Phinite template and variables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from integrations.notion import errors as notion_errors
from integrations.notion.limits import count_blocks, payload_bytes, split_for_page_create
from integrations.notion.markdown import plain_to_rich_text
from integrations.tools.base import Tool, ToolContext
from integrations.tools.content import blocks_from_markdown, create_page_with_content
from integrations.tools.databases.common import created_since, floor_minute
from integrations.tools.databases.items import lazy_user_lookup
from integrations.tools.errors import ToolInputError
from integrations.tools.inputs import NotionId, ToolInput
from integrations.tools.properties import properties_to_notion, resolve_data_source

from .manage import TargetType
from .records import template_find
from .variables import AUTOMATIC, automatic_values, render, render_value, variables_in


class FromTemplateInput(ToolInput):
    template: str = Field(min_length=1, max_length=100, description="The template's name or id.")
    variables: dict[str, Any] = Field(
        default_factory=dict,
        description='Values for the template\'s {variables}, e.g. {"title": "Weekly sync"}. '
        "All must be given (notion_list_templates shows them); extra ones are ignored and "
        "reported as unused_variables.",
    )
    parent_id: NotionId | None = Field(
        default=None, description="Create the page here instead of the template's target."
    )
    parent_type: TargetType | None = Field(
        default=None, description="What parent_id is: page, database or data_source (optional)."
    )
    properties: dict[str, Any] | None = Field(
        default=None,
        description="Database property values by name that override the template's defaults.",
    )


class _Prepared:
    """What the call will write, computed before any request."""

    def __init__(self, template, values: dict, unused: list[str]):
        self.template = template
        self.title = render(template.title_pattern, values).strip()
        self.blocks = blocks_from_markdown(render(template.body, values), field="body")
        self.defaults = render_value(template.default_properties or {}, values)
        self.unused = unused


def _prepare(ctx: ToolContext, args: FromTemplateInput, moment: datetime) -> _Prepared:
    template = template_find(ctx, args.template)
    needed = variables_in(template.title_pattern, template.body, template.default_properties)
    values = {**automatic_values(moment), **args.variables}
    missing = [name for name in needed if name not in values]
    if missing:
        raise ToolInputError(
            f"The template “{template.name}” needs values for: {', '.join(missing)}.",
            field="variables",
            hint="Give variables with all of: "
            + ", ".join(n for n in needed if n not in AUTOMATIC),
        )
    unused = [name for name in args.variables if name not in needed]
    prepared = _Prepared(template, values, unused)
    if not prepared.title:
        raise ToolInputError("The rendered title is empty; give a non-empty title variable.")
    return prepared


def _parent(ctx: ToolContext, args: FromTemplateInput, template) -> tuple[str, dict | None]:
    """(page id, None) for a page parent, or (id, data source) for a database parent."""
    target = args.parent_id or template.target_id
    kind = args.parent_type if args.parent_id else template.target_type
    if not target:
        raise ToolInputError(
            f"The template “{template.name}” has no target; give parent_id.", field="parent_id"
        )
    if kind == "page":
        return target, None
    if kind is None:
        # A parent given without its type: a database if Notion knows it as one, else a page.
        try:
            return target, resolve_data_source(ctx, target)
        except notion_errors.ObjectNotFoundError:
            return target, None
    return target, resolve_data_source(ctx, target)


def _page_fields(
    ctx: ToolContext, prepared: _Prepared, target: str, data_source: dict | None, overrides
) -> dict:
    if data_source is None:
        if prepared.defaults or overrides:
            raise ToolInputError("Properties need a database parent; this parent is a page.")
        return {
            "parent": {"page_id": target},
            "properties": {"title": {"title": plain_to_rich_text(prepared.title)}},
        }
    schema = data_source.get("properties") or {}
    title_name = next(name for name, prop in schema.items() if prop.get("type") == "title")
    values = {**prepared.defaults, **(overrides or {})}
    values = {k: v for k, v in values.items() if k.casefold() != title_name.casefold()}
    properties = properties_to_notion(schema, values, user_lookup=lazy_user_lookup(ctx))
    properties[title_name] = {"title": plain_to_rich_text(prepared.title)}
    return {"parent": {"data_source_id": data_source["id"]}, "properties": properties}


def _output(page: dict, prepared: _Prepared, blocks_written: int | None) -> dict:
    result = {
        "id": page["id"],
        "url": page.get("url"),
        "title": prepared.title,
        "blocks_written": blocks_written,
        "parent": page.get("parent"),
        "template": {"id": prepared.template.pk, "name": prepared.template.name},
    }
    if prepared.unused:
        result["unused_variables"] = prepared.unused
    return result


def create_page_from_template(ctx: ToolContext, args: FromTemplateInput) -> dict:
    prepared = _prepare(ctx, args, ctx.attempt_started_at or datetime.now(UTC))
    target, data_source = _parent(ctx, args, prepared.template)
    fields = _page_fields(ctx, prepared, target, data_source, args.properties)
    page, written = create_page_with_content(ctx, children=prepared.blocks, **fields)
    return _output(page, prepared, written)


def find_page_from_template(
    ctx: ToolContext, args: FromTemplateInput, since: datetime
) -> dict | None:
    """The page an earlier attempt created: same parent, same rendered title, created at or
    after the attempt's minute. The attempt's time also rendered {today} and {now}."""
    prepared = _prepare(ctx, args, since)
    target, data_source = _parent(ctx, args, prepared.template)
    fields = _page_fields(ctx, prepared, target, data_source, args.properties)
    if data_source is None:
        found = [
            block
            for block in ctx.client.paginate("blocks_children_list", target)
            if block.get("type") == "child_page"
            and (block.get("child_page") or {}).get("title") == prepared.title
            and created_since(block, since)
        ]
        page = ctx.client.pages_retrieve(found[-1]["id"]) if found else None
    else:
        page = _find_row(ctx, data_source, prepared.title, since)
    if page is None:
        return None
    _, rest = split_for_page_create(prepared.blocks, reserve_bytes=payload_bytes(fields))
    # Content that fitted in the create request was written with the page; appended parts
    # may not have been.
    return _output(page, prepared, None if rest else count_blocks(prepared.blocks))


def _find_row(ctx: ToolContext, data_source: dict, title: str, since: datetime) -> dict | None:
    schema = data_source.get("properties") or {}
    title_name = next(name for name, prop in schema.items() if prop.get("type") == "title")
    response = ctx.client.data_sources_query(
        data_source["id"],
        filter={
            "and": [
                {"property": title_name, "title": {"equals": title}},
                {
                    "timestamp": "created_time",
                    "created_time": {"on_or_after": floor_minute(since).isoformat()},
                },
            ]
        },
        sorts=[{"timestamp": "created_time", "direction": "descending"}],
        page_size=10,
    )
    rows = [row for row in response.get("results") or [] if created_since(row, since)]
    return rows[0] if rows else None


CREATE_PAGE_FROM_TEMPLATE = Tool(
    name="notion_create_page_from_template",
    description=(
        "Create a Notion page from a Phinite template, filling its {variables}: the title and "
        "Markdown body are rendered, and in a database the template's default properties are "
        "set. Use it when the user asks for a page of a kind a template exists for (see "
        "notion_list_templates). Every variable must be given; missing ones are an error "
        "naming them. Returns {id, url, title, blocks_written, parent, template}."
    ),
    access="write",
    input_model=FromTemplateInput,
    handler=create_page_from_template,
    find_landed=find_page_from_template,
)
