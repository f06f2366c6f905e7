"""Seeded pages, blocks, the Tasks database (300 rows), templates and comments."""

from __future__ import annotations

import random
from datetime import timedelta

from . import seed as ids
from .blocks import children_normalize
from .ops import blocks_create, comment_create, database_create, page_create
from .richtext import rich_text_normalize, text_item

_STATUSES = ("Not started", "In progress", "Done")
_PRIORITIES = (("High", "red"), ("Medium", "yellow"), ("Low", "gray"))
_TAGS = (
    ("backend", "blue"),
    ("frontend", "purple"),
    ("docs", "green"),
    ("bug", "red"),
    ("infra", "orange"),
)
_VERBS = ("Write", "Review", "Fix", "Ship", "Plan", "Test", "Document", "Refactor")
_NOUNS = (
    "login flow",
    "billing page",
    "search index",
    "audit log",
    "rate limiter",
    "onboarding email",
    "API client",
    "dashboard",
    "export job",
    "webhook handler",
)


def t(content: str, **marks) -> dict:
    link = marks.pop("link", None)
    return {
        "type": "text",
        "text": {"content": content, "link": {"url": link} if link else None},
        "annotations": marks,
    }


def b(kind: str, *items, children: list | None = None, **extra) -> dict:
    payload = {"rich_text": [t(item) if isinstance(item, str) else item for item in items], **extra}
    if children:
        payload["children"] = children
    return {"type": kind, kind: payload}


def _blocks(state, parent_id: str, requests: list[dict], actor: str) -> list[str]:
    trees = children_normalize(requests, "seed", state.mention_text, limits=False)
    return blocks_create(state, parent_id, trees, actor)


def _page(state, page_id: str, title: str, parent_id: str | None, actor: str, **kwargs) -> dict:
    parent = (
        {"type": "page_id", "page_id": parent_id}
        if parent_id
        else {"type": "workspace", "workspace": True}
    )
    workspace_id = kwargs.pop("workspace_id", ids.WORKSPACE_ID)
    return page_create(
        state,
        parent=parent,
        properties={"title": [text_item(title)]},
        actor=actor,
        workspace_id=workspace_id,
        object_id=page_id,
        **kwargs,
    )


def _home_blocks() -> list[dict]:
    table_rows = [["Tool", "Status"], ["Create Page", "ready"], ["Query Database", "ready"]]
    return [
        b("heading_1", "Welcome to the Phinite sandbox"),
        b(
            "paragraph",
            "This workspace is ",
            t("fake", bold=True),
            ", ",
            t("deterministic", italic=True),
            " and ",
            t("offline", code=True),
            ". Read the ",
            t("Notion API docs", link="https://developers.notion.com"),
            ".",
        ),
        b("heading_2", "Checklist"),
        b("to_do", "Connect Notion", checked=True),
        b(
            "to_do",
            "Assign an assistant",
            checked=False,
            children=[b("to_do", "Pick the tools it may call", checked=False)],
        ),
        b("heading_2", "Lists"),
        b(
            "bulleted_list_item",
            "First bullet",
            children=[
                b(
                    "bulleted_list_item",
                    "Nested bullet",
                    children=[b("bulleted_list_item", "Deeper bullet")],
                )
            ],
        ),
        b("bulleted_list_item", "Second bullet"),
        b("numbered_list_item", "Step one"),
        b("numbered_list_item", "Step two", children=[b("numbered_list_item", "Step two, part a")]),
        b("quote", "Simple things should be simple, complex things should be possible."),
        {
            "type": "code",
            "code": {"rich_text": [t("print('hello sandbox')")], "language": "python"},
        },
        b("callout", "Tokens never leave the server.", icon={"type": "emoji", "emoji": "🔒"}),
        {"type": "divider", "divider": {}},
        {
            "type": "table",
            "table": {
                "table_width": 2,
                "has_column_header": True,
                "has_row_header": False,
                "children": [
                    {"type": "table_row", "table_row": {"cells": [[t(c)] for c in row]}}
                    for row in table_rows
                ],
            },
        },
        b("toggle", "Details", children=[b("paragraph", "Hidden until expanded.")]),
        b("heading_2", "Pages and tasks"),
    ]


