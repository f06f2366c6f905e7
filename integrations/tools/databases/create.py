"""notion_create_database: a database under a page, with a schema given simply."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from integrations.notion import errors as notion_errors
from integrations.tools.base import Tool, ToolContext
from integrations.tools.inputs import NotionId, ToolInput
from integrations.tools.properties import resolve_data_source

from .common import created_since, plain, rich
from .schema import PropertySpec, schema_summary, schema_to_notion, schema_with_title


class CreateDatabaseInput(ToolInput):
    parent_page_id: NotionId = Field(
        description="The page to create the database in (id or URL); it must be shared with "
        "the integration."
    )
    title: str = Field(min_length=1, max_length=2000, description="The database's title.")
    properties: dict[str, PropertySpec] = Field(
        default_factory=dict,
        description='The schema by property name, e.g. {"Status": {"type": "status"}, "Tags": '
        '{"type": "multi_select", "options": ["a", "b"]}, "Due": {"type": "date"}}. A title '
        'property "Name" is added when none is given.',
    )
    description: str | None = Field(
        default=None, max_length=2000, description="A description shown under the title."
    )
    is_inline: bool = Field(
        default=False, description="Show the database inline in the page instead of as a sub-page."
    )
    icon: str | None = Field(default=None, max_length=8, description="An emoji icon, e.g. 📋.")


def _created(database: dict, data_source: dict | None, schema: dict) -> dict:
    sources = database.get("data_sources") or []
    return {
        "id": database["id"],
        "url": database.get("url"),
        "title": plain(database.get("title")),
        "data_source_id": data_source["id"]
        if data_source
        else (sources[0]["id"] if sources else None),
        "parent": database.get("parent"),
        "properties": schema,
    }


def create_database(ctx: ToolContext, args: CreateDatabaseInput) -> dict:
    specs = schema_with_title(args.properties)
    # Related databases are looked up before the write, so a wrong id creates nothing.
    definitions = schema_to_notion(ctx, specs, resolve_data_source)
    database = ctx.client.databases_create(
        parent={"type": "page_id", "page_id": args.parent_page_id},
        title=rich(args.title),
        description=rich(args.description) if args.description else None,
        is_inline=args.is_inline,
        initial_data_source={"properties": definitions},
        icon={"type": "emoji", "emoji": args.icon} if args.icon else None,
    )
    sources = database.get("data_sources") or []
    try:
        # Notion fills in defaults (status options and groups); report what it made.
        data_source = ctx.client.data_sources_retrieve(sources[0]["id"]) if sources else None
    except notion_errors.NotionError:
        data_source = None  # the database exists; a failed read must not fail the call
    if data_source is None:
        sent = {name: {"name": name, **d} for name, d in definitions.items()}
        return _created(database, None, schema_summary(sent))
    return _created(database, data_source, schema_summary(data_source.get("properties") or {}))


def find_created_database(
    ctx: ToolContext, args: CreateDatabaseInput, since: datetime
) -> dict | None:
    """The database an earlier attempt created: a child database of the parent page with the
    same title, created at or after the attempt's minute."""
    found = None
    for block in ctx.client.paginate("blocks_children_list", args.parent_page_id):
        if block.get("type") != "child_database":
            continue
        title = (block.get("child_database") or {}).get("title")
        if title == args.title and created_since(block, since) and not block.get("in_trash"):
            found = block  # the newest matching one wins
    if found is None:
        return None
    database = ctx.client.databases_retrieve(found["id"])
    sources = database.get("data_sources") or []
    data_source = ctx.client.data_sources_retrieve(sources[0]["id"]) if sources else None
    schema = schema_summary((data_source or {}).get("properties") or {})
    return _created(database, data_source, schema)


CREATE_DATABASE = Tool(
    name="notion_create_database",
    description=(
        "Create a new database (a table) inside a Notion page, with its columns given simply: "
        '{"Status": {"type": "status"}, "Tags": {"type": "multi_select", "options": ["a", "b"]}}. '
        "Use it when the user wants a new tracker, table or list with properties; to add "
        "columns to an existing database use notion_update_database instead. Returns the "
        "database id, url, title, its data_source_id (use it to add rows with "
        "notion_create_page) and the created properties with their types and options."
    ),
    access="write",
    input_model=CreateDatabaseInput,
    handler=create_database,
    find_landed=find_created_database,
)
