"""Data source queries (filters, sorts, cursors, the result cap) and search."""

from __future__ import annotations

import pytest

from integrations.notion.sandbox import seed

QUERY = f"/v1/data_sources/{seed.TASKS_DATA_SOURCE_ID}/query"


def _all(api, body: dict | None = None, path: str = QUERY) -> tuple[list[dict], dict]:
    """Every result, following next_cursor; returns (results, last page)."""
    body = dict(body or {})
    results: list[dict] = []
    while True:
        page = api.post(path, json=body).json()
        assert page["object"] == "list", page
        results += page["results"]
        if not page["has_more"]:
            return results, page
        body["start_cursor"] = page["next_cursor"]


def _value(row: dict, name: str):
    prop = row["properties"][name]
    value = prop[prop["type"]]
    if prop["type"] in ("title", "rich_text"):
        return "".join(item["plain_text"] for item in value)
    if prop["type"] in ("select", "status"):
        return value and value["name"]
    if prop["type"] == "multi_select":
        return [option["name"] for option in value]
    if prop["type"] == "date":
        return value and value["start"]
    if prop["type"] == "people":
        return [person["id"] for person in value]
    return value


@pytest.fixture
def rows(notion_sandbox):
    """The seeded rows as the sandbox stores them (read in-process, in creation order)."""
    return notion_sandbox.state.data_source_rows(seed.TASKS_DATA_SOURCE_ID)


def test_cursors_walk_every_row_exactly_once(api):
    results, last = _all(api, {"page_size": 100})
    assert len(results) == seed.TASK_ROW_COUNT
    assert [row["id"] for row in results] == list(seed.TASK_ROW_IDS)
    assert last["next_cursor"] is None and "request_status" not in last


def test_a_query_stops_at_the_result_cap_with_an_incomplete_status(api, notion_sandbox):
    notion_sandbox.set_query_cap(250)
    results, last = _all(api, {"page_size": 100})
    assert len(results) == 250
    assert last["has_more"] is False and last["next_cursor"] is None
    assert last["request_status"] == {
        "type": "incomplete",
        "incomplete_reason": "query_result_limit_reached",
    }
    searched, end = _all(api, {"page_size": 100}, "/v1/search")
    assert len(searched) == 250 and end["request_status"]["type"] == "incomplete"


def test_cap_through_the_control_endpoint(api, notion_sandbox):
    import requests

    requests.post(f"{notion_sandbox.url}/__sandbox__/query_cap", json={"cap": 120}, timeout=5)
    assert len(_all(api)[0]) == 120


@pytest.mark.parametrize(
    ("condition", "check"),
    [
        (
            {"property": "Name", "title": {"contains": "LOGIN"}},
            lambda r: "login" in _value(r, "Name"),
        ),
        (
            {"property": "Name", "title": {"starts_with": "Task 01"}},
            lambda r: _value(r, "Name").startswith("Task 01"),
        ),
        (
            {"property": "Name", "rich_text": {"equals": "Task 002: Review billing page"}},
            lambda r: _value(r, "Name") == "Task 002: Review billing page",
        ),
        (
            {"property": "Notes", "rich_text": {"is_empty": True}},
            lambda r: _value(r, "Notes") == "",
        ),
        ({"property": "Estimate", "number": {"equals": 3}}, lambda r: _value(r, "Estimate") == 3),
        (
            {"property": "Estimate", "number": {"greater_than": 10}},
            lambda r: (_value(r, "Estimate") or 0) > 10,
        ),
        (
            {"property": "Estimate", "number": {"less_than": 1}},
            lambda r: _value(r, "Estimate") is not None and _value(r, "Estimate") < 1,
        ),
        ({"property": "Done", "checkbox": {"equals": True}}, lambda r: _value(r, "Done") is True),
        (
            {"property": "Status", "status": {"equals": "In progress"}},
            lambda r: _value(r, "Status") == "In progress",
        ),
        (
            {"property": "Priority", "select": {"does_not_equal": "High"}},
            lambda r: _value(r, "Priority") != "High",
        ),
        (
            {"property": "Priority", "select": {"is_empty": True}},
            lambda r: _value(r, "Priority") is None,
        ),
        (
            {"property": "Tags", "multi_select": {"contains": "docs"}},
            lambda r: "docs" in _value(r, "Tags"),
        ),
        (
            {"property": "Due", "date": {"equals": "2026-01-10"}},
            lambda r: _value(r, "Due") == "2026-01-10",
        ),
        (
            {"property": "Due", "date": {"before": "2025-12-10"}},
            lambda r: bool(_value(r, "Due")) and _value(r, "Due") < "2025-12-10",
        ),
        (
            {"property": "Due", "date": {"on_or_after": "2026-10-01"}},
            lambda r: bool(_value(r, "Due")) and _value(r, "Due") >= "2026-10-01",
        ),
        ({"property": "Due", "date": {"is_empty": True}}, lambda r: _value(r, "Due") is None),
        (
            {"property": "Owner", "people": {"contains": seed.BOB_ID}},
            lambda r: seed.BOB_ID in _value(r, "Owner"),
        ),
        ({"property": "Link", "url": {"is_empty": True}}, lambda r: _value(r, "Link") is None),
        (
            {"timestamp": "created_time", "created_time": {"after": "2026-01-12T00:00:00Z"}},
            lambda r: r["created_time"] > "2026-01-12T00:00:00",
        ),
        (
            {"timestamp": "last_edited_time", "last_edited_time": {"on_or_before": "2026-01-06"}},
            lambda r: r["last_edited_time"][:10] <= "2026-01-06",
        ),
    ],
)
def test_filters_match_exactly_the_rows_they_describe(api, rows, condition, check):
    expected = [row["id"] for row in rows if check(row)]
    found = [row["id"] for row in _all(api, {"filter": condition})[0]]
    assert expected, "the seed should contain matching rows"
    assert len(expected) < len(rows), "the seed should contain rows that do not match"
    assert found == expected