def _pages_seed(state) -> None:
    alice, clock = ids.ALICE_ID, state.clock
    _page(
        state,
        ids.ROOT_PAGE_ID,
        ids.ROOT_PAGE_TITLE,
        None,
        alice,
        icon={"type": "emoji", "emoji": "🏠"},
    )
    block_ids = _blocks(state, ids.ROOT_PAGE_ID, _home_blocks(), alice)
    clock.advance(minutes=5)
    _page(state, ids.PROJECT_PLAN_PAGE_ID, "Project Plan", ids.ROOT_PAGE_ID, alice)
    _blocks(
        state,
        ids.PROJECT_PLAN_PAGE_ID,
        [
            b("heading_2", "Goals"),
            b("bulleted_list_item", "Ship the Notion integration"),
            b("bulleted_list_item", "Keep every call audited"),
            b("paragraph", "Owner: ", {"type": "mention", "mention": {"user": {"id": ids.BOB_ID}}}),
        ],
        alice,
    )
    _page(state, ids.Q3_GOALS_PAGE_ID, "Q3 Goals", ids.PROJECT_PLAN_PAGE_ID, ids.BOB_ID)
    _blocks(
        state, ids.Q3_GOALS_PAGE_ID, [b("to_do", "Reach 99.9% uptime", checked=False)], ids.BOB_ID
    )
    clock.advance(minutes=5)
    _page(state, ids.MEETING_NOTES_PAGE_ID, "Meeting Notes", ids.ROOT_PAGE_ID, ids.CAROL_ID)
    _blocks(
        state,
        ids.MEETING_NOTES_PAGE_ID,
        [
            b("heading_2", "Weekly sync"),
            b("paragraph", "We agreed to keep the sandbox deterministic."),
            b("bulleted_list_item", "Action: Bob writes the client"),
        ],
        ids.CAROL_ID,
    )
    _page(state, ids.SCRATCHPAD_PAGE_ID, "Scratchpad", ids.ROOT_PAGE_ID, alice)
    _page(state, ids.PRIVATE_PAGE_ID, ids.PRIVATE_PAGE_TITLE, None, alice)
    _blocks(state, ids.PRIVATE_PAGE_ID, [b("paragraph", "Secret plans for next year.")], alice)
    _page(
        state,
        ids.OTHER_ROOT_PAGE_ID,
        "Other Corp Wiki",
        None,
        ids.OTHER_PERSON_ID,
        workspace_id=ids.OTHER_WORKSPACE_ID,
    )
    _blocks(
        state, ids.OTHER_ROOT_PAGE_ID, [b("paragraph", "Other Corp only.")], ids.OTHER_PERSON_ID
    )
    _comments_seed(state, quote_id=block_ids[10])


def _comments_seed(state, quote_id: str) -> None:
    for comment_id, parent, discussion, author, text, resolved in (
        (
            ids.COMMENT_ID,
            {"type": "page_id", "page_id": ids.ROOT_PAGE_ID},
            ids.DISCUSSION_ID,
            ids.ALICE_ID,
            "Can we seed more tasks?",
            False,
        ),
        (
            ids.REPLY_COMMENT_ID,
            {"type": "page_id", "page_id": ids.ROOT_PAGE_ID},
            ids.DISCUSSION_ID,
            ids.BOB_ID,
            "300 rows should do.",
            False,
        ),
        (
            None,
            {"type": "page_id", "page_id": ids.MEETING_NOTES_PAGE_ID},
            ids.RESOLVED_DISCUSSION_ID,
            ids.CAROL_ID,
            "Resolved: the sync moved to Tuesdays.",
            True,
        ),
        (
            ids.BLOCK_COMMENT_ID,
            {"type": "block_id", "block_id": quote_id},
            None,
            ids.CAROL_ID,
            "Nice quote.",
            False,
        ),
    ):
        state.clock.advance(minutes=1)
        comment_create(
            state,
            parent=parent,
            discussion_id=discussion,
            rich_text=[text_item(text)],
            actor=author,
            display_name={"type": "user", "resolved_name": state.users[author]["name"]},
            workspace_id=ids.WORKSPACE_ID,
            resolved=resolved,
            object_id=comment_id,
        )


def _tasks_schema() -> dict:
    option = lambda pairs: [{"name": name, "color": color} for name, color in pairs]  # noqa: E731
    return {
        "Name": {"title": {}},
        "Status": {"status": {}},
        "Priority": {"select": {"options": option(_PRIORITIES)}},
        "Tags": {"multi_select": {"options": option(_TAGS)}},
        "Due": {"date": {}},
        "Estimate": {"number": {"format": "number"}},
        "Done": {"checkbox": {}},
        "Owner": {"people": {}},
        "Link": {"url": {}},
        "Email": {"email": {}},
        "Phone": {"phone_number": {}},
        "Notes": {"rich_text": {}},
    }


def _option_id(schema: dict, name: str, value: str) -> str:
    prop = schema[name]
    return next(o["id"] for o in prop[prop["type"]]["options"] if o["name"] == value)


