"""The assistants' API: auth, listing, validation, access, idempotency, results (in-process)."""

import secrets

import pytest

from assistants.services import assistant_create, assistant_deactivate
from integrations.models import ActionLog
from integrations.notion.sandbox.seed import PRIVATE_PAGE_ID, ROOT_PAGE_ID
from tests.fixtures.factories import SYSTEM
from tests.integrations.api.conftest import ApiClient


def _error_shape(response):
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str)
    return body["error"]


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nope", "Basic abc", "bearer pn_x"])
def test_missing_or_wrong_key_gets_401_json(client, db, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/tools", **extra)
    assert response.status_code == 401
    assert _error_shape(response)["code"] == "unauthorized"


def test_deactivated_assistant_gets_401(api, assistant):
    assistant_deactivate(assistant=assistant, actor=SYSTEM)
    assert api.get("/api/v1/tools").status_code == 401


def test_repeated_failures_from_one_address_are_throttled(client, db):
    # Fresh addresses: the throttle's counts live in the shared cache, which may still hold an
    # earlier run's counts for a fixed address.
    subnet = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    codes = [
        client.get(
            "/api/v1/tools", HTTP_AUTHORIZATION="Bearer wrong", REMOTE_ADDR=f"{subnet}.9"
        ).status_code
        for _ in range(25)
    ]
    assert codes[:20] == [401] * 20 and set(codes[20:]) == {429}
    other = client.get(
        "/api/v1/tools", HTTP_AUTHORIZATION="Bearer wrong", REMOTE_ADDR=f"{subnet}.8"
    )
    assert other.status_code == 401


def test_tools_lists_only_what_the_best_assignment_allows(api, set_access):
    set_access("read")
    tools = {t["name"]: t for t in api.get("/api/v1/tools").json()["tools"]}
    assert "notion_get_page" in tools and "notion_create_page" not in tools
    assert all(t["access"] == "read" for t in tools.values())
    assert tools["notion_get_page"]["input_schema"]["type"] == "object"
    set_access("full")
    names = {t["name"] for t in api.get("/api/v1/tools").json()["tools"]}
    assert {"notion_delete_page", "notion_create_page"} <= names


def test_connections_lists_the_assistants_connections(api, other_connection):
    body = api.get("/api/v1/connections").json()
    assert body == {
        "connections": [
            {
                "id": body["connections"][0]["id"],
                "name": "Notion Workspace",
                "workspace_name": "Acme Sandbox",
                "status": "active",
                "access": "full",
            }
        ]
    }


def test_a_call_runs_to_success_and_the_audit_row_says_the_same(api, notion_sandbox):
    response = api.call(
        "notion_create_page", {"parent_id": ROOT_PAGE_ID, "title": "From API", "markdown": "Hi"}
    )
    assert response.status_code == 200, response.content
    call = response.json()
    assert call["status"] == "succeeded" and call["error"] is None
    page_id = call["result"]["id"]
    assert notion_sandbox.state.page(page_id) is not None
    assert call["result"]["url"]
    row = ActionLog.objects.get(pk=call["id"])
    assert row.action == "tool.notion_create_page" and row.status == "succeeded"
    assert page_id in row.result["ids"] and row.result["urls"]
    assert row.notion_request_ids and row.attempts == 1 and row.duration_ms is not None
    assert api.get(f"/api/v1/tool-calls/{call['id']}").json()["result"]["id"] == page_id


def test_invalid_arguments_get_400_field_errors_and_nothing_reaches_notion(api, notion_sandbox):
    before = len(notion_sandbox.requests)
    response = api.call("notion_create_page", {"parent_id": "not-an-id", "titel": "typo"})
    assert response.status_code == 400
    error = _error_shape(response)
    fields = {d["field"] for d in error["details"]}
    assert {"parent_id", "titel"} <= fields
    assert len(notion_sandbox.requests) == before
    row = ActionLog.objects.get(pk=error["call_id"])
    assert row.status == "rejected" and row.error_code == "invalid_arguments"
    assert ActionLog.objects.filter(status="rejected").count() == 1


def test_access_too_low_gets_403_naming_the_level_and_is_audited(api, set_access, notion_sandbox):
    set_access("write")
    before = len(notion_sandbox.requests)
    response = api.call("notion_delete_page", {"page_id": ROOT_PAGE_ID})
    assert response.status_code == 403
    error = _error_shape(response)
    assert "full" in error["message"] and "admin" in error["message"]
    assert len(notion_sandbox.requests) == before
    assert ActionLog.objects.get(pk=error["call_id"]).status == "rejected"


def test_not_assigned_gets_403(workspace, live_connection, notion_sandbox):
    _, key = assistant_create(workspace=workspace, name="Unassigned", actor=SYSTEM)
    response = ApiClient(key).call("notion_get_page", {"page_id": ROOT_PAGE_ID})
    assert response.status_code == 403 and _error_shape(response)["code"] == "not_assigned"
    assert ActionLog.objects.filter(status="rejected", actor_name="Unassigned").count() == 1


def test_unknown_tool_or_connection_gets_404(api):
    assert api.call("notion_fly", {}).status_code == 404
    response = api.call("notion_get_page", {"page_id": ROOT_PAGE_ID}, connection="Nope")
    assert response.status_code == 404 and _error_shape(response)["code"] == "unknown_connection"


def test_another_workspaces_connection_is_unknown_not_forbidden(api, other_connection):
    response = api.call(
        "notion_get_page", {"page_id": ROOT_PAGE_ID}, connection=other_connection.pk
    )
    assert response.status_code == 404


def test_connection_can_be_named_by_id(api, live_connection):
    response = api.call("notion_get_user", {"user_id": "me"}, connection=live_connection.pk)
    assert response.status_code == 200 and response.json()["status"] == "succeeded"


def test_idempotency_key_replays_the_original_and_rejects_other_arguments(api, notion_sandbox):
    args = {"parent_id": ROOT_PAGE_ID, "title": "Once"}
    first = api.call("notion_create_page", args, idempotency_key="k-1").json()
    second = api.call("notion_create_page", args, idempotency_key="k-1").json()
    assert first["id"] == second["id"]
    assert len(notion_sandbox.state.pages_titled("Once")) == 1
    conflict = api.call("notion_create_page", {**args, "title": "Other"}, idempotency_key="k-1")
    assert conflict.status_code == 409
    assert _error_shape(conflict)["code"] == "idempotency_key_reused"


def test_an_assistant_sees_only_its_own_calls(api, workspace, live_connection):
    call = api.call("notion_get_user", {"user_id": "me"}).json()
    _, other_key = assistant_create(workspace=workspace, name="Other", actor=SYSTEM)
    response = ApiClient(other_key).get(f"/api/v1/tool-calls/{call['id']}")
    assert response.status_code == 404


def test_notion_errors_reach_the_assistant_in_words_it_can_act_on(api):
    call = api.call("notion_get_page", {"page_id": PRIVATE_PAGE_ID}).json()
    assert call["status"] == "failed"
    assert call["error"]["code"] == "not_shared"
    assert "Phinite Sandbox" in call["error"]["message"] and "Share" in call["error"]["hint"]


def test_a_revoked_token_marks_the_connection_invalid_and_later_calls_fail_fast(
    api, live_connection, notion_sandbox
):
    from integrations.notion.sandbox.seed import SANDBOX_TOKEN

    notion_sandbox.revoke(SANDBOX_TOKEN)
    first = api.call("notion_get_page", {"page_id": ROOT_PAGE_ID}).json()
    assert first["status"] == "failed" and first["error"]["code"] == "invalid_token"
    live_connection.refresh_from_db()
    assert live_connection.status == "invalid"
    before = len(notion_sandbox.requests)
    second = api.call("notion_get_page", {"page_id": ROOT_PAGE_ID}).json()
    assert second["status"] == "failed" and second["error"]["code"] == "connection_invalid"
    assert "admin" in second["error"]["hint"]
    assert len(notion_sandbox.requests) == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"tool": "notion_get_user"}, "connection"),
        ({"connection": "x"}, "tool"),
        ({"connection": "x", "tool": "t", "wait": 31}, "wait"),
        ({"connection": "x", "tool": "t", "idempotency_key": ""}, "idempotency_key"),
        ({"connection": "x", "tool": "t", "arguments": [1]}, "arguments"),
    ],
)
def test_malformed_requests_get_400_naming_the_field(api, body, field):
    response = api.post("/api/v1/tool-calls", body)
    assert response.status_code == 400
    assert field in {d["field"] for d in _error_shape(response)["details"]}


def test_invalid_json_gets_400(api):
    response = api.http.post(
        "/api/v1/tool-calls",
        "{nope",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.key}",
    )
    assert response.status_code == 400 and _error_shape(response)["code"] == "invalid_json"


def test_openapi_description_and_docs_page(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert {"/api/v1/tools", "/api/v1/connections", "/api/v1/tool-calls"} <= set(spec["paths"])
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"notion_create_page" in page.content


def test_arguments_as_a_json_string_are_accepted(api, notion_sandbox):
    response = api.call("notion_get_page", f'{{"page_id": "{ROOT_PAGE_ID.replace("-", "")}"}}')
    assert response.status_code == 200 and response.json()["status"] == "succeeded"
