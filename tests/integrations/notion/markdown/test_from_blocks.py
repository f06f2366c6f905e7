"""blocks_to_markdown: blocks as Notion returns them, rendered as readable Markdown."""

import json

import pytest
import yaml

from integrations.notion.markdown import (
    blocks_to_markdown,
    markdown_to_blocks,
    request_blocks_to_response_shape,
    rich_text_to_plain,
)
from tests.recordings import RECORDED

from .documents import text_item

PAGE_ID = "393abc1e-edcd-81c3-a7e3-f719e1e1ec4b"


def response_block(kind, *, children=None, block_id="b1", **data):
    """A block shaped like GET /blocks/{id}/children returns it."""
    return {
        "object": "block",
        "id": block_id,
        "type": kind,
        "has_children": bool(children),
        "in_trash": False,
        kind: data,
        **({"children": children} if children else {}),
    }


def para(content, **kwargs):
    return response_block("paragraph", rich_text=[text_item(content)], color="default", **kwargs)


def render(markdown):
    return blocks_to_markdown(request_blocks_to_response_shape(markdown_to_blocks(markdown)))


@pytest.mark.parametrize(
    "markdown",
    [
        "# One",
        "## Two",
        "### Three",
        "Plain **bold** *italic* ~~strike~~ `code` [link](https://x.y/)",
        "- a\n- b\n  - nested",
        "1. one\n2. two\n   1. inner",
        "- [ ] open\n- [x] done",
        "> quoted\n>\n> - with a list",
        "> [!WARNING]\n> Careful",
        "```python\nprint(1)\n```",
        "---",
        "| a | b |\n| --- | --- |\n| 1 | 2 |",
        "![cat](https://x.y/cat.png)",
        "<details>\n<summary>Title</summary>\n\nInside\n\n</details>",
        "$$\nx^2\n$$",
    ],
)
def test_canonical_markdown_renders_back_to_itself(markdown):
    assert render(markdown) == markdown


def test_callout_written_on_one_line_renders_in_github_form():
    assert render("> [!TIP] Use the API") == "> [!TIP]\n> Use the API"


def test_children_attached_at_the_block_top_level_are_rendered():
    item = response_block(
        "bulleted_list_item", rich_text=[text_item("parent")], children=[para("child")]
    )
    assert blocks_to_markdown([item]) == "- parent\n\n  child"


def test_children_attached_under_the_type_are_rendered():
    item = response_block("toggle", rich_text=[text_item("More")], children=None, block_id="t1") | {
        "has_children": True
    }
    item["toggle"]["children"] = [para("hidden")]
    assert blocks_to_markdown([item]) == (
        "<details>\n<summary>More</summary>\n\nhidden\n\n</details>"
    )


def test_children_not_fetched_leave_a_readable_note_naming_the_block():
    item = response_block("toggle", rich_text=[text_item("More")], block_id="t1")
    item["has_children"] = True
    rendered = blocks_to_markdown([item])
    assert "<!-- children not fetched: block t1 -->" in rendered
    assert markdown_to_blocks(rendered)[0]["toggle"].get("children") is None


def test_numbered_items_count_up_and_nest_under_their_marker_width():
    items = [
        response_block("numbered_list_item", rich_text=[text_item(f"n{i}")]) for i in range(10)
    ]
    items[-1]["children"] = [response_block("numbered_list_item", rich_text=[text_item("x")])]
    items[-1]["has_children"] = True
    rendered = blocks_to_markdown(items)
    assert rendered.splitlines()[-2:] == ["10. n9", "    1. x"]


def test_multiline_list_text_is_indented_under_its_item():
    item = response_block("bulleted_list_item", rich_text=[text_item("one\ntwo")])
    assert blocks_to_markdown([item]) == "- one\n  two"


def test_child_page_and_database_render_as_notion_links():
    page = response_block("child_page", title="Roadmap", block_id=PAGE_ID)
    database = response_block("child_database", title="Tasks_2026", block_id=PAGE_ID)
    assert blocks_to_markdown([page, database]) == (
        "[📄 Roadmap](https://www.notion.so/393abc1eedcd81c3a7e3f719e1e1ec4b)\n\n"
        "[🗃️ Tasks\\_2026](https://www.notion.so/393abc1eedcd81c3a7e3f719e1e1ec4b)"
    )


@pytest.mark.parametrize("kind", ["bookmark", "embed", "link_preview"])
def test_bookmarks_and_embeds_render_as_links(kind):
    with_caption = response_block(kind, url="https://x.y/a", caption=[text_item("Docs")])
    bare = response_block(kind, url="https://x.y/a", caption=[])
    assert blocks_to_markdown([with_caption]) == "[Docs](https://x.y/a)"
    assert blocks_to_markdown([bare]) == "[https://x.y/a](https://x.y/a)"


def test_notion_hosted_image_renders_with_caption_and_url():
    image = response_block(
        "image",
        type="file",
        file={"url": "https://files.notion.so/a.png?x=1", "expiry_time": "2026-01-01T00:00:00Z"},
        caption=[text_item("Chart")],
    )
    assert blocks_to_markdown([image]) == "![Chart](https://files.notion.so/a.png?x=1)"


def test_files_render_as_links_named_after_the_file():
    pdf = response_block(
        "pdf", type="external", external={"url": "https://x.y/r.pdf"}, name="r.pdf"
    )
    assert blocks_to_markdown([pdf]) == "[r.pdf](https://x.y/r.pdf)"


def test_equation_renders_as_display_math():
    assert blocks_to_markdown([response_block("equation", expression="a^2+b^2")]) == (
        "$$\na^2+b^2\n$$"
    )


