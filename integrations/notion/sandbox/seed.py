"""The seeded "Acme Sandbox" workspace: deterministic ids, users, integrations and tokens."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from .state import SandboxState

# -- workspaces, people and integrations ---------------------------------------------------
WORKSPACE_ID = "ac3e0000-0000-4000-8000-000000000001"
WORKSPACE_NAME = "Acme Sandbox"
OTHER_WORKSPACE_ID = "0c0e0000-0000-4000-8000-000000000002"
OTHER_WORKSPACE_NAME = "Other Corp"

ALICE_ID = "a11ce000-0000-4000-8000-000000000001"
BOB_ID = "b0b00000-0000-4000-8000-000000000002"
CAROL_ID = "ca401000-0000-4000-8000-000000000003"
PERSON_IDS = (ALICE_ID, BOB_ID, CAROL_ID)
OTHER_PERSON_ID = "0e0e0000-0000-4000-8000-000000000004"

BOT_ID = "b0700000-0000-4000-8000-000000000001"
READONLY_BOT_ID = "b0700000-0000-4000-8000-000000000002"
NO_COMMENTS_BOT_ID = "b0700000-0000-4000-8000-000000000003"
LEGACY_BOT_ID = "b0700000-0000-4000-8000-000000000004"
REVOKED_BOT_ID = "b0700000-0000-4000-8000-000000000005"
OTHER_BOT_ID = "b0700000-0000-4000-8000-000000000006"
INTEGRATION_NAME = "Phinite Sandbox"

# Fake tokens that only the sandbox accepts (never real Notion credentials).
SANDBOX_TOKEN = "ntn_sandbox_full_0000000000000000000000000000000000000001"  # noqa: S105 - fake sandbox token
SANDBOX_READONLY_TOKEN = "ntn_sandbox_readonly_00000000000000000000000000000000000002"  # noqa: S105 - fake sandbox token
SANDBOX_LEGACY_TOKEN = "secret_sandbox_legacy_0000000000000000000000000000000000003"  # noqa: S105 - fake sandbox token
SANDBOX_NO_COMMENTS_TOKEN = "ntn_sandbox_nocomments_000000000000000000000000000000000004"  # noqa: S105 - fake sandbox token
SANDBOX_REVOKED_TOKEN = "ntn_sandbox_revoked_0000000000000000000000000000000000000005"  # noqa: S105 - fake sandbox token
SANDBOX_OTHER_WORKSPACE_TOKEN = "ntn_sandbox_othercorp_0000000000000000000000000000000000006"  # noqa: S105 - fake sandbox token

ALL_CAPABILITIES = (
    "read_content",
    "update_content",
    "insert_content",
    "read_comments",
    "insert_comments",
)

# -- content -------------------------------------------------------------------------------
ROOT_PAGE_ID = "5a4d0000-0000-4000-8000-000000000001"
ROOT_PAGE_TITLE = "Phinite Sandbox Home"
PROJECT_PLAN_PAGE_ID = "5a4d0000-0000-4000-8000-000000000002"
MEETING_NOTES_PAGE_ID = "5a4d0000-0000-4000-8000-000000000003"
Q3_GOALS_PAGE_ID = "5a4d0000-0000-4000-8000-000000000004"
SCRATCHPAD_PAGE_ID = "5a4d0000-0000-4000-8000-000000000005"
PRIVATE_PAGE_ID = "5a4d0000-0000-4000-8000-000000000009"
PRIVATE_PAGE_TITLE = "Private Roadmap"
OTHER_ROOT_PAGE_ID = "0c0e0000-0000-4000-8000-000000000010"

TASKS_DATABASE_ID = "da7a0000-0000-4000-8000-000000000001"
TASKS_DATA_SOURCE_ID = "d5000000-0000-4000-8000-000000000001"
TEMPLATE_PAGE_ID = "7e3a0000-0000-4000-8000-000000000001"
TEMPLATE_PAGE_TITLE = "Bug report template"
FEATURE_TEMPLATE_PAGE_ID = "7e3a0000-0000-4000-8000-000000000002"
TASK_ROW_COUNT = 300
_NAMESPACE = uuid.UUID("5a4d5eed-0000-4000-8000-000000000000")
TASK_ROW_IDS = tuple(str(uuid.uuid5(_NAMESPACE, f"task-{i}")) for i in range(TASK_ROW_COUNT))
# Task 001 relates to 30 tasks: more than the 25 references a page object shows.
WIDE_RELATION_ROW_ID = TASK_ROW_IDS[0]

DISCUSSION_ID = "d15c0000-0000-4000-8000-000000000001"
COMMENT_ID = "c0330000-0000-4000-8000-000000000001"
REPLY_COMMENT_ID = "c0330000-0000-4000-8000-000000000002"
RESOLVED_DISCUSSION_ID = "d15c0000-0000-4000-8000-000000000002"
BLOCK_COMMENT_ID = "c0330000-0000-4000-8000-000000000003"

SEED_EPOCH = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)

_PEOPLE = (
    (ALICE_ID, "Alice Admin", "alice@acme.example", WORKSPACE_ID),
    (BOB_ID, "Bob Builder", "bob@acme.example", WORKSPACE_ID),
    (CAROL_ID, "Carol Chen", "carol@acme.example", WORKSPACE_ID),
    (OTHER_PERSON_ID, "Olga Other", "olga@other.example", OTHER_WORKSPACE_ID),
)
# (bot id, name, workspace, capabilities, user info, token, revoked, shared roots)
_INTEGRATIONS = (
    (
        BOT_ID,
        INTEGRATION_NAME,
        WORKSPACE_ID,
        ALL_CAPABILITIES,
        "with_email",
        SANDBOX_TOKEN,
        False,
        (ROOT_PAGE_ID,),
    ),
    (
        READONLY_BOT_ID,
        "Phinite Read-only",
        WORKSPACE_ID,
        ("read_content", "read_comments"),
        "none",
        SANDBOX_READONLY_TOKEN,
        False,
        (ROOT_PAGE_ID,),
    ),
    (
        NO_COMMENTS_BOT_ID,
        "Phinite No Comments",
        WORKSPACE_ID,
        ("read_content", "update_content", "insert_content"),
        "no_email",
        SANDBOX_NO_COMMENTS_TOKEN,
        False,
        (ROOT_PAGE_ID,),
    ),
    (
        LEGACY_BOT_ID,
        "Phinite Legacy",
        WORKSPACE_ID,
        ALL_CAPABILITIES,
        "with_email",
        SANDBOX_LEGACY_TOKEN,
        False,
        (ROOT_PAGE_ID,),
    ),
    (
        REVOKED_BOT_ID,
        "Phinite Revoked",
        WORKSPACE_ID,
        ALL_CAPABILITIES,
        "with_email",
        SANDBOX_REVOKED_TOKEN,
        True,
        (ROOT_PAGE_ID,),
    ),
    (
        OTHER_BOT_ID,
        "Other Corp Bot",
        OTHER_WORKSPACE_ID,
        ALL_CAPABILITIES,
        "with_email",
        SANDBOX_OTHER_WORKSPACE_TOKEN,
        False,
        (OTHER_ROOT_PAGE_ID,),
    ),
)
TOKENS = {row[5]: row[1] for row in _INTEGRATIONS}


class SeedClock:
    """A fixed, advancing clock so seeded timestamps never depend on when the seed ran."""

    def __init__(self, start: datetime = SEED_EPOCH) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def _id_factory():
    counter = iter(range(1, 10**9))
    return lambda: str(uuid.uuid5(_NAMESPACE, f"seed-{next(counter)}"))


def integration_add(
    state: SandboxState,
    *,
    bot_id: str,
    name: str,
    workspace_id: str,
    token: str,
    capabilities=ALL_CAPABILITIES,
    user_info: str = "with_email",
    shared=(),
    revoked=False,
) -> dict:
    """Register an integration (its bot user) and one token for it."""
    state.users[bot_id] = {
        "id": bot_id,
        "name": name,
        "avatar_url": None,
        "type": "bot",
        "workspace_id": workspace_id,
        "order": len(state.users),
    }
    integration = {
        "id": bot_id,
        "name": name,
        "workspace_id": workspace_id,
        "capabilities": list(capabilities),
        "user_info": user_info,
        "shared": set(shared),
    }
    state.integrations[bot_id] = integration
    state.tokens[token] = {"integration_id": bot_id, "revoked": revoked}
    return integration


def seed_workspace(state: SandboxState) -> None:
    """Reset `state` to the seeded workspaces (deterministic ids and times)."""
    from .seed_content import content_seed

    with state.lock:
        state.clear()
        state.workspaces[WORKSPACE_ID] = {"id": WORKSPACE_ID, "name": WORKSPACE_NAME}
        state.workspaces[OTHER_WORKSPACE_ID] = {
            "id": OTHER_WORKSPACE_ID,
            "name": OTHER_WORKSPACE_NAME,
        }
        for order, (user_id, name, email, workspace_id) in enumerate(_PEOPLE):
            state.users[user_id] = {
                "id": user_id,
                "name": name,
                "email": email,
                "avatar_url": f"https://example.com/avatars/{order}.png",
                "type": "person",
                "workspace_id": workspace_id,
                "order": order,
            }
        for bot_id, name, workspace, caps, info, token, revoked, shared in _INTEGRATIONS:
            integration_add(
                state,
                bot_id=bot_id,
                name=name,
                workspace_id=workspace,
                token=token,
                capabilities=caps,
                user_info=info,
                shared=shared,
                revoked=revoked,
            )
        clock, make_id = state.clock, state.make_id
        state.clock, state.make_id = SeedClock(), _id_factory()
        try:
            content_seed(state)
        finally:
            state.clock, state.make_id = clock, make_id
