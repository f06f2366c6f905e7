"""notion_get_user and notion_list_users against the sandbox over HTTP."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from integrations.notion.sandbox import SANDBOX_READONLY_TOKEN
from integrations.notion.sandbox import seed as ids
from integrations.tools.errors import ToolError
from integrations.tools.output import json_size
from tests.integrations.tools.conftest import run_tool, sandbox_context

WORKSPACE_USERS = [ids.ALICE_ID, ids.BOB_ID, ids.CAROL_ID]


def test_get_user_me_is_the_integrations_own_bot(call, notion_sandbox):
    out = call("notion_get_user", {"user_id": "me"})
    assert out == {
        "id": ids.BOT_ID,
        "type": "bot",
        "name": ids.INTEGRATION_NAME,
        "owner": "workspace",
        "workspace_name": ids.WORKSPACE_NAME,
    }
    assert [r["path"] for r in notion_sandbox.requests] == ["/v1/users/me"]


def test_get_user_by_id_gives_name_and_email(call):
    out = call("notion_get_user", {"user_id": ids.BOB_ID.replace("-", "")})
    assert out["id"] == ids.BOB_ID
    assert out["type"] == "person"
    assert out["name"] == "Bob Builder"
    assert out["email"] == "bob@acme.example"


def test_get_user_of_another_workspace_is_not_found_in_words(call):
    with pytest.raises(ToolError) as caught:
        call("notion_get_user", {"user_id": ids.OTHER_PERSON_ID})
    assert caught.value.code == "not_shared"
    assert ids.OTHER_PERSON_ID in caught.value.message
    assert ids.INTEGRATION_NAME in caught.value.message


@pytest.mark.parametrize("arguments", [{"user_id": "bob"}, {}, {"user_id": "me", "x": 1}])
def test_get_user_rejects_bad_arguments_before_any_request(tool_ctx, notion_sandbox, arguments):
    with pytest.raises(ValidationError):
        run_tool(tool_ctx, "notion_get_user", arguments)
    assert notion_sandbox.requests == []


def test_get_user_without_the_user_capability_names_the_capability(notion_sandbox):
    ctx = sandbox_context(notion_sandbox, SANDBOX_READONLY_TOKEN, "Phinite Read-only")
    with pytest.raises(ToolError) as caught:
        run_tool(ctx, "notion_get_user", {"user_id": ids.BOB_ID})
    assert caught.value.code == "missing_capability"
    assert "read user information" in caught.value.message
    assert "Phinite Read-only" in caught.value.message


def test_list_users_gives_the_workspaces_people_and_bots(call):
    out = call("notion_list_users", {})
    users = {user["id"]: user for user in out["users"]}
    assert set(WORKSPACE_USERS) <= set(users)
    assert ids.OTHER_PERSON_ID not in users
    assert users[ids.CAROL_ID]["email"] == "carol@acme.example"
    assert users[ids.BOT_ID]["type"] == "bot"
    assert out["count"] == len(out["users"]) and out["has_more"] is False
    assert out["next_cursor"] is None


def test_list_users_pages_with_the_cursor(call):
    everyone = [user["id"] for user in call("notion_list_users", {})["users"]]
    seen, cursor = [], None
    for _ in range(len(everyone)):
        arguments = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        out = call("notion_list_users", arguments)
        assert len(out["users"]) <= 2
        seen += [user["id"] for user in out["users"]]
        cursor = out["next_cursor"]
        if not out["has_more"]:
            break
    assert seen == everyone


def test_list_users_fits_the_budget_and_continues_after_the_last_user(call):
    everyone = [user["id"] for user in call("notion_list_users", {})["users"]]
    out = call("notion_list_users", {"limit": 100, "max_chars": 1000})
    assert json_size(out) <= 1000
    assert 0 < out["count"] < len(everyone) and out["has_more"] is True
    rest = call("notion_list_users", {"cursor": out["next_cursor"]})
    assert [u["id"] for u in out["users"]] + [u["id"] for u in rest["users"]] == everyone


@pytest.mark.parametrize("arguments", [{"limit": 0}, {"limit": 101}, {"max_chars": 5}])
def test_list_users_rejects_bad_arguments_before_any_request(tool_ctx, notion_sandbox, arguments):
    with pytest.raises(ValidationError):
        run_tool(tool_ctx, "notion_list_users", arguments)
    assert notion_sandbox.requests == []
