"""The audit log's summary of a tool's output: ids and urls of what was touched, and counts."""

from typing import Any

MAX_IDS = 20
SCALAR_KEYS = (
    "id",
    "url",
    "title",
    "object",
    "count",
    "blocks_written",
    "has_more",
    "next_cursor",
    "in_trash",
    "deduplicated",
    "truncated",
)


def _walk(value: Any, ids: list, urls: list, depth: int = 0) -> None:
    if depth > 4 or len(ids) >= MAX_IDS:
        return
    if isinstance(value, dict):
        if isinstance(value.get("id"), str) and value["id"] not in ids:
            ids.append(value["id"])
        if isinstance(value.get("url"), str) and value["url"] not in urls:
            urls.append(value["url"])
        for child in value.values():
            if isinstance(child, dict | list):
                _walk(child, ids, urls, depth + 1)
    elif isinstance(value, list):
        for child in value[:MAX_IDS]:
            _walk(child, ids, urls, depth + 1)


def summarize_result(output: Any) -> dict:
    if not isinstance(output, dict):
        return {"value": str(output)[:200]}
    ids: list[str] = []
    urls: list[str] = []
    _walk(output, ids, urls)
    summary = {
        k: output[k] for k in SCALAR_KEYS if k in output and not isinstance(output[k], dict | list)
    }
    if isinstance(summary.get("title"), str):
        summary["title"] = summary["title"][:200]
    summary["ids"] = ids[:MAX_IDS]
    summary["urls"] = urls[:MAX_IDS]
    return summary
