"""notion_query_database: rows of a database as flat {property: plain value} objects."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from integrations.notion.limits import MAX_PAGE_SIZE
from integrations.tools.base import Tool, ToolContext
from integrations.tools.errors import ToolInputError
from integrations.tools.inputs import BUDGET_DEFAULT, MaxChars, NotionId, ToolInput
from integrations.tools.output import decode_cursor, encode_cursor, fit_items, json_size
from integrations.tools.properties import page_properties_plain, property_find, resolve_data_source

from .where import where_to_filter

MAX_ROWS = 1000
# A row's text values longer than this are cut so one row can't take the whole budget.
LONG_TEXT = 1000
OVERHEAD = 600
CAP_ADVICE = (
    "Notion stops a query at 10,000 results (query_result_limit_reached), so rows after that "
    "were not returned. Narrow the filter, e.g. by a date or created_time range, and query "
    "each range separately."
)


class QueryDatabaseInput(ToolInput):
    database_id: NotionId = Field(description="The database id or URL, or a data source id.")
    where: dict[str, Any] | None = Field(
        default=None,
        description='A simple filter by property name: {"Status": "Done", "Due": {"before": '
        '"2026-12-01"}, "Points": {">": 3}, "Tags": "urgent"}. A plain value means equals '
        "(contains for text, multi_select, people and relation), a list means any of them, "
        "null means empty; operators: equals, does_not_equal, contains, before, after, "
        "on_or_before, on_or_after, greater_than, less_than, is_empty, .... All conditions "
        'must hold; use {"or": [{...}, {...}]} for alternatives.',
    )
    filter: dict[str, Any] | None = Field(
        default=None,
        description='A filter in Notion\'s own syntax ({"property": ..., "select": '
        '{"equals": ...}} or and/or), combined with where when both are given.',
    )
    sorts: list[Any] | None = Field(
        default=None,
        description='Sort order: Notion sorts ([{"property": "Due", "direction": "ascending"}]'
        ', or {"timestamp": "created_time", ...}) or property names, "-Name" for descending.',
    )
    properties: list[str] | None = Field(
        default=None, description="Only return these properties (default: all)."
    )
    limit: int = Field(
        default=25, ge=1, le=MAX_ROWS, description="How many rows to return (1-1000, default 25)."
    )
    cursor: str | None = Field(
        default=None,
        description="next_cursor from the previous result, to continue; repeat the same "
        "database_id, where, filter and sorts with it.",
    )
    max_chars: MaxChars = BUDGET_DEFAULT


def _sorts(schema: dict, sorts: list | None) -> list[dict] | None:
    if not sorts:
        return None
    result = []
    for item in sorts:
        if isinstance(item, dict):
            if "property" in item:
                item = {**item, "property": property_find(schema, item["property"])["name"]}
            result.append(item)
            continue
        if not isinstance(item, str) or not item.strip():
            raise ToolInputError(
                f"A sort is a property name or a Notion sort object, got {item!r}."
            )
        name = item.strip()
        descending = name.startswith("-")
        if (
            name.lstrip("-") in ("created_time", "last_edited_time")
            and name.lstrip("-") not in schema
        ):
            result.append(
                {
                    "timestamp": name.lstrip("-"),
                    "direction": "descending" if descending else "ascending",
                }
            )
            continue
        prop = property_find(schema, name.lstrip("-"))
        result.append(
            {"property": prop["name"], "direction": "descending" if descending else "ascending"}
        )
    return result


def _filter(schema: dict, where: dict | None, notion_filter: dict | None) -> dict | None:
    translated = where_to_filter(schema, where) if where else None
    if translated and notion_filter:
        return {"and": [translated, notion_filter]}
    return translated or notion_filter


def _row(page: dict, wanted: set[str] | None) -> dict:
    values = page_properties_plain(page)
    row: dict[str, Any] = {"id": page.get("id"), "url": page.get("url")}
    for name, value in values.items():
        if wanted is not None and name not in wanted:
            continue
        key = name if name not in row else f"{name} (property)"
        row[key] = _clip(value, LONG_TEXT)
    return row


def _clip(value: Any, size: int) -> Any:
    if isinstance(value, str) and len(value) > size:
        return value[:size] + f"… ({len(value)} characters; notion_get_page shows all)"
    return value


def _position(state: dict, data_source_id: str) -> tuple[str | None, int]:
    if "notion_cursor" in state:
        return state["notion_cursor"], 0
    if state and state.get("ds") != data_source_id:
        raise ToolInputError(
            "This cursor belongs to another database's query; start without a cursor.",
            field="cursor",
        )
    return state.get("c"), int(state.get("s", 0))


def query_database(ctx: ToolContext, args: QueryDatabaseInput) -> dict:
    data_source = resolve_data_source(ctx, args.database_id)
    ds_id = data_source["id"]
    schema = data_source.get("properties") or {}
    # Everything the caller named is checked against the schema before the query is sent.
    notion_filter = _filter(schema, args.where, args.filter)
    sorts = _sorts(schema, args.sorts)
    wanted = (
        {property_find(schema, n)["name"] for n in args.properties} if args.properties else None
    )
    cursor, skip = _position(decode_cursor(args.cursor), ds_id)

    rows: list[tuple[dict, dict]] = []  # (where the row is in Notion's paging, row)
    after_last: dict | None = None
    incomplete = False
    pages = 0
    while True:
        page = ctx.client.data_sources_query(
            ds_id,
            filter=notion_filter,
            sorts=sorts,
            start_cursor=cursor,
            page_size=min(MAX_PAGE_SIZE, skip + args.limit - len(rows)),
        )
        pages += 1
        ctx.progress(f"pages fetched: {pages}")
        results = page.get("results") or []
        for index in range(skip, len(results)):
            rows.append(({"c": cursor, "s": index}, _row(results[index], wanted)))
        status = page.get("request_status") or {}
        incomplete = incomplete or status.get("type") == "incomplete"
        next_cursor = page.get("next_cursor")
        if not page.get("has_more") or not next_cursor or next_cursor == cursor:
            after_last = None
            break
        after_last = {"c": next_cursor, "s": 0}
        if len(rows) >= args.limit:
            break
        cursor, skip = next_cursor, 0
    return _result(data_source, rows, after_last, incomplete, args.max_chars)


def _result(
    data_source: dict, rows: list, after_last: dict | None, incomplete: bool, budget: int
) -> dict:
    shaped = [row for _, row in rows]
    kept, cut = fit_items(shaped, budget=budget, overhead=OVERHEAD)
    if kept and json_size(kept[0]) > budget - OVERHEAD:
        kept[0] = {k: _clip(v, 100) for k, v in kept[0].items()}
    if cut:
        after_last = rows[len(kept)][0]
    result: dict[str, Any] = {
        "database_id": (data_source.get("parent") or {}).get("database_id"),
        "data_source_id": data_source["id"],
        "rows": kept,
        "count": len(kept),
        "has_more": after_last is not None,
        "next_cursor": encode_cursor({"ds": data_source["id"], **after_last})
        if after_last
        else None,
    }
    if cut:
        result["note"] = "More rows matched than fit in max_chars; continue with next_cursor."
    if incomplete:
        result["incomplete"] = True
        result["warning"] = CAP_ADVICE
    return result


QUERY_DATABASE = Tool(
    name="notion_query_database",
    description=(
        "List the rows (pages) of a Notion database, optionally filtered and sorted. Use it to "
        "find or review items in a database, e.g. open tasks or entries due before a date. "
        'Filter simply with where ({"Status": "Done", "Due": {"before": "2026-12-01"}}) or '
        "with Notion's filter syntax; call notion_get_database first for exact property and "
        "option names. Returns {rows: [{id, url, <property>: plain value}], count, has_more, "
        "next_cursor}; up to limit rows (default 25, at most 1000) within max_chars. Pass "
        "next_cursor back to continue."
    ),
    access="read",
    input_model=QueryDatabaseInput,
    handler=query_database,
)
