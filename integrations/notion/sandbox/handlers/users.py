"""User endpoints: the token's bot, one user, and the workspace's members."""

from __future__ import annotations

from ..context import Ctx
from ..errors import restricted
from ..pagination import list_body, page_params, paginate


def _require_user_info(ctx: Ctx) -> None:
    if ctx.integration.get("user_info", "none") == "none":
        raise restricted()


def users_me(ctx: Ctx) -> dict:
    return ctx.state.user_render(ctx.integration["id"], ctx.integration)


def users_get(ctx: Ctx) -> dict:
    _require_user_info(ctx)
    user_id = ctx.path_id("user_id")
    user = ctx.state.users.get(user_id)
    if user is None or user["workspace_id"] != ctx.integration["workspace_id"]:
        raise ctx.not_found("user", user_id)
    return ctx.state.user_render(user_id, ctx.integration)


def users_list(ctx: Ctx) -> dict:
    _require_user_info(ctx)
    state = ctx.state
    size, cursor = page_params(ctx.query, "query")
    members = [
        u for u in state.users.values() if u["workspace_id"] == ctx.integration["workspace_id"]
    ]
    members.sort(key=lambda user: (user["type"] != "person", user.get("order", 0)))
    ids = [user["id"] for user in members]
    window = paginate(state, ids, f"users:{ctx.integration['workspace_id']}", cursor, size, "query")
    results = [state.user_render(user_id, ctx.integration) for user_id in window.ids]
    return list_body(results, window, "user")
