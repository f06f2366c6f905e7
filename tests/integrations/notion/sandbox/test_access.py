"""Authentication, versioning, sharing and capabilities, answered with Notion's error bodies."""

from __future__ import annotations

import requests

from integrations.notion.sandbox import seed

from .conftest import paragraph, text


def test_missing_token_is_unauthorized_with_notions_body(api, notion_sandbox):
    response = requests.get(
        f"{notion_sandbox.url}/v1/users/me", headers={"Notion-Version": "2025-09-03"}, timeout=5
    )
    body = response.json()
    assert response.status_code == 401
    assert body["object"] == "error"
    assert body["code"] == "unauthorized"
    assert body["message"] == "API token is invalid."
    assert body["request_id"] == response.headers["x-notion-request-id"]


def test_unknown_token_is_unauthorized(api):
    response = api.get("/v1/users/me", token="ntn_this_token_does_not_exist")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_seeded_revoked_token_is_unauthorized(api):
    assert api.get("/v1/users/me", token=seed.SANDBOX_REVOKED_TOKEN).status_code == 401


def test_revoking_a_token_at_runtime_makes_it_answer_401(api, notion_sandbox):
    assert api.get("/v1/users/me").status_code == 200
    notion_sandbox.revoke(seed.SANDBOX_TOKEN)
    assert api.get("/v1/users/me").status_code == 401
    assert api.get("/v1/users/me", token=seed.SANDBOX_LEGACY_TOKEN).status_code == 200


def test_revoking_through_the_control_endpoint(api, notion_sandbox):
    response = requests.post(
        f"{notion_sandbox.url}/__sandbox__/revoke",
        json={"token": seed.SANDBOX_LEGACY_TOKEN},
        timeout=5,
    )
    assert response.status_code == 200
    assert api.get("/v1/users/me", token=seed.SANDBOX_LEGACY_TOKEN).status_code == 401


def test_missing_version_header_is_missing_version(api):
    response = api.get("/v1/users/me", version=None)
    assert response.status_code == 400
    assert response.json()["code"] == "missing_version"
    assert response.json()["message"] == (
        "Notion-Version header failed validation: Notion-Version header should be defined, "
        "instead was `undefined`."
    )


def test_unknown_path_and_wrong_method_are_invalid_request_urls(api):
    for method, path in (("GET", "/v1/invalid"), ("DELETE", "/v1/users"), ("GET", "/v2/pages")):
        response = api.call(method, path)
        assert response.status_code == 400, path
        assert response.json() == {
            **response.json(),
            "code": "invalid_request_url",
            "message": "Invalid request URL.",
        }


