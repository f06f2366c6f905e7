"""Markdown written with notion_create_page and read back with notion_get_page means the same
thing, for every construct the tools support (property-based, against the sandbox)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.notion.markdown import markdown_to_blocks
from integrations.notion.markdown.rich_text import merge_runs, rich_text_to_runs
from integrations.notion.sandbox import seed as ids

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789", min_size=1, max_size=8)
PUNCT = st.sampled_from(["", "", ".", ",", "!", "?", ":"])
LANGUAGES = st.sampled_from(["python", "sql", "javascript", "bash", "json", ""])
CALLOUTS = st.sampled_from(["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"])


@st.composite
def words(draw, max_words: int = 4) -> str:
    parts = draw(st.lists(WORD, min_size=1, max_size=max_words))
    return " ".join(parts) + draw(PUNCT)


@st.composite
def inline(draw) -> str:
    """A line of text with bold, italic, strikethrough, code and link runs."""
    runs = []
    for _ in range(draw(st.integers(1, 4))):
        text = draw(words())
        style = draw(
            st.sampled_from(["plain", "plain", "bold", "italic", "strike", "code", "link", "bi"])
        )
        if style == "bold":
            text = f"**{text}**"
        elif style == "italic":
            text = f"*{text}*"
        elif style == "strike":
            text = f"~~{text}~~"
        elif style == "code":
            text = f"`{text}`"
        elif style == "bi":
            text = f"***{text}***"
        elif style == "link":
            path = draw(WORD)
            text = f"[{text}](https://example.com/{path})"
        runs.append(text)
    return " ".join(runs)


def _list(draw, kind: str, depth: int) -> str:
    lines = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        marker = {"bullet": "- ", "number": f"{number}. "}.get(kind)
        if kind == "todo":
            marker = "- [x] " if draw(st.booleans()) else "- [ ] "
        lines.append(marker + draw(inline()))
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            nested_kind = draw(st.sampled_from(["bullet", "number", "todo"]))
            indent = " " * (3 if kind == "number" else 2)
            nested = _list(draw, nested_kind, depth + 1)
            lines.extend(indent + line for line in nested.split("\n"))
    return "\n".join(lines)


@st.composite
def block(draw) -> str:
    kind = draw(
        st.sampled_from(
            [
                "heading",
                "paragraph",
                "paragraph",
                "bullet",
                "number",
                "todo",
                "quote",
                "code",
                "divider",
                "table",
                "callout",
            ]
        )
    )
    if kind == "heading":
        return "#" * draw(st.integers(1, 3)) + " " + draw(inline())
    if kind == "paragraph":
        return draw(inline())
    if kind in ("bullet", "number", "todo"):
        return _list(draw, kind, 0)
    if kind == "quote":
        return "> " + draw(inline())
    if kind == "code":
        lines = draw(st.lists(words(6), min_size=1, max_size=4))
        return f"```{draw(LANGUAGES)}\n" + "\n".join(lines) + "\n```"
    if kind == "divider":
        return "---"
    if kind == "table":
        width = draw(st.integers(1, 3))
        rows = [[draw(inline()) for _ in range(width)] for _ in range(draw(st.integers(2, 4)))]
        lines = ["| " + " | ".join(row) + " |" for row in rows]
        lines.insert(1, "| " + " | ".join(["---"] * width) + " |")
        return "\n".join(lines)
    return f"> [!{draw(CALLOUTS)}]\n> " + draw(inline())


documents = st.lists(block(), min_size=1, max_size=12).map("\n\n".join)


def meaning(markdown: str) -> list:
    """What a reader sees: block types, text runs with formatting and links, checkboxes,
    code languages, table cells and callout icons, nested as written."""
    return [_block_meaning(b) for b in markdown_to_blocks(markdown)]


def _runs(items) -> list:
    return [
        (r.text, tuple(sorted(r.marks)), r.href, r.kind)
        for r in merge_runs(rich_text_to_runs(items))
    ]


def _block_meaning(block: dict) -> tuple:
    kind = block["type"]
    data = block.get(kind) or {}
    extra = {
        "checked": data.get("checked"),
        "language": data.get("language"),
        "icon": (data.get("icon") or {}).get("emoji"),
    }
    if kind == "table":
        extra["rows"] = [
            [_runs(cell) for cell in row["table_row"]["cells"]] for row in data.get("children", [])
        ]
        children = []
    else:
        children = [_block_meaning(child) for child in data.get("children") or []]
    return kind, _runs(data.get("rich_text")), tuple(sorted(extra.items(), key=str)), children


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(document=documents)
def test_markdown_survives_a_write_and_a_read(call, document):
    page = call(
        "notion_create_page",
        {"parent_id": ids.ROOT_PAGE_ID, "title": "Round trip", "markdown": document},
    )
    back = call("notion_get_page", {"page_id": page["id"], "max_chars": 100_000})
    assert back["has_more"] is False
    assert meaning(back["markdown"]) == meaning(document)


def test_every_construct_survives_a_write_and_a_read(call, notion_sandbox):
    document = "\n\n".join(
        [
            "# One",
            "## Two",
            "### Three",
            "Plain **bold** *italic* ~~gone~~ `code` [link](https://example.com/a) ***both***",
            "- bullet\n  - nested bullet\n    1. nested number",
            "1. first\n2. second\n   - [x] done inside",
            "- [ ] open\n- [x] closed",
            "> a quote with **bold**",
            "```python\ndef f():\n    return 1\n```",
            "---",
            "| h1 | h2 |\n| --- | --- |\n| a | **b** |",
            "> [!WARNING]\n> careful now",
        ]
    )
    page = call(
        "notion_create_page", {"parent_id": ids.ROOT_PAGE_ID, "title": "All", "markdown": document}
    )
    stored = [b["type"] for b in notion_sandbox.state.children(page["id"])]
    assert stored == [
        "heading_1",
        "heading_2",
        "heading_3",
        "paragraph",
        "bulleted_list_item",
        "numbered_list_item",
        "numbered_list_item",
        "to_do",
        "to_do",
        "quote",
        "code",
        "divider",
        "table",
        "callout",
    ]
    back = call("notion_get_page", {"page_id": page["id"]})
    assert meaning(back["markdown"]) == meaning(document)
    assert back["markdown"] == document
