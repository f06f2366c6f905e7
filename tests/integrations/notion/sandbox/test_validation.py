"""Notion's request limits and validation errors, with Notion-style messages."""

from __future__ import annotations

from integrations.notion.sandbox import seed

from .conftest import paragraph, text


def _error(response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["code"], body["message"]


def _new_page(api, **extra) -> dict:
    body = {"parent": {"page_id": seed.SCRATCHPAD_PAGE_ID}, "properties": {"title": text("T")}}
    return api.post("/v1/pages", json={**body, **extra})


def test_more_than_100_children_is_a_validation_error(api):
    response = api.patch(
        f"/v1/blocks/{seed.SCRATCHPAD_PAGE_ID}/children",
        json={"children": [paragraph(str(i)) for i in range(250)]},
    )
    assert _error(response) == (
        400,
        "validation_error",
        "body failed validation: body.children.length should be ≤ `100`, instead was `250`.",
    )
    assert _new_page(api, children=[paragraph("x")] * 101).status_code == 400
    assert api.get(f"/v1/blocks/{seed.SCRATCHPAD_PAGE_ID}/children").json()["results"] == []


def test_more_than_two_nesting_levels_in_one_request_is_rejected(api):
    deepest = {"bulleted_list_item": {"rich_text": text("4")}}
    level3 = {"bulleted_list_item": {"rich_text": text("3"), "children": [deepest]}}
    level2 = {"bulleted_list_item": {"rich_text": text("2"), "children": [level3]}}
    level1 = {"bulleted_list_item": {"rich_text": text("1"), "children": [level2]}}
    status, code, message = _error(
        api.patch(f"/v1/blocks/{seed.SCRATCHPAD_PAGE_ID}/children", json={"children": [level1]})
    )
    assert (status, code) == (400, "validation_error")
    assert message.startswith(
        "body failed validation: body.children[0].bulleted_list_item.children[0]"
        ".bulleted_list_item.children[0].bulleted_list_item.children should be not present"
    )
    ok = api.patch(f"/v1/blocks/{seed.SCRATCHPAD_PAGE_ID}/children", json={"children": [level2]})
    assert ok.status_code == 200


def test_rich_text_content_over_2000_characters_is_rejected(api):
    response = api.patch(
        f"/v1/blocks/{seed.SCRATCHPAD_PAGE_ID}/children", json={"children": [paragraph("x" * 5000)]}
    )
    assert _error(response) == (
        400,
        "validation_error",
        "body failed validation: body.children[0].paragraph.rich_text[0].text.content.length "
        "should be ≤ `2000`, instead was `5000`.",
    )


def test_rich_text_arrays_over_100_items_are_rejected(api):
    response = api.patch(
        f"/v1/blocks/{seed.SCRATCHPAD_PAGE_ID}/children",
        json={"children": [{"paragraph": {"rich_text": text("a") * 101}}]},
    )
    assert "rich_text.length should be ≤ `100`, instead was `101`" in response.json()["message"]


def test_page_size_over_100_is_rejected_in_bodies_and_query_strings(api):
    query = api.post(f"/v1/data_sources/{seed.TASKS_DATA_SOURCE_ID}/query", json={"page_size": 101})
    listing = api.get(f"/v1/blocks/{seed.ROOT_PAGE_ID}/children?page_size=101")
    assert _error(query) == (
        400,
        "validation_error",
        "body failed validation: body.page_size should be ≤ `100`, instead was `101`.",
    )
    assert listing.status_code == 400
    assert "query.page_size should be ≤ `100`" in listing.json()["message"]


def test_start_cursor_must_be_one_the_server_issued(api):
    made_up = "5a4d0000-0000-4000-8000-0000000000ff"
    for response in (
        api.post(
            f"/v1/data_sources/{seed.TASKS_DATA_SOURCE_ID}/query", json={"start_cursor": made_up}
        ),
        api.get(f"/v1/blocks/{seed.ROOT_PAGE_ID}/children?start_cursor=garbage"),
        api.post("/v1/search", json={"start_cursor": seed.TASK_ROW_IDS[3]}),
    ):
        assert response.status_code == 400
        assert response.json()["code"] == "validation_error"


def test_unknown_property_names_are_rejected(api):
    response = api.post(
        "/v1/pages",
        json={
            "parent": {"data_source_id": seed.TASKS_DATA_SOURCE_ID},
            "properties": {"Name": {"title": text("x")}, "Colour": {"select": {"name": "Red"}}},
        },
    )
    assert _error(response) == (400, "validation_error", "Colour is not a property that exists.")
    page_parent = _new_page(api, properties={"title": text("x"), "Status": {"select": None}})
    assert page_parent.json()["message"] == "Status is not a property that exists."


def test_unknown_select_options_are_created_like_notion_does(api):
    response = api.post(
        "/v1/pages",
        json={
            "parent": {"data_source_id": seed.TASKS_DATA_SOURCE_ID},
            "properties": {
                "Name": {"title": text("New")},
                "Priority": {"select": {"name": "Urgent"}},
                "Tags": {"multi_select": [{"name": "docs"}, {"name": "security"}]},
            },
        },
    )
    assert response.status_code == 200
    assert response.json()["properties"]["Priority"]["select"]["name"] == "Urgent"
    schema = api.get(f"/v1/data_sources/{seed.TASKS_DATA_SOURCE_ID}").json()["properties"]
    assert "Urgent" in [option["name"] for option in schema["Priority"]["select"]["options"]]
    assert "security" in [option["name"] for option in schema["Tags"]["multi_select"]["options"]]


def test_unknown_status_options_are_not_created(api):
    response = api.post(
        "/v1/pages",
        json={
            "parent": {"data_source_id": seed.TASKS_DATA_SOURCE_ID},
            "properties": {"Status": {"status": {"name": "Blocked"}}},
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_property_values_of_the_wrong_type_are_rejected(api):
    bad_values = {
        "Estimate": {"number": "three"},
        "Done": {"checkbox": "yes"},
        "Due": {"date": {"start": "not a date"}},
        "Owner": {"people": [{"id": "nobody"}]},
        "Priority": {"number": 3},
        "Email": {"email": "x" * 201},
    }
    for name, value in bad_values.items():
        response = api.patch(
            f"/v1/pages/{seed.TASK_ROW_IDS[1]}", json={"properties": {name: value}}
        )
        assert response.status_code == 400, name
        assert response.json()["code"] == "validation_error", name


def test_children_and_markdown_are_mutually_exclusive(api):
    response = _new_page(api, children=[paragraph("a")], markdown="b")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_editing_a_trashed_page_is_rejected_until_restored(api):
    page_id = _new_page(api).json()["id"]
    api.patch(f"/v1/pages/{page_id}", json={"in_trash": True})
    blocked = api.patch(f"/v1/blocks/{page_id}/children", json={"children": [paragraph("x")]})
    assert _error(blocked)[2] == (
        "Can't edit block that is archived. You must unarchive the block before editing."
    )
    api.patch(f"/v1/pages/{page_id}", json={"in_trash": False})
    again = api.patch(f"/v1/blocks/{page_id}/children", json={"children": [paragraph("x")]})
    assert again.status_code == 200


def test_malformed_ids_in_paths_are_validation_errors(api):
    response = api.get("/v1/pages/not-an-id")
    assert _error(response)[:2] == (400, "validation_error")
    assert "path.page_id should be a valid uuid" in response.json()["message"]


def test_block_type_cannot_change_on_update(api):
    block_id = api.patch(
        f"/v1/blocks/{seed.SCRATCHPAD_PAGE_ID}/children", json={"children": [paragraph("a")]}
    ).json()["results"][0]["id"]
    response = api.patch(f"/v1/blocks/{block_id}", json={"heading_1": {"rich_text": text("b")}})
    assert response.status_code == 400