def _row_values(schema: dict, index: int, rng: random.Random) -> dict:
    status = _STATUSES[index % 3]
    due = ids.SEED_EPOCH.date() + timedelta(days=index - 30)
    tags = sorted(rng.sample([name for name, _ in _TAGS], k=index % 3))
    owners = [] if index % 9 == 0 else [ids.PERSON_IDS[index % 3]]
    values = {
        "title": [text_item(f"Task {index + 1:03d}: {_VERBS[index % 8]} {_NOUNS[index % 10]}")],
        "Status": _option_id(schema, "Status", status),
        "Priority": None
        if index % 10 == 9
        else _option_id(schema, "Priority", _PRIORITIES[rng.randrange(3)][0]),
        "Tags": [_option_id(schema, "Tags", tag) for tag in tags],
        "Due": None
        if index % 11 == 0
        else {"start": due.isoformat(), "end": None, "time_zone": None},
        "Estimate": None if index % 17 == 0 else (index % 13) + (0.5 if index % 2 else 0),
        "Done": status == "Done",
        "Owner": owners,
        "Link": None if index % 4 == 0 else f"https://example.com/tasks/{index + 1}",
        "Email": f"owner{index % 3}@acme.example",
        "Phone": f"+1-555-01{index % 100:02d}",
        "Notes": [] if index % 5 == 0 else [text_item(f"Notes for task {index + 1}.")],
    }
    return {
        schema[name]["id"] if name != "title" else "title": value for name, value in values.items()
    }


def _tasks_seed(state) -> None:
    clock = state.clock
    clock.advance(minutes=10)
    database_create(
        state,
        parent={"type": "page_id", "page_id": ids.ROOT_PAGE_ID},
        title=[text_item("Tasks")],
        actor=ids.ALICE_ID,
        workspace_id=ids.WORKSPACE_ID,
        schema_request=_tasks_schema(),
        description=[text_item("Everything the team is doing.")],
        is_inline=True,
        icon={"type": "emoji", "emoji": "✅"},
        object_id=ids.TASKS_DATABASE_ID,
        data_source_id=ids.TASKS_DATA_SOURCE_ID,
    )
    data_source = state.data_sources[ids.TASKS_DATA_SOURCE_ID]
    # Related points back at Tasks itself, so it is added once the data source exists.
    from .schema import schema_prop_make

    data_source["properties"]["Related"] = schema_prop_make(
        ids.TASKS_DATA_SOURCE_ID,
        "Related",
        {"relation": {"data_source_id": ids.TASKS_DATA_SOURCE_ID}},
        "seed",
        lambda _ds: ids.TASKS_DATABASE_ID,
    )
    schema = data_source["properties"]
    parent = {
        "type": "data_source_id",
        "data_source_id": ids.TASKS_DATA_SOURCE_ID,
        "database_id": ids.TASKS_DATABASE_ID,
    }
    rng = random.Random(20260105)
    for index, row_id in enumerate(ids.TASK_ROW_IDS):
        clock.advance(minutes=37)
        page = page_create(
            state,
            parent=parent,
            properties=_row_values(schema, index, rng),
            actor=ids.PERSON_IDS[index % 3],
            workspace_id=ids.WORKSPACE_ID,
            object_id=row_id,
        )
        page["last_edited_time"] = (clock() + timedelta(hours=index % 7)).strftime(
            "%Y-%m-%dT%H:%M:00.000Z"
        )
    related = schema["Related"]["id"]
    state.pages[ids.WIDE_RELATION_ROW_ID]["properties"][related] = list(ids.TASK_ROW_IDS[1:31])
    for index in range(5, ids.TASK_ROW_COUNT, 5):
        state.pages[ids.TASK_ROW_IDS[index]]["properties"][related] = [ids.TASK_ROW_IDS[index - 1]]
    _templates_seed(state, parent, schema)


def _templates_seed(state, parent: dict, schema: dict) -> None:
    for template_id, title, tag, requests in (
        (
            ids.TEMPLATE_PAGE_ID,
            ids.TEMPLATE_PAGE_TITLE,
            "bug",
            [
                b("heading_2", "Steps to reproduce"),
                b("numbered_list_item", "Open the page"),
                b("heading_2", "Expected"),
                b("paragraph", "It works."),
                b("heading_2", "Actual"),
                b("paragraph", "It does not."),
            ],
        ),
        (
            ids.FEATURE_TEMPLATE_PAGE_ID,
            "Feature request template",
            "frontend",
            [
                b("heading_2", "Problem"),
                b("paragraph", "Describe the user's problem."),
            ],
        ),
    ):
        properties = {
            "title": rich_text_normalize([t(title)], "seed"),
            schema["Tags"]["id"]: [_option_id(schema, "Tags", tag)],
        }
        page_create(
            state,
            parent=parent,
            properties=properties,
            actor=ids.ALICE_ID,
            workspace_id=ids.WORKSPACE_ID,
            is_template=True,
            object_id=template_id,
        )
        _blocks(state, template_id, requests, ids.ALICE_ID)
    state.data_sources[ids.TASKS_DATA_SOURCE_ID]["default_template"] = ids.TEMPLATE_PAGE_ID


def content_seed(state) -> None:
    _pages_seed(state)
    _tasks_seed(state)
