"""Search (titles of shared pages and data sources) and data source queries."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import unquote

from ..context import Ctx
from ..errors import body_validation
from ..pagination import list_body, page_params, paginate
from ..query import filter_compile, sorts_apply
from ..render import data_source_render, page_render
from ..util import dump


def _visible_memo(state, integration: dict):
    """Visibility with memoized ancestors: rows of one data source share one answer."""
    memo: dict[str | None, bool] = {None: False}
    shared = integration["shared"]

    def visible(object_id: str) -> bool:
        record = state.record(object_id)
        if record is None or record.get("workspace_id") != integration["workspace_id"]:
            return False
        trail = []
        current: str | None = object_id
        while current not in memo and current not in shared and len(trail) < 64:
            trail.append(current)
            current = state.parent_id(current)
        answer = True if current in shared else memo.get(current, False)
        for item in trail:
            memo[item] = answer
        return answer

    return visible


def _filter_ids(ctx: Ctx) -> set[str] | None:
    values = ctx.query_lists.get("filter_properties") or ctx.query_lists.get("filter_properties[]")
    return {unquote(value) for value in values} if values else None


def data_sources_query(ctx: Ctx) -> dict:
    ctx.require("read_content")
    state = ctx.state
    data_source = ctx.lookup("data_source", ctx.path_id("data_source_id"))
    body = ctx.body
    size, cursor = page_params(body, "body")
    schema = data_source["properties"]
    trashed = body.get("in_trash") is True
    rows = [state.pages[row_id] for row_id in data_source["rows"]]
    rows = [row for row in rows if row["in_trash"] == trashed]
    if body.get("filter") is not None:
        test = filter_compile(state, schema, body["filter"])
        rows = [row for row in rows if test(row)]
    rows = sorts_apply(state, schema, rows, body.get("sorts"))
    ids = [row["id"] for row in rows]
    digest = hashlib.sha1(  # noqa: S324 - a cache key, not security
        json.dumps([body.get("filter"), body.get("sorts"), trashed], sort_keys=True).encode()
    ).hexdigest()
    window = paginate(
        state, ids, f"query:{data_source['id']}:{digest}", cursor, size, cap=state.query_cap
    )
    fields = _filter_ids(ctx)
    results = [
        page_render(state, state.pages[row_id], ctx.integration, fields) for row_id in window.ids
    ]
    return list_body(results, window, "page_or_data_source")


def _search_filter(raw: object) -> str | None:
    if raw is None:
        return None
    value = raw.get("value") if isinstance(raw, dict) else None
    if (
        not isinstance(raw, dict)
        or raw.get("property") != "object"
        or value not in ("page", "data_source")
    ):
        raise body_validation(
            f'body.filter.value should be `"page"` or `"data_source"`, instead was `{dump(value)}`.'
        )
    return value


def _search_descending(raw: object) -> bool:
    """Search sorts by last_edited_time only (newest first by default)."""
    if raw is None:
        return True
    if not isinstance(raw, dict) or raw.get("direction", "descending") not in (
        "ascending",
        "descending",
    ):
        raise body_validation(f"body.sort should be a sort object, instead was `{dump(raw)}`.")
    if raw.get("timestamp", "last_edited_time") != "last_edited_time":
        raise body_validation(
            f'body.sort.timestamp should be `"last_edited_time"`, instead was '
            f"`{dump(raw.get('timestamp'))}`."
        )
    return raw.get("direction", "descending") == "descending"


def search(ctx: Ctx) -> dict:
    ctx.require("read_content")
    state = ctx.state
    body = ctx.body
    size, cursor = page_params(body, "body")
    query = body.get("query") or ""
    if not isinstance(query, str):
        raise body_validation(f"body.query should be a string, instead was `{dump(query)}`.")
    wanted = _search_filter(body.get("filter"))
    descending = _search_descending(body.get("sort"))
    visible = _visible_memo(state, ctx.integration)
    needle = query.lower()
    found: list[tuple[str, int, str]] = []
    if wanted in (None, "page"):
        for page in state.pages.values():
            if page["in_trash"] or page["is_template"] or not visible(page["id"]):
                continue
            if needle in state.page_title(page).lower():
                found.append((page["last_edited_time"], page["edit_seq"], page["id"]))
    if wanted in (None, "data_source"):
        for data_source in state.data_sources.values():
            title = "".join(item["plain_text"] for item in data_source["title"])
            if data_source["in_trash"] or not visible(data_source["id"]):
                continue
            if needle in title.lower():
                found.append(
                    (data_source["last_edited_time"], data_source["edit_seq"], data_source["id"])
                )
    found.sort(reverse=descending)
    ids = [object_id for _, _, object_id in found]
    scope = f"search:{ctx.integration['id']}:{needle}:{wanted}:{descending}"
    window = paginate(state, ids, scope, cursor, size, cap=state.query_cap)
    results = [
        page_render(state, state.pages[object_id], ctx.integration)
        if object_id in state.pages
        else data_source_render(state, state.data_sources[object_id])
        for object_id in window.ids
    ]
    return list_body(results, window, "page_or_data_source")
