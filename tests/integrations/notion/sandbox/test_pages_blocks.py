"""Pages and blocks behave like Notion's: creation, placement, trash, move, property items."""

from __future__ import annotations

from integrations.notion.sandbox import seed

from .conftest import paragraph, text


def _create(api, parent=None, **extra) -> dict:
    body = {
        "parent": parent or {"page_id": seed.SCRATCHPAD_PAGE_ID},
        "properties": {"title": text("Made by a test")},
        **extra,
    }
    response = api.post("/v1/pages", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _titles(api, parent_id: str) -> list[str]:
    results = api.get(f"/v1/blocks/{parent_id}/children").json()["results"]
    return [
        block["child_page"]["title"]
        if block["type"] == "child_page"
        else "".join(item["plain_text"] for item in block[block["type"]].get("rich_text", []))
        for block in results
    ]


def test_created_page_has_full_rich_text_and_content(api, notion_sandbox):
    page = _create(
        api,
        children=[
            {
                "paragraph": {
                    "rich_text": [
                        {
                            "text": {"content": "Hi ", "link": {"url": "https://x.io"}},
                            "annotations": {"bold": True},
                        }
                    ]
                }
            },
            {"to_do": {"rich_text": text("Check"), "checked": True}},
        ],
    )
    title = page["properties"]["title"]["title"][0]
    assert title["plain_text"] == "Made by a test"
    assert title["annotations"]["color"] == "default" and title["href"] is None
    blocks = notion_sandbox.state.children(page["id"])
    first = blocks[0]["paragraph"]["rich_text"][0]
    assert first["href"] == "https://x.io"
    assert first["annotations"] == {
        "bold": True,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "code": False,
        "color": "default",
    }
    assert blocks[1]["to_do"]["checked"] is True
    assert notion_sandbox.state.pages_titled("Made by a test")[0]["id"] == page["id"]


def test_page_created_from_markdown_holds_the_parsed_blocks(api, notion_sandbox):
    page = _create(
        api, markdown="# Title\n\nSome **bold** text\n- one\n- [x] done\n```sql\nselect 1\n```"
    )
    kinds = [block["type"] for block in notion_sandbox.state.children(page["id"])]
    assert kinds == ["heading_1", "paragraph", "bulleted_list_item", "to_do", "code"]


def test_position_places_a_new_page_among_its_siblings(api):
    first = _create(api)["id"]
    api.patch(f"/v1/blocks/{seed.SCRATCHPAD_PAGE_ID}/children", json={"children": [paragraph("p")]})
    _create(api, properties={"title": text("Top")}, position={"type": "page_start"})
    _create(
        api,
        properties={"title": text("After first")},
        position={"type": "after_block", "after_block": {"id": first}},
    )
    assert _titles(api, seed.SCRATCHPAD_PAGE_ID) == ["Top", "Made by a test", "After first", "p"]


def test_database_parent_works_for_a_single_source_database(api, notion_sandbox):
    page = _create(
        api,
        parent={"database_id": seed.TASKS_DATABASE_ID},
        properties={"Name": {"title": text("Via database id")}, "Estimate": 4},
    )
    assert page["parent"] == {
        "type": "data_source_id",
        "data_source_id": seed.TASKS_DATA_SOURCE_ID,
        "database_id": seed.TASKS_DATABASE_ID,
    }
    assert page["properties"]["Estimate"]["number"] == 4
    rows = notion_sandbox.state.data_source_rows(seed.TASKS_DATA_SOURCE_ID)
    assert rows[-1]["id"] == page["id"]


def test_default_template_is_applied_to_a_new_row(api, notion_sandbox):
    page = _create(
        api,
        parent={"data_source_id": seed.TASKS_DATA_SOURCE_ID},
        properties={"Name": {"title": text("Login is broken")}},
        template={"type": "default"},
    )
    headings = [
        block["heading_2"]["rich_text"][0]["plain_text"]
        for block in notion_sandbox.state.children(page["id"])
        if block["type"] == "heading_2"
    ]
    assert headings == ["Steps to reproduce", "Expected", "Actual"]
    assert [tag["name"] for tag in page["properties"]["Tags"]["multi_select"]] == ["bug"]
    assert page["properties"]["Name"]["title"][0]["plain_text"] == "Login is broken"


def test_template_by_id_and_template_listing(api, notion_sandbox):
    listing = api.get(f"/v1/data_sources/{seed.TASKS_DATA_SOURCE_ID}/templates").json()
    assert listing == {
        "templates": [
            {"id": seed.TEMPLATE_PAGE_ID, "name": seed.TEMPLATE_PAGE_TITLE, "is_default": True},
            {
                "id": seed.FEATURE_TEMPLATE_PAGE_ID,
                "name": "Feature request template",
                "is_default": False,
            },
        ],
        "has_more": False,
        "next_cursor": None,
    }
    named = api.get(f"/v1/data_sources/{seed.TASKS_DATA_SOURCE_ID}/templates?name=feature").json()
    assert [template["id"] for template in named["templates"]] == [seed.FEATURE_TEMPLATE_PAGE_ID]
    page = _create(
        api,
        parent={"data_source_id": seed.TASKS_DATA_SOURCE_ID},
        template={"type": "template_id", "template_id": seed.FEATURE_TEMPLATE_PAGE_ID},
        properties={"Name": {"title": text("Dark mode")}},
    )
    assert (
        notion_sandbox.state.children(page["id"])[0]["heading_2"]["rich_text"][0]["plain_text"]
        == "Problem"
    )


def test_append_children_places_blocks_and_returns_only_the_new_ones(api):
    parent = f"/v1/blocks/{seed.SCRATCHPAD_PAGE_ID}/children"
    first = api.patch(parent, json={"children": [paragraph("a"), paragraph("d")]}).json()
    a_id = first["results"][0]["id"]
    middle = api.patch(parent, json={"children": [paragraph("b"), paragraph("c")], "after": a_id})
    assert [r["paragraph"]["rich_text"][0]["plain_text"] for r in middle.json()["results"]] == [
        "b",
        "c",
    ]
    api.patch(parent, json={"children": [paragraph("start")], "position": {"type": "start"}})
    api.patch(parent, json={"children": [paragraph("end")], "position": {"type": "end"}})
    c_id = middle.json()["results"][1]["id"]
    api.patch(
        parent,
        json={
            "children": [paragraph("c2")],
            "position": {"type": "after_block", "after_block": {"id": c_id}},
        },
    )
    assert _titles(api, seed.SCRATCHPAD_PAGE_ID) == ["start", "a", "b", "c", "c2", "d", "end"]


def test_nested_children_are_created_and_flagged(api):
    created = api.patch(
        f"/v1/blocks/{seed.SCRATCHPAD_PAGE_ID}/children",
        json={
            "children": [{"toggle": {"rich_text": text("More"), "children": [paragraph("inside")]}}]
        },
    ).json()
    toggle = created["results"][0]
    assert toggle["has_children"] is True
    assert _titles(api, toggle["id"]) == ["inside"]


def test_trash_and_restore_a_page_through_patch(api):
    page_id = _create(api)["id"]
    trashed = api.patch(f"/v1/pages/{page_id}", json={"in_trash": True}).json()
    assert (trashed["in_trash"], trashed["archived"]) == (True, True)
    assert _titles(api, seed.SCRATCHPAD_PAGE_ID) == []
    assert api.get(f"/v1/pages/{page_id}").json()["in_trash"] is True
    restored = api.patch(f"/v1/pages/{page_id}", json={"in_trash": False}).json()
    assert restored["in_trash"] is False
    assert _titles(api, seed.SCRATCHPAD_PAGE_ID) == ["Made by a test"]


def test_delete_block_on_a_page_id_trashes_the_page(api, notion_sandbox):
    page_id = _create(api)["id"]
    answer = api.delete(f"/v1/blocks/{page_id}").json()
    assert answer["type"] == "child_page"
    assert answer["child_page"] == {"title": "Made by a test"}
    assert answer["in_trash"] is True
    assert notion_sandbox.state.page(page_id)["in_trash"] is True


def test_update_block_merges_rich_text_and_keeps_the_type(api):
    block_id = api.patch(
        f"/v1/blocks/{seed.SCRATCHPAD_PAGE_ID}/children",
        json={"children": [{"to_do": {"rich_text": text("a")}}]},
    ).json()["results"][0]["id"]
    updated = api.patch(f"/v1/blocks/{block_id}", json={"to_do": {"checked": True}}).json()
    assert updated["to_do"]["checked"] is True
    assert updated["to_do"]["rich_text"][0]["plain_text"] == "a"


def test_move_a_page_under_another_page(api, notion_sandbox):
    page_id = _create(api)["id"]
    moved = api.post(
        f"/v1/pages/{page_id}/move", json={"parent": {"page_id": seed.MEETING_NOTES_PAGE_ID}}
    )
    assert moved.json()["parent"] == {"type": "page_id", "page_id": seed.MEETING_NOTES_PAGE_ID}
    assert page_id in [b["id"] for b in notion_sandbox.state.children(seed.MEETING_NOTES_PAGE_ID)]
    assert page_id not in [b["id"] for b in notion_sandbox.state.children(seed.SCRATCHPAD_PAGE_ID)]
    cycle = api.post(
        f"/v1/pages/{seed.PROJECT_PLAN_PAGE_ID}/move",
        json={"parent": {"page_id": seed.Q3_GOALS_PAGE_ID}},
    )
    assert cycle.status_code == 400


def test_page_objects_show_25_relations_and_the_property_endpoint_pages_all(api):
    page = api.get(f"/v1/pages/{seed.WIDE_RELATION_ROW_ID}").json()
    related = page["properties"]["Related"]
    assert len(related["relation"]) == 25 and related["has_more"] is True
    path = f"/v1/pages/{seed.WIDE_RELATION_ROW_ID}/properties/{related['id']}"
    first = api.get(f"{path}?page_size=20").json()
    assert first["object"] == "list" and first["type"] == "property_item"
    assert first["has_more"] is True and first["property_item"]["next_url"]
    second = api.get(f"{path}?page_size=20&start_cursor={first['next_cursor']}").json()
    ids = [item["relation"]["id"] for item in first["results"] + second["results"]]
    assert ids == list(seed.TASK_ROW_IDS[1:31])
    number = api.get(f"/v1/pages/{seed.TASK_ROW_IDS[1]}/properties/Estimate").json()
    assert number["object"] == "property_item" and number["type"] == "number"


def test_filter_properties_limits_the_returned_properties(api):
    schema = api.get(f"/v1/data_sources/{seed.TASKS_DATA_SOURCE_ID}").json()["properties"]
    page = api.get(
        f"/v1/pages/{seed.TASK_ROW_IDS[2]}?filter_properties={schema['Status']['id']}"
    ).json()
    assert list(page["properties"]) == ["Status"]


def test_databases_and_data_sources_round_trip(api):
    database = api.post(
        "/v1/databases",
        json={
            "parent": {"type": "page_id", "page_id": seed.SCRATCHPAD_PAGE_ID},
            "title": text("Bugs"),
            "initial_data_source": {
                "properties": {"Title": {"title": {}}, "Severity": {"select": {}}}
            },
        },
    ).json()
    ds_id = database["data_sources"][0]["id"]
    assert database["data_sources"][0]["name"] == "Bugs"
    changed = api.patch(
        f"/v1/data_sources/{ds_id}",
        json={"properties": {"Severity": {"name": "Sev"}, "Points": {"number": {}}}},
    ).json()
    assert set(changed["properties"]) == {"Title", "Sev", "Points"}
    extra = api.post(
        "/v1/data_sources",
        json={"parent": {"database_id": database["id"]}, "properties": {"Name": {"title": {}}}},
    ).json()
    again = api.get(f"/v1/databases/{database['id']}").json()
    assert [source["id"] for source in again["data_sources"]] == [ds_id, extra["id"]]
    two_sources = api.post("/v1/pages", json={"parent": {"database_id": database["id"]}})
    assert two_sources.status_code == 400


def test_comments_create_reply_and_list_unresolved_only(api):
    added = api.post(
        "/v1/comments",
        json={"parent": {"page_id": seed.ROOT_PAGE_ID}, "rich_text": text("New thread")},
    ).json()
    assert added["display_name"] == {"type": "integration", "resolved_name": "Phinite Sandbox"}
    reply = api.post(
        "/v1/comments", json={"discussion_id": seed.DISCUSSION_ID, "markdown": "I **agree**"}
    ).json()
    assert reply["discussion_id"] == seed.DISCUSSION_ID
    assert reply["rich_text"][1]["annotations"]["bold"] is True
    listed = api.get(f"/v1/comments?block_id={seed.ROOT_PAGE_ID}").json()
    assert [c["id"] for c in listed["results"]][:2] == [seed.COMMENT_ID, seed.REPLY_COMMENT_ID]
    assert len(listed["results"]) == 4
    resolved_page = api.get(f"/v1/comments?block_id={seed.MEETING_NOTES_PAGE_ID}").json()
    assert resolved_page["results"] == []