def test_unsupported_blocks_render_as_a_comment_naming_the_type():
    blocks = [response_block("unsupported"), response_block("breadcrumb")]
    assert blocks_to_markdown(blocks) == (
        "<!-- unsupported block: unsupported -->\n\n<!-- unsupported block: breadcrumb -->"
    )


def test_callout_with_an_unknown_icon_renders_as_a_note():
    callout = response_block(
        "callout", rich_text=[text_item("Hi")], icon={"type": "emoji", "emoji": "🦄"}
    )
    assert blocks_to_markdown([callout]) == "> [!NOTE]\n> Hi"


def test_callout_emoji_without_variation_selector_still_maps_to_its_kind():
    callout = response_block(
        "callout", rich_text=[text_item("x")], icon={"type": "emoji", "emoji": "⚠"}
    )
    assert blocks_to_markdown([callout]).startswith("> [!WARNING]")


def test_code_with_backtick_fences_inside_gets_a_longer_fence():
    code = response_block("code", rich_text=[text_item("```\ninner\n```")], language="markdown")
    rendered = blocks_to_markdown([code])
    assert rendered == "````markdown\n```\ninner\n```\n````"
    assert markdown_to_blocks(rendered)[0]["code"]["rich_text"][0]["text"]["content"] == (
        "```\ninner\n```"
    )


@pytest.mark.parametrize(
    ("language", "info"),
    [("plain text", ""), ("c++", "c++"), ("visual basic", "vb"), ("shell", "shell")],
)
def test_code_languages_render_as_info_strings_that_read_back(language, info):
    code = response_block("code", rich_text=[text_item("x")], language=language)
    rendered = blocks_to_markdown([code])
    assert rendered.splitlines()[0] == f"```{info}"
    assert markdown_to_blocks(rendered)[0]["code"]["language"] == language


def test_table_cells_escape_pipes_and_write_line_breaks_as_br():
    row = response_block("table_row", cells=[[text_item("a|b")], [text_item("1\n2")]])
    table = response_block("table", table_width=2, has_column_header=False, children=[row])
    assert blocks_to_markdown([table]) == "| a\\|b | 1<br>2 |\n| --- | --- |"


def test_table_without_fetched_rows_leaves_a_note():
    table = response_block("table", table_width=2, block_id="t9") | {"has_children": True}
    assert blocks_to_markdown([table]) == "<!-- children not fetched: block t9 -->"


def test_empty_paragraphs_are_skipped():
    empty = response_block("paragraph", rich_text=[])
    assert blocks_to_markdown([para("a"), empty, para("b")]) == "a\n\nb"


def test_columns_render_their_content_in_order():
    column = response_block("column", children=[para("left")])
    other = response_block("column", children=[para("right")])
    columns = response_block("column_list", children=[column, other])
    assert blocks_to_markdown([columns]) == "left\n\nright"


def test_indent_prefixes_every_non_empty_line():
    assert blocks_to_markdown([para("a"), para("b")], indent="  ") == "  a\n\n  b"


def test_list_item_starting_with_a_hash_or_bracket_stays_a_list_item():
    items = [
        response_block("bulleted_list_item", rich_text=[text_item("# tag")]),
        response_block("bulleted_list_item", rich_text=[text_item("[ ] not a task")]),
    ]
    rendered = blocks_to_markdown(items)
    assert rendered == "- \\# tag\n- \\[ \\] not a task"
    assert [b["type"] for b in markdown_to_blocks(rendered)] == ["bulleted_list_item"] * 2


def recorded_blocks() -> list[dict]:
    """Every block object in the real responses recorded from the Notion API."""
    blocks = []
    for path in sorted(RECORDED.glob("*.yaml")):
        for interaction in yaml.safe_load(path.read_text())["interactions"]:
            try:
                body = json.loads(interaction["response"]["body"]["string"])
            except (ValueError, TypeError):
                continue
            found = body.get("results", [body]) if isinstance(body, dict) else []
            blocks += [b for b in found if isinstance(b, dict) and b.get("object") == "block"]
    return blocks


def test_blocks_recorded_from_the_real_api_render_and_keep_their_text():
    blocks = recorded_blocks()
    assert blocks, "the recorded responses hold block objects"
    for block in blocks:
        rendered = blocks_to_markdown([block])
        kind = block["type"]
        if "rich_text" in block[kind]:
            [parsed] = markdown_to_blocks(rendered)
            assert parsed["type"] == kind
            assert rich_text_to_plain(parsed[kind]["rich_text"]) == rich_text_to_plain(
                block[kind]["rich_text"]
            )


def test_request_blocks_are_copied_into_the_response_shape():
    markdown = "- **a**\n  - b\n\n| c |\n| --- |"
    blocks = markdown_to_blocks(markdown)
    shaped = request_blocks_to_response_shape(blocks)
    item = shaped[0]
    assert item["has_children"] is True
    [bold] = item["bulleted_list_item"]["rich_text"]
    assert bold["plain_text"] == "a"
    assert bold["href"] is None
    assert bold["annotations"] == {
        "bold": True,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "code": False,
        "color": "default",
    }
    [child] = item["bulleted_list_item"]["children"]
    assert child["has_children"] is False
    assert child["bulleted_list_item"]["rich_text"][0]["plain_text"] == "b"
    [[cell]] = shaped[1]["table"]["children"][0]["table_row"]["cells"]
    assert cell["plain_text"] == "c"
    assert blocks == markdown_to_blocks(markdown), "the request blocks are left untouched"
