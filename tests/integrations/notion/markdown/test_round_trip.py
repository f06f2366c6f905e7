"""Markdown → blocks → Markdown → blocks keeps the block tree and every character of text."""

import pytest
from hypothesis import HealthCheck, given, settings

from integrations.notion.markdown import (
    blocks_to_markdown,
    markdown_to_blocks,
    request_blocks_to_response_shape,
    rich_text_to_plain,
)
from integrations.notion.markdown.rich_text import normalize_rich_text

from .documents import document, notion_blocks
from .test_rich_text import signature

QUICK = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
THOROUGH = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def block_texts(blocks: list[dict]) -> list[str]:
    """Plain text of every text-bearing part, in document order."""
    texts = []
    for block in blocks:
        data = block[block["type"]]
        children = data.get("children", [])
        if block["type"] == "table":
            rows = [row["table_row"]["cells"] for row in children]
            texts += [rich_text_to_plain(cell) for cells in rows for cell in cells]
            continue
        if "rich_text" in data:
            texts.append(rich_text_to_plain(data["rich_text"]))
        if "caption" in data:
            texts.append(rich_text_to_plain(data["caption"]))
        if "expression" in data:
            texts.append(data["expression"])
        texts += block_texts(children)
    return texts


def round_trip(markdown: str) -> tuple[list[dict], str, list[dict]]:
    first = markdown_to_blocks(markdown)
    rendered = blocks_to_markdown(request_blocks_to_response_shape(first))
    return first, rendered, markdown_to_blocks(rendered)


def check_document(doc: tuple[str, list[str]]) -> None:
    markdown, texts = doc
    first, rendered, second = round_trip(markdown)
    assert block_texts(first) == texts, "text lost while parsing"
    normalized = request_blocks_to_response_shape(first)
    assert request_blocks_to_response_shape(second) == normalized, rendered
    assert blocks_to_markdown(request_blocks_to_response_shape(second)) == rendered


def shape(blocks: list[dict]) -> list[dict]:
    """A block tree with each text reduced to what Markdown can carry (see test_rich_text)."""
    shaped = []
    for block in blocks:
        kind = block["type"]
        data = block[kind]
        entry: dict = {"type": kind, "children": shape(data.get("children", []))}
        for key in ("rich_text", "caption"):
            if key in data:
                entry[key] = _text_shape(kind, normalize_rich_text(data[key]))
        for key in ("language", "checked", "expression", "icon", "table_width"):
            if key in data:
                entry[key] = data[key]
        if kind == "table_row":
            entry["cells"] = [
                signature(normalize_rich_text(c), relaxed=True) for c in data["cells"]
            ]
        shaped.append(entry)
    return shaped


def _text_shape(kind: str, items: list[dict]):
    if kind == "code":
        return rich_text_to_plain(items)
    # A heading is one line: its line breaks become plain spaces.
    heading = kind.startswith("heading")
    return [
        (" ", frozenset(), href) if heading and char == "\n" else (char, marks, href)
        for char, marks, href in signature(items, relaxed=True)
    ]


def check_notion_tree(blocks: list[dict]) -> None:
    rendered = blocks_to_markdown(blocks)
    assert shape(markdown_to_blocks(rendered)) == shape(blocks), rendered


@QUICK
@given(document())
def test_generated_documents_round_trip_without_losing_text(doc):
    check_document(doc)


@QUICK
@given(notion_blocks())
def test_notion_block_trees_read_back_from_their_markdown(blocks):
    check_notion_tree(blocks)


@pytest.mark.slow
@THOROUGH
@given(document())
def test_many_generated_documents_round_trip_without_losing_text(doc):
    check_document(doc)


@pytest.mark.slow
@THOROUGH
@given(notion_blocks())
def test_many_notion_block_trees_read_back_from_their_markdown(blocks):
    check_notion_tree(blocks)


@pytest.mark.parametrize(
    "markdown",
    [
        r"2 \* 3 = 6 and a\_b\_c",
        r"use \`backticks\` and \[brackets\]",
        "\\# starts with a hash\n\n\\- starts with a dash",
        "| a \\| b | `x\\|y` |\n| --- | --- |\n| \\*not bold\\* | c |",
        "- item with \\*star\\* and `code`\n  - nested **bold** item",
        "> [!CAUTION]\n> Don't run `rm -rf /`\n>\n> > quoted inside",
        "Unicode: ünïcödé, 日本語, emoji 🎉, math $x_1$",
        "Line one\nline two\n\\> not a quote\n1\\. not a list",
    ],
)
def test_markdown_with_special_characters_round_trips(markdown):
    first, rendered, second = round_trip(markdown)
    assert second == first, rendered


def test_round_trip_is_stable_after_the_first_rendering():
    markdown = "Hello *world*\n\n- [x] done\n\n| h |\n| --- |\n| c |"
    _, rendered, second = round_trip(markdown)
    assert blocks_to_markdown(request_blocks_to_response_shape(second)) == rendered
