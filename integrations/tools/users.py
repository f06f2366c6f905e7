"""User tools: one user (or the integration's own bot) and the workspace's people and bots."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from integrations.tools.base import Tool, ToolContext
from integrations.tools.content import list_window
from integrations.tools.inputs import BUDGET_DEFAULT, MaxChars, ToolInput, normalize_notion_id

DEFAULT_USERS = 50


def user_plain(user: dict) -> dict:
    """A user as an assistant needs it: id, type, name, and the email or the bot's facts."""
    shaped: dict[str, Any] = {
        "id": user.get("id"),
        "type": user.get("type"),
        "name": user.get("name"),
    }
    person = user.get("person") or {}
    if person.get("email"):
        shaped["email"] = person["email"]
    bot = user.get("bot") or {}
    if user.get("type") == "bot":
        owner = bot.get("owner") or {}
        shaped["owner"] = "workspace" if owner.get("type") == "workspace" else owner.get("type")
        if bot.get("workspace_name"):
            shaped["workspace_name"] = bot["workspace_name"]
    if user.get("avatar_url"):
        shaped["avatar_url"] = user["avatar_url"]
    return shaped


class GetUserInput(ToolInput):
    user_id: str = Field(
        description='A Notion user id, or "me" for the integration\'s own bot user.'
    )

    @field_validator("user_id")
    @classmethod
    def _id_or_me(cls, value: str) -> str:
        if value.strip().lower() == "me":
            return "me"
        return normalize_notion_id(value)


def get_user(ctx: ToolContext, args: GetUserInput) -> dict:
    if args.user_id == "me":
        return user_plain(ctx.client.users_me())
    return user_plain(ctx.client.users_retrieve(args.user_id))


class ListUsersInput(ToolInput):
    limit: int = Field(
        default=DEFAULT_USERS, ge=1, le=100, description="How many users to return (1-100)."
    )
    cursor: str | None = Field(
        default=None, description="next_cursor from the previous result, to continue."
    )
    max_chars: MaxChars = BUDGET_DEFAULT


def list_users(ctx: ToolContext, args: ListUsersInput) -> dict:
    users, next_cursor = list_window(
        ctx.client.users_list,
        cursor=args.cursor,
        limit=args.limit,
        budget=args.max_chars - 200,
        shape=user_plain,
    )
    return {
        "users": users,
        "count": len(users),
        "has_more": next_cursor is not None,
        "next_cursor": next_cursor,
    }


GET_USER = Tool(
    name="notion_get_user",
    description=(
        'Read one Notion user by id, or the integration\'s own bot with user_id "me". Use it '
        "to find out who a user id in a page's people or created_by property is, or which "
        "workspace this connection reaches. Returns {id, type (person or bot), name, email "
        "(for people, when the integration may read emails), workspace_name (for the bot)}."
    ),
    access="read",
    input_model=GetUserInput,
    handler=get_user,
)

LIST_USERS = Tool(
    name="notion_list_users",
    description=(
        "List the people and bots of the Notion workspace (guests are not included), a page "
        "at a time. Use it to find the user id of a person to assign in a people property, or "
        "to see who is in the workspace. Returns {users: [{id, type, name, email}], count, "
        "has_more, next_cursor}; pass next_cursor back to continue."
    ),
    access="read",
    input_model=ListUsersInput,
    handler=list_users,
)

TOOLS = [GET_USER, LIST_USERS]
