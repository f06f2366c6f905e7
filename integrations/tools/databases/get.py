"""notion_get_database: the schema an assistant needs before it writes to a database."""

from __future__ import annotations

from pydantic import Field

from integrations.notion import errors as notion_errors
from integrations.tools.base import Tool, ToolContext
from integrations.tools.inputs import BUDGET_DEFAULT, MaxChars, NotionId, ToolInput
from integrations.tools.output import json_size

from .common import plain
from .schema import schema_summary

MAX_TEMPLATES = 100
# Option lists are cut to these lengths, longest first, until the schema fits the budget.
OPTION_CAPS = (200, 50, 10, 0)


class GetDatabaseInput(ToolInput):
    database_id: NotionId = Field(description="The database id or URL, or a data source id.")
    max_chars: MaxChars = BUDGET_DEFAULT


def _data_source_schema(ctx: ToolContext, data_source: dict) -> dict:
    return {
        "id": data_source["id"],
        "name": plain(data_source.get("title")),
        "properties": schema_summary(data_source.get("properties") or {}),
        "templates": data_source_templates(ctx, data_source["id"]),
    }


def data_source_templates(ctx: ToolContext, data_source_id: str) -> list[dict]:
    """The Notion templates of a data source (usable with notion_create_page's template)."""
    return [
        {"id": t.get("id"), "name": t.get("name"), "is_default": bool(t.get("is_default"))}
        for t in ctx.client.paginate("data_sources_templates", data_source_id, limit=MAX_TEMPLATES)
    ]


def _open(ctx: ToolContext, object_id: str) -> tuple[dict, list[dict]]:
    """The database and the data sources to describe: the one named, or all of the database."""
    try:
        data_source = ctx.client.data_sources_retrieve(object_id)
    except (notion_errors.ObjectNotFoundError, notion_errors.BadRequestError):
        database = ctx.client.databases_retrieve(object_id)
        sources = [
            ctx.client.data_sources_retrieve(s["id"]) for s in database.get("data_sources") or []
        ]
        return database, sources
    database_id = (data_source.get("parent") or {}).get("database_id")
    database = ctx.client.databases_retrieve(database_id) if database_id else {}
    return database, [data_source]


def get_database(ctx: ToolContext, args: GetDatabaseInput) -> dict:
    database, sources = _open(ctx, args.database_id)
    schemas = [_data_source_schema(ctx, source) for source in sources]
    result = {
        "id": database.get("id"),
        "url": database.get("url"),
        "title": plain(database.get("title")),
        "description": plain(database.get("description")),
        "parent": database.get("parent"),
        "in_trash": bool(database.get("in_trash")),
        "data_sources": [
            {"id": s.get("id"), "name": s.get("name")} for s in database.get("data_sources") or []
        ],
    }
    if len(schemas) == 1:
        only = schemas[0]
        result.update(
            data_source_id=only["id"], properties=only["properties"], templates=only["templates"]
        )
    else:
        result["schemas"] = schemas
    return _fit(result, args.max_chars)


def _fit(result: dict, budget: int) -> dict:
    """Very long option lists are shortened (marked options_truncated) to fit the budget."""
    for cap in OPTION_CAPS:
        if json_size(result) <= budget:
            return result
        for properties in _all_properties(result):
            for summary in properties.values():
                options = summary.get("options")
                if options is not None and len(options) > cap:
                    summary["options_total"] = summary.get("options_total", len(options))
                    summary["options"] = options[:cap]
                    summary["options_truncated"] = True
                    summary.pop("groups", None)
    return result


def _all_properties(result: dict) -> list[dict]:
    if "properties" in result:
        return [result["properties"]]
    return [schema["properties"] for schema in result.get("schemas", [])]


GET_DATABASE = Tool(
    name="notion_get_database",
    description=(
        "Read a database's schema: its title, property names and types, the options of "
        "select, multi_select and status properties, its data source ids and its Notion "
        "templates. Use it before adding or updating rows or filtering a query, so property "
        "and option names are exact. Accepts a database id or URL or a data source id. "
        "Returns {id, url, title, description, data_source_id, properties: {name: {type, "
        "options...}}, templates: [{id, name, is_default}]} (a database with several data "
        "sources lists each under schemas)."
    ),
    access="read",
    input_model=GetDatabaseInput,
    handler=get_database,
)
