"""notion_update_database_item: set a row's properties by name with plain values."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from integrations.tools.base import Tool, ToolContext
from integrations.tools.errors import ToolInputError
from integrations.tools.inputs import NotionId, ToolInput
from integrations.tools.properties import (
    page_properties_plain,
    properties_to_notion,
    resolve_data_source,
    user_lookup_from,
)

from .common import plain


class UpdateItemInput(ToolInput):
    page_id: NotionId = Field(description="The row (a page in a database): its id or URL.")
    properties: dict[str, Any] = Field(
        description='New values by property name, as plain values: {"Status": "Done", "Due": '
        '"2026-12-01", "Tags": ["a", "b"], "Points": 3, "Done": true, "Owner": ["<user id or '
        'email>"]}. null clears a value. Properties not named keep their values.'
    )

    @field_validator("properties")
    @classmethod
    def _not_empty(cls, value: dict) -> dict:
        if not value:
            raise ValueError("name at least one property to set")
        return value


def _parent_data_source(ctx: ToolContext, page: dict) -> dict:
    parent = page.get("parent") or {}
    kind = parent.get("type")
    if kind == "data_source_id":
        return ctx.client.data_sources_retrieve(parent["data_source_id"])
    if kind == "database_id":
        return resolve_data_source(ctx, parent["database_id"])
    raise ToolInputError(
        "This page is not a row of a database (its parent is a "
        f"{str(kind).removesuffix('_id') or 'workspace'}).",
        field="page_id",
        hint="Use notion_update_page to change a regular page's title.",
    )


def lazy_user_lookup(ctx: ToolContext):
    """Looks people up by name or email, listing the workspace's users only when needed."""
    cache: dict[str, Any] = {}

    def lookup(text: str) -> str | None:
        if "find" not in cache:
            cache["find"] = user_lookup_from(ctx.client.paginate("users_list", limit=1000))
        return cache["find"](text)

    return lookup


def update_item(ctx: ToolContext, args: UpdateItemInput) -> dict:
    page = ctx.client.pages_retrieve(args.page_id)
    data_source = _parent_data_source(ctx, page)
    # Every name and option is checked against the schema before the page is written.
    values = properties_to_notion(
        data_source.get("properties") or {}, args.properties, user_lookup=lazy_user_lookup(ctx)
    )
    updated = ctx.client.pages_update(args.page_id, properties=values)
    plain_values = page_properties_plain(updated)
    title = next(
        (
            plain(v.get("title"))
            for v in (updated.get("properties") or {}).values()
            if v.get("type") == "title"
        ),
        "",
    )
    return {
        "id": updated.get("id"),
        "url": updated.get("url"),
        "title": title,
        "data_source_id": data_source["id"],
        "updated": list(values),
        "properties": {name: plain_values.get(name) for name in values},
    }


UPDATE_DATABASE_ITEM = Tool(
    name="notion_update_database_item",
    description=(
        "Set properties of one row of a Notion database by property name with plain values, "
        'e.g. {"Status": "Done", "Due": "2026-12-01", "Tags": ["a"]}. Use it to change a '
        "row's fields (status, dates, owners, tags); for a page's content use "
        "notion_update_page. Names and options are checked against the database's schema "
        "first; an unknown one is an error listing the valid ones. Returns the row's id, url, "
        "title and the new plain values of the properties that were set."
    ),
    access="write",
    input_model=UpdateItemInput,
    handler=update_item,
)
