"""The client against the sandbox over real HTTP: every method, every error type, pagination
across the 10,000-result cap (scaled down), and the size-limit helpers."""

import pytest
import requests

from integrations.notion import errors
from integrations.notion.client import NotionClient
from integrations.notion.limits import append_blocks
from integrations.notion.sandbox.seed import (
    ALICE_ID,
    PRIVATE_PAGE_ID,
    PROJECT_PLAN_PAGE_ID,
    ROOT_PAGE_ID,
    SANDBOX_READONLY_TOKEN,
    SANDBOX_REVOKED_TOKEN,
    SANDBOX_TOKEN,
    TASKS_DATA_SOURCE_ID,
    TASKS_DATABASE_ID,
)


def paragraph(text: str, children=None) -> dict:
    body = {"rich_text": [{"type": "text", "text": {"content": text}}]}
    if children:
        body["children"] = children
    return {"object": "block", "type": "paragraph", "paragraph": body}


@pytest.fixture
def client(notion_sandbox) -> NotionClient:
    return NotionClient(SANDBOX_TOKEN, base_url=notion_sandbox.url, timeout=(2.0, 2.0))


def test_every_method_answers_in_notions_shapes(client, notion_sandbox):
    assert client.users_me()["type"] == "bot"
    assert client.users_retrieve(ALICE_ID)["object"] == "user"
    assert client.users_list(page_size=2)["object"] == "list"
    assert client.search(query="Phinite", page_size=5)["object"] == "list"
    page = client.pages_create(
        parent={"page_id": ROOT_PAGE_ID},
        properties={"title": {"title": [{"text": {"content": "Client page"}}]}},
        children=[paragraph("hello")],
    )
    page_id = page["id"]
    assert client.pages_retrieve(page_id)["id"] == page_id
    assert client.pages_update(page_id, icon={"type": "emoji", "emoji": "📘"})["icon"]
    title_prop = next(iter(page["properties"].values()))["id"]
    assert client.pages_property_item(page_id, title_prop)["object"] in ("list", "property_item")
    assert "hello" in client.pages_markdown_get(page_id)["markdown"]
    client.pages_markdown_update(
        page_id,
        body={"type": "replace_content", "replace_content": {"new_str": "replaced"}},
    )
    assert "replaced" in notion_sandbox.state.markdown_of(page_id)
    appended = client.blocks_children_append(page_id, children=[paragraph("more")])
    block_id = appended["results"][0]["id"]
    assert client.blocks_retrieve(block_id)["type"] == "paragraph"
    assert client.blocks_children_list(page_id)["results"]
    client.blocks_update(block_id, body={"paragraph": {"rich_text": [{"text": {"content": "x"}}]}})
    assert client.blocks_delete(block_id)["in_trash"] is True
    assert client.pages_move(page_id, parent={"page_id": PROJECT_PLAN_PAGE_ID})["id"] == page_id
    assert client.pages_trash(page_id)["in_trash"] is True
    assert client.pages_restore(page_id)["in_trash"] is False
    database = client.databases_create(
        parent={"type": "page_id", "page_id": ROOT_PAGE_ID},
        title=[{"text": {"content": "Client DB"}}],
        initial_data_source={"properties": {"Name": {"title": {}}}},
    )
    assert client.databases_retrieve(database["id"])["data_sources"]
    client.databases_update(database["id"], body={"description": [{"text": {"content": "d"}}]})
    assert client.data_sources_retrieve(TASKS_DATA_SOURCE_ID)["object"] == "data_source"
    client.data_sources_update(TASKS_DATA_SOURCE_ID, body={"properties": {"Extra": {"number": {}}}})
    assert "Extra" in client.data_sources_retrieve(TASKS_DATA_SOURCE_ID)["properties"]
    assert client.data_sources_query(TASKS_DATA_SOURCE_ID, page_size=3)["results"]
    assert "templates" in client.data_sources_templates(TASKS_DATA_SOURCE_ID)
    comment = client.comments_create(
        parent={"page_id": ROOT_PAGE_ID}, rich_text=[{"text": {"content": "note"}}]
    )
    assert comment["object"] == "comment"
    assert client.comments_list(block_id=ROOT_PAGE_ID)["results"]
    assert client.request_ids  # every answer's x-notion-request-id was kept
    assert TASKS_DATABASE_ID


@pytest.mark.parametrize(
    "inject, expected",
    [
        ({"status": 409}, errors.ConflictError),
        ({"status": 429, "retry_after": 2}, errors.RateLimitedError),
        ({"status": 500}, errors.InternalServerError),
        ({"status": 502}, errors.BadGatewayError),
        ({"status": 503}, errors.ServiceUnavailableError),
        ({"status": 504}, errors.GatewayTimeoutError),
        ({"status": 529, "retry_after": 3}, errors.ServiceOverloadError),
        ({"delay": 3.0}, errors.NotionTimeoutError),
        ({"drop": True}, errors.NotionConnectionError),
    ],
)
def test_each_server_failure_becomes_its_typed_error(client, notion_sandbox, inject, expected):
    notion_sandbox.inject(path="/v1/users/me", **inject)
    with pytest.raises(expected) as excinfo:
        client.users_me()
    if "retry_after" in inject:
        assert excinfo.value.retry_after == inject["retry_after"]
        assert excinfo.value.retryable
    assert SANDBOX_TOKEN not in str(excinfo.value) + repr(excinfo.value)


