"""Finding the data source behind a database id or a data source id (Notion 2025-09-03)."""

from __future__ import annotations

from integrations.notion import errors as notion_errors
from integrations.notion.markdown import rich_text_to_plain
from integrations.tools.errors import ToolInputError
from integrations.tools.inputs import normalize_notion_id


def resolve_data_source(ctx, object_id: str) -> dict:
    """The data source object for a data source id or a database id (2025-09-03 model: a
    database is a container of data sources). A database with several data sources is an
    error listing them, since the caller must pick one."""
    object_id = normalize_notion_id(object_id)
    try:
        return ctx.client.data_sources_retrieve(object_id)
    except (notion_errors.ObjectNotFoundError, notion_errors.BadRequestError):
        pass
    database = ctx.client.databases_retrieve(object_id)
    sources = database.get("data_sources") or []
    title = rich_text_to_plain(database.get("title"))
    if not sources:
        raise ToolInputError(f"The database “{title}” ({object_id}) has no data source to use.")
    if len(sources) > 1:
        listed = "; ".join(f"{s.get('name') or 'untitled'}: {s['id']}" for s in sources)
        raise ToolInputError(
            f"The database “{title}” has {len(sources)} data sources: {listed}.",
            hint="Call again with the id of the data source you mean instead of the database id.",
        )
    return ctx.client.data_sources_retrieve(sources[0]["id"])
