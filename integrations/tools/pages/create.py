"""notion_create_page: a sub-page or a database row, content of any size, find_landed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, model_validator

from integrations.notion import errors as notion_errors
from integrations.notion.markdown import plain_to_rich_text, rich_text_to_plain
from integrations.tools import content
from integrations.tools.base import ToolContext
from integrations.tools.errors import ToolInputError
from integrations.tools.inputs import NotionId, ToolInput
from integrations.tools.pages.common import (
    check_cover,
    check_icon,
    cover_value,
    icon_value,
    page_result,
    page_title,
    properties_for,
    schema_title_name,
)
from integrations.tools.properties import resolve_data_source


class CreatePageInput(ToolInput):
    parent_id: NotionId = Field(
        description="Where the page goes: a page id/URL (sub-page) or a database or data source "
        "id/URL (a new row)."
    )
    title: str | None = Field(default=None, max_length=2000, description="The page title.")
    markdown: str | None = Field(default=None, description=content.MARKDOWN_HELP)
    blocks: list[dict] | None = Field(default=None, description=content.BLOCKS_HELP)
    properties: dict[str, Any] | None = Field(
        default=None,
        description="For a row of a database: values by property name, plain "
        '(e.g. {"Status": "Done", "Tags": ["a", "b"], "Due": "2026-12-01"}). '
        "Call notion_get_database first for the names and options.",
    )
    template: str | None = Field(
        default=None,
        description="For a row of a database: apply one of the data source's Notion templates, "
        'by name or id, or "default". Content can\'t be given with a template.',
    )
    icon: str | None = Field(default=None, description="An emoji or an https:// image URL.")
    cover: str | None = Field(default=None, description="An https:// image URL.")

    @model_validator(mode="after")
    def _one_content(self) -> CreatePageInput:
        if self.markdown is not None and self.blocks is not None:
            raise ValueError("give markdown or blocks, not both")
        if self.template and (self.markdown or self.blocks):
            raise ValueError("a template brings its own content: leave markdown/blocks out")
        check_icon(self.icon)
        check_cover(self.cover)
        return self


def _parent_for_create(ctx: ToolContext, args: CreatePageInput) -> tuple[dict, dict | None]:
    """({"page_id"} or {"data_source_id"}, data source or None). Reads only: a page id is tried
    first unless database fields were given."""
    wants_database = bool(args.properties or args.template)
    attempts = ("database", "page") if wants_database else ("page", "database")
    first_error: notion_errors.ObjectNotFoundError | None = None
    for kind in attempts:
        try:
            if kind == "page":
                page = ctx.client.pages_retrieve(args.parent_id)
                return {"page_id": page["id"]}, None
            data_source = resolve_data_source(ctx, args.parent_id)
            return {"data_source_id": data_source["id"]}, data_source
        except (notion_errors.ObjectNotFoundError, notion_errors.BadRequestError) as exc:
            if first_error is None and isinstance(exc, notion_errors.ObjectNotFoundError):
                first_error = exc
    if first_error is not None:
        raise first_error
    raise ToolInputError(f"{args.parent_id} is neither a page nor a database.", field="parent_id")


def _create_properties(
    ctx: ToolContext, args: CreatePageInput, data_source: dict | None
) -> tuple[dict, str]:
    """Notion property values for the new page, and its title."""
    if data_source is None:
        if args.properties:
            raise ToolInputError(
                "properties can only be set on a page in a database; this parent is a page.",
                field="properties",
                hint="Put the text in title or markdown, or give a database id as parent_id.",
            )
        title = args.title or ""
        return {"title": {"title": plain_to_rich_text(title)}}, title
    schema = data_source.get("properties") or {}
    values = dict(args.properties or {})
    title_name = schema_title_name(schema)
    if args.title is not None:
        if any(str(key).casefold() == title_name.casefold() for key in values):
            raise ToolInputError(
                f"The title is given twice: in title and in properties.{title_name}.",
                field="title",
            )
        values[title_name] = args.title
    converted = properties_for(ctx, schema, values)
    return converted, rich_text_to_plain(converted.get(title_name, {}).get("title"))


def _template_for(ctx: ToolContext, data_source: dict | None, wanted: str | None) -> dict | None:
    if not wanted:
        return None
    if data_source is None:
        raise ToolInputError(
            "Templates apply to pages in a database; this parent is a page.", field="template"
        )
    if wanted.strip().lower() == "default":
        return {"type": "default"}
    templates = list(ctx.client.paginate("data_sources_templates", data_source["id"]))
    key = wanted.replace("-", "").lower()
    for template in templates:
        if template["id"].replace("-", "") == key or template.get("name", "").lower() == key:
            return {"type": "template_id", "template_id": template["id"]}
    names = ", ".join(f"“{t.get('name')}” ({t['id']})" for t in templates) or "none"
    raise ToolInputError(
        f"The database has no template “{wanted}”. Its templates: {names}.", field="template"
    )


def create_page(ctx: ToolContext, args: CreatePageInput) -> dict:
    blocks = content.content_blocks(args.markdown, args.blocks)
    parent, data_source = _parent_for_create(ctx, args)
    properties, title = _create_properties(ctx, args, data_source)
    template = _template_for(ctx, data_source, args.template)
    page, written = content.create_page_with_content(
        ctx,
        children=blocks,
        parent=parent,
        properties=properties,
        icon=icon_value(args.icon or None),
        cover=cover_value(args.cover or None),
        template=template,
    )
    extra = {"template": args.template} if template else {}
    return page_result(page, title=title or page_title(page), blocks_written=written, **extra)


def create_page_landed(ctx: ToolContext, args: CreatePageInput, since: datetime) -> dict | None:
    """The page an earlier attempt created (same title under the same parent, created at or
    after `since`), with any content that attempt did not finish appended now."""
    blocks = content.content_blocks(args.markdown, args.blocks)
    parent, data_source = _parent_for_create(ctx, args)
    _, title = _create_properties(ctx, args, data_source)
    if data_source is None:
        found = [
            child
            for child in content.list_children(ctx, parent["page_id"])
            if child.get("type") == "child_page"
            and (child.get("child_page") or {}).get("title", "") == title
            and content.created_since(child, since)
        ]
    else:
        title_name = schema_title_name(data_source.get("properties") or {})
        minute = since.replace(second=0, microsecond=0)
        query = {
            "and": [
                {"property": title_name, "title": {"equals": title}},
                {
                    "timestamp": "created_time",
                    "created_time": {"on_or_after": minute.isoformat()},
                },
            ]
        }
        found = list(ctx.client.paginate("data_sources_query", data_source["id"], filter=query))
    if not found:
        return None
    page = ctx.client.pages_retrieve(found[-1]["id"])
    written = content.finish_content(ctx, page["id"], blocks)
    return page_result(page, title=title or page_title(page), blocks_written=written)