def test_each_client_error_becomes_its_typed_error(client, notion_sandbox):
    with pytest.raises(errors.UnauthorizedError):
        NotionClient(SANDBOX_REVOKED_TOKEN, base_url=notion_sandbox.url).users_me()
    with pytest.raises(errors.ObjectNotFoundError) as not_found:
        client.pages_retrieve(PRIVATE_PAGE_ID)
    assert "Phinite Sandbox" in not_found.value.message and not_found.value.request_id
    readonly = NotionClient(SANDBOX_READONLY_TOKEN, base_url=notion_sandbox.url)
    with pytest.raises(errors.RestrictedResourceError):
        readonly.pages_create(
            parent={"page_id": ROOT_PAGE_ID},
            properties={"title": {"title": [{"text": {"content": "no"}}]}},
        )
    with pytest.raises(errors.ValidationError):
        client.request(
            "PATCH", f"/v1/blocks/{ROOT_PAGE_ID}/children", json={"children": "not a list"}
        )
    with pytest.raises(errors.InvalidRequestURLError):
        client.request("GET", "/v1/no-such-endpoint")
    # The client always sends Notion-Version, so a bare request shows what the sandbox answers
    # without it, parsed by the client's own error factory.
    bare = requests.get(
        f"{notion_sandbox.url}/v1/users/me",
        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"},
        timeout=5,
    )
    missing = errors.error_from_response(
        "GET", "/v1/users/me", bare.status_code, bare.headers, bare.text
    )
    assert isinstance(missing, errors.MissingVersionError) and missing.request_id
    broken = requests.post(
        f"{notion_sandbox.url}/v1/search",
        data="{not json",
        headers={
            "Authorization": f"Bearer {SANDBOX_TOKEN}",
            "Notion-Version": "2025-09-03",
            "Content-Type": "application/json",
        },
        timeout=5,
    )
    invalid = errors.error_from_response(
        "POST", "/v1/search", broken.status_code, broken.headers, broken.text
    )
    assert isinstance(invalid, errors.InvalidJSONError)


def test_pagination_stops_at_the_callers_limit_and_reports_the_result_cap(client, notion_sandbox):
    rows = client.paginate("data_sources_query", TASKS_DATA_SOURCE_ID, limit=130)
    assert len(list(rows)) == 130 and rows.next_cursor and not rows.incomplete
    notion_sandbox.set_query_cap(250)  # Notion's cap is 10,000; the sandbox's is configurable
    capped = client.paginate("data_sources_query", TASKS_DATA_SOURCE_ID)
    assert len(list(capped)) == 250
    assert capped.incomplete and capped.pages_fetched == 3


def test_a_250_block_append_arrives_as_3_requests_in_order(client, notion_sandbox):
    since = notion_sandbox.requests[-1]["time"] if notion_sandbox.requests else 0
    result = append_blocks(client, ROOT_PAGE_ID, [paragraph(f"p{i}") for i in range(250)])
    appends = [
        e
        for e in notion_sandbox.requests_since(since)
        if e["method"] == "PATCH" and e["path"].endswith("/children")
    ]
    assert len(appends) == 3 and result.blocks_written == 250
    texts = [
        b["paragraph"]["rich_text"][0]["plain_text"]
        for b in notion_sandbox.state.children(ROOT_PAGE_ID)
        if b["type"] == "paragraph" and b["paragraph"]["rich_text"]
    ]
    assert texts[-250:] == [f"p{i}" for i in range(250)]


def test_a_5000_character_paragraph_arrives_as_3_rich_text_items(client, notion_sandbox):
    text = "".join(chr(ord("a") + i % 26) for i in range(5000))
    (block,) = append_blocks(client, ROOT_PAGE_ID, [paragraph(text)])
    stored = notion_sandbox.state.block(block["id"])["paragraph"]["rich_text"]
    assert len(stored) == 3 and "".join(item["plain_text"] for item in stored) == text


def test_four_levels_of_nesting_arrive_complete(client, notion_sandbox):
    tree = [paragraph("l1", [paragraph("l2", [paragraph("l3", [paragraph("l4")])])])]
    (top,) = append_blocks(client, ROOT_PAGE_ID, tree)
    level, texts = top["id"], []
    for _ in range(4):
        block = notion_sandbox.state.block(level)
        texts.append(block["paragraph"]["rich_text"][0]["plain_text"])
        children = notion_sandbox.state.children(level)
        if not children:
            break
        level = children[0]["id"]
    assert texts == ["l1", "l2", "l3", "l4"]