def test_malformed_json_is_invalid_json(api):
    response = api.post(
        "/v1/search", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"


def test_every_answer_carries_a_request_id_header(api):
    for response in (
        api.get("/v1/users/me"),
        api.get("/v1/invalid"),
        api.get("/v1/users/me", version=None),
    ):
        assert response.headers["x-notion-request-id"]


def test_users_me_returns_the_bot_of_the_token(api):
    body = api.get("/v1/users/me").json()
    assert body["type"] == "bot"
    assert body["name"] == seed.INTEGRATION_NAME
    assert body["bot"]["owner"] == {"type": "workspace", "workspace": True}
    assert body["bot"]["workspace_name"] == "Acme Sandbox"
    assert body["bot"]["workspace_id"] == seed.WORKSPACE_ID
    assert body["bot"]["workspace_limits"]["max_file_upload_size_in_bytes"] == 5_242_880
    legacy = api.get("/v1/users/me", token=seed.SANDBOX_LEGACY_TOKEN).json()
    assert legacy["id"] == seed.LEGACY_BOT_ID


def test_unshared_page_is_not_found_with_the_integration_name(api):
    response = api.get(f"/v1/pages/{seed.PRIVATE_PAGE_ID}")
    body = response.json()
    assert response.status_code == 404
    assert body["code"] == "object_not_found"
    assert body["message"] == (
        f"Could not find page with ID: {seed.PRIVATE_PAGE_ID}. Make sure the relevant pages and "
        'databases are shared with your integration "Phinite Sandbox".'
    )
    assert body["additional_data"] == {"integration_id": seed.BOT_ID}


def test_not_found_wording_follows_the_object_kind(api):
    missing = "00000000-0000-4000-8000-000000000000"
    for path, kind in (
        (f"/v1/databases/{missing}", "database"),
        (f"/v1/data_sources/{missing}", "data_source"),
        (f"/v1/blocks/{missing}", "block"),
        (f"/v1/blocks/{seed.PRIVATE_PAGE_ID}/children", "block"),
    ):
        body = api.get(path).json()
        assert body["message"].startswith(f"Could not find {kind} with ID: "), path


def test_descendants_inherit_sharing_from_their_ancestors(api):
    assert api.get(f"/v1/pages/{seed.Q3_GOALS_PAGE_ID}").status_code == 200
    assert api.get(f"/v1/pages/{seed.TASK_ROW_IDS[7]}").status_code == 200
    assert api.get(f"/v1/data_sources/{seed.TASKS_DATA_SOURCE_ID}").status_code == 200


def test_writes_under_an_unshared_page_are_not_found(api):
    response = api.post(
        "/v1/pages",
        json={"parent": {"page_id": seed.PRIVATE_PAGE_ID}, "properties": {"title": text("Sneaky")}},
    )
    assert response.status_code == 404
    append = api.patch(
        f"/v1/blocks/{seed.PRIVATE_PAGE_ID}/children", json={"children": [paragraph("x")]}
    )
    assert append.status_code == 404


def test_search_never_lists_unshared_pages(api):
    results = api.post("/v1/search", json={"query": "Roadmap"}).json()["results"]
    assert results == []


def test_other_workspace_token_sees_only_its_own_workspace(api):
    token = seed.SANDBOX_OTHER_WORKSPACE_TOKEN
    assert api.get(f"/v1/pages/{seed.ROOT_PAGE_ID}", token=token).status_code == 404
    assert api.get(f"/v1/pages/{seed.OTHER_ROOT_PAGE_ID}", token=token).status_code == 200
    assert api.get(f"/v1/pages/{seed.OTHER_ROOT_PAGE_ID}").status_code == 404
    users = api.get("/v1/users", token=token).json()["results"]
    assert {user["id"] for user in users} == {seed.OTHER_PERSON_ID, seed.OTHER_BOT_ID}
    titles = [
        r["properties"]["title"]["title"][0]["plain_text"]
        for r in api.post("/v1/search", json={}, token=token).json()["results"]
    ]
    assert titles == ["Other Corp Wiki"]


def test_read_only_token_reads_but_cannot_write(api):
    token = seed.SANDBOX_READONLY_TOKEN
    assert api.get(f"/v1/pages/{seed.ROOT_PAGE_ID}", token=token).status_code == 200
    attempts = [
        api.post(
            "/v1/pages",
            token=token,
            json={"parent": {"page_id": seed.ROOT_PAGE_ID}, "properties": {"title": text("No")}},
        ),
        api.patch(f"/v1/pages/{seed.ROOT_PAGE_ID}", token=token, json={"in_trash": True}),
        api.delete(f"/v1/blocks/{seed.SCRATCHPAD_PAGE_ID}", token=token),
        api.patch(
            f"/v1/blocks/{seed.ROOT_PAGE_ID}/children",
            token=token,
            json={"children": [paragraph("No")]},
        ),
        api.post(
            "/v1/comments",
            token=token,
            json={"parent": {"page_id": seed.ROOT_PAGE_ID}, "rich_text": text("No")},
        ),
        api.get("/v1/users", token=token),
    ]
    for response in attempts:
        assert response.status_code == 403
        assert response.json()["code"] == "restricted_resource"
        assert response.json()["message"] == "Insufficient permissions for this endpoint."
    assert api.get(f"/v1/pages/{seed.ROOT_PAGE_ID}", token=token).json()["in_trash"] is False


def test_token_without_comment_capabilities_cannot_read_or_add_comments(api):
    token = seed.SANDBOX_NO_COMMENTS_TOKEN
    listed = api.get(f"/v1/comments?block_id={seed.ROOT_PAGE_ID}", token=token)
    added = api.post(
        "/v1/comments",
        token=token,
        json={"parent": {"page_id": seed.ROOT_PAGE_ID}, "rich_text": text("Hi")},
    )
    assert (listed.status_code, added.status_code) == (403, 403)
    assert api.get(f"/v1/pages/{seed.ROOT_PAGE_ID}", token=token).status_code == 200


def test_user_emails_depend_on_the_user_information_capability(api):
    with_email = api.get(f"/v1/users/{seed.ALICE_ID}").json()
    no_email = api.get(f"/v1/users/{seed.ALICE_ID}", token=seed.SANDBOX_NO_COMMENTS_TOKEN).json()
    assert with_email["person"] == {"email": "alice@acme.example", "email_verified": True}
    assert no_email["person"] == {}
    assert (
        api.get(f"/v1/users/{seed.ALICE_ID}", token=seed.SANDBOX_READONLY_TOKEN).status_code == 403
    )


def test_added_token_gets_the_given_capabilities_and_sharing(api, notion_sandbox):
    notion_sandbox.add_token(
        "ntn_test_insert_only_token",
        name="Insert Only",
        capabilities=("insert_content",),
        shared=(seed.SCRATCHPAD_PAGE_ID,),
    )
    token = "ntn_test_insert_only_token"
    created = api.post(
        "/v1/pages",
        token=token,
        json={
            "parent": {"page_id": seed.SCRATCHPAD_PAGE_ID},
            "properties": {"title": text("Note")},
        },
    )
    assert created.status_code == 200
    assert api.get(f"/v1/pages/{created.json()['id']}", token=token).status_code == 403
    outside = api.post(
        "/v1/pages",
        token=token,
        json={"parent": {"page_id": seed.ROOT_PAGE_ID}, "properties": {"title": text("Note")}},
    )
    assert outside.status_code == 404
    assert '"Insert Only"' in outside.json()["message"]