def test_compound_filters_combine_with_and_and_or(api, rows):
    condition = {
        "or": [
            {"property": "Status", "status": {"equals": "Done"}},
            {
                "and": [
                    {"property": "Priority", "select": {"equals": "High"}},
                    {"property": "Tags", "multi_select": {"contains": "bug"}},
                ]
            },
        ]
    }
    expected = [
        r["id"]
        for r in rows
        if _value(r, "Status") == "Done"
        or (_value(r, "Priority") == "High" and "bug" in _value(r, "Tags"))
    ]
    assert [row["id"] for row in _all(api, {"filter": condition})[0]] == expected


def test_sorts_by_property_and_timestamp(api, rows):
    by_estimate = _all(api, {"sorts": [{"property": "Estimate", "direction": "descending"}]})[0]
    estimates = [_value(row, "Estimate") for row in by_estimate]
    present = [value for value in estimates if value is not None]
    assert present == sorted(present, reverse=True)
    assert estimates[len(present) :] == [None] * (len(estimates) - len(present))
    by_name = _all(api, {"sorts": [{"property": "Name", "direction": "ascending"}]})[0]
    names = [_value(row, "Name") for row in by_name]
    assert names == sorted(names, key=str.lower)
    newest = _all(api, {"sorts": [{"timestamp": "created_time", "direction": "descending"}]})[0]
    assert newest[0]["id"] == seed.TASK_ROW_IDS[-1]
    by_status = _all(
        api,
        {
            "sorts": [
                {"property": "Status", "direction": "ascending"},
                {"property": "Name", "direction": "descending"},
            ]
        },
    )[0]
    statuses = [_value(row, "Status") for row in by_status]
    assert statuses == sorted(statuses, key=["Not started", "In progress", "Done"].index)
    first_group = [_value(r, "Name") for r in by_status if _value(r, "Status") == "Not started"]
    assert first_group == sorted(first_group, key=str.lower, reverse=True)


def test_a_filter_on_an_unknown_property_is_a_validation_error(api):
    response = api.post(QUERY, json={"filter": {"property": "Nope", "checkbox": {"equals": True}}})
    assert response.status_code == 400
    assert response.json()["message"] == "Could not find property with name or id: Nope"
    wrong = api.post(QUERY, json={"filter": {"property": "Estimate", "number": {"equals": "3"}}})
    assert wrong.status_code == 400


def test_trashed_rows_leave_query_results(api):
    api.patch(f"/v1/pages/{seed.TASK_ROW_IDS[0]}", json={"in_trash": True})
    ids = [row["id"] for row in _all(api)[0]]
    assert seed.TASK_ROW_IDS[0] not in ids and len(ids) == seed.TASK_ROW_COUNT - 1


def test_search_matches_titles_filters_objects_and_orders_by_last_edit(api):
    found = api.post("/v1/search", json={"query": "meeting"}).json()
    assert [r["id"] for r in found["results"]] == [seed.MEETING_NOTES_PAGE_ID]
    assert found["type"] == "page_or_data_source"
    sources = api.post(
        "/v1/search", json={"filter": {"property": "object", "value": "data_source"}}
    )
    assert [r["id"] for r in sources.json()["results"]] == [seed.TASKS_DATA_SOURCE_ID]
    old_filter = api.post(
        "/v1/search", json={"filter": {"property": "object", "value": "database"}}
    )
    assert old_filter.status_code == 400
    api.patch(f"/v1/pages/{seed.SCRATCHPAD_PAGE_ID}", json={"icon": {"emoji": "📝"}})
    newest = api.post("/v1/search", json={"page_size": 1}).json()["results"][0]
    assert newest["id"] == seed.SCRATCHPAD_PAGE_ID
    oldest = api.post(
        "/v1/search",
        json={"page_size": 1, "sort": {"timestamp": "last_edited_time", "direction": "ascending"}},
    )
    assert oldest.json()["results"][0]["id"] != seed.SCRATCHPAD_PAGE_ID


def test_block_children_and_users_paginate_with_cursors(api):
    children, cursor, pages = [], None, 0
    while True:
        suffix = f"&start_cursor={cursor}" if cursor else ""
        page = api.get(f"/v1/blocks/{seed.ROOT_PAGE_ID}/children?page_size=4{suffix}").json()
        children += page["results"]
        pages += 1
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert pages > 2
    assert len({block["id"] for block in children}) == len(children) == 21
    users = api.get("/v1/users?page_size=2").json()
    rest = api.get(f"/v1/users?start_cursor={users['next_cursor']}").json()
    assert len(users["results"]) + len(rest["results"]) == 8
