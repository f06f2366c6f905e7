"""Rich text: plain text, shapes, and inline Markdown that reads back to the same formatting."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrations.notion.markdown import (
    markdown_to_blocks,
    plain_to_rich_text,
    rich_text_to_markdown,
    rich_text_to_plain,
)
from integrations.notion.markdown.rich_text import normalize_rich_text

MARKS = ("bold", "italic", "strikethrough", "underline", "code")


def item(content, *marks, href=None):
    """A response-shaped text item, as Notion returns it."""
    return normalize_rich_text(
        [
            {
                "type": "text",
                "text": {"content": content, "link": {"url": href} if href else None},
                "annotations": dict.fromkeys(marks, True),
            }
        ]
    )[0]


def paragraph_text(markdown):
    [block] = markdown_to_blocks(markdown)
    assert block["type"] == "paragraph"
    return block["paragraph"]["rich_text"]


def signature(items, *, relaxed=False):
    """(character, annotations, link) per character; `relaxed` ignores the formatting of
    whitespace, which Markdown cannot express at the edge of a formatted stretch."""
    chars = []
    for rich in normalize_rich_text(items):
        marks = frozenset(m for m in MARKS if rich["annotations"][m])
        for char in rich["plain_text"]:
            kept = marks
            if relaxed and char.isspace():
                kept = marks & {"code"} if char not in "\r\n" else frozenset()
            chars.append((char, kept, rich["href"]))
    return chars


def test_plain_text_joins_every_item_and_ignores_formatting():
    items = [item("Hello "), item("world", "bold"), {"type": "equation", "plain_text": "x^2"}]
    assert rich_text_to_plain(items) == "Hello worldx^2"


def test_plain_text_reads_request_shaped_items_too():
    assert (
        rich_text_to_plain([{"text": {"content": "a"}}, {"type": "text", "text": {"content": "b"}}])
        == "ab"
    )


def test_plain_to_rich_text_is_one_request_item_and_empty_for_empty_text():
    assert plain_to_rich_text("x * y") == [{"type": "text", "text": {"content": "x * y"}}]
    assert plain_to_rich_text("") == []


def test_long_text_is_not_split_here():
    long = "a" * 5000
    assert plain_to_rich_text(long)[0]["text"]["content"] == long
    assert paragraph_text(long)[0]["text"]["content"] == long


def test_normalized_items_carry_plain_text_href_and_every_annotation():
    [full] = normalize_rich_text([{"text": {"content": "hi", "link": {"url": "https://x.y"}}}])
    assert full == {
        "type": "text",
        "text": {"content": "hi", "link": {"url": "https://x.y"}},
        "annotations": {
            "bold": False,
            "italic": False,
            "strikethrough": False,
            "underline": False,
            "code": False,
            "color": "default",
        },
        "plain_text": "hi",
        "href": "https://x.y",
    }


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        (("bold",), "**word**"),
        (("italic",), "*word*"),
        (("strikethrough",), "~~word~~"),
        (("code",), "`word`"),
        (("underline",), "<u>word</u>"),
        (("bold", "italic"), "***word***"),
        (("bold", "code"), "**`word`**"),
    ],
)
def test_annotations_render_as_markdown_delimiters(marks, expected):
    assert rich_text_to_markdown([item("word", *marks)]) == expected


def test_links_render_with_their_text_and_url():
    assert rich_text_to_markdown([item("site", href="https://x.y/a")]) == "[site](https://x.y/a)"


def test_link_urls_with_spaces_or_parentheses_use_angle_brackets():
    markdown = rich_text_to_markdown([item("w", href="https://x.y/a (b)")])
    assert markdown == "[w](<https://x.y/a (b)>)"
    assert paragraph_text(markdown)[0]["text"]["link"]["url"] == "https://x.y/a%20(b)"


def test_mentions_render_as_their_plain_text():
    mention = {
        "type": "mention",
        "mention": {"type": "user", "user": {"id": "u1"}},
        "plain_text": "@Ada *Lovelace*",
        "href": None,
    }
    assert rich_text_to_markdown([mention]) == "@Ada \\*Lovelace\\*"


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("2 * 3 * 4", "2 \\* 3 \\* 4"),
        ("snake_case_name", "snake\\_case\\_name"),
        ("use `ls`", "use \\`ls\\`"),
        ("[not a link](x)", "\\[not a link\\](x)"),
        ("# not a heading", "\\# not a heading"),
        ("C# is fine", "C# is fine"),
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("> not a quote", "\\> not a quote"),
        ("a | b", "a \\| b"),
        ("<b>not html</b>", "\\<b>not html\\</b>"),
        ("&amp; stays", "\\&amp; stays"),
        ("R&D", "R&D"),
        ("$5 and $x$", "\\$5 and \\$x\\$"),
        ("~~no~~", "\\~\\~no\\~\\~"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_markdown_specials_in_plain_text_are_escaped_and_read_back(text, markdown):
    rendered = rich_text_to_markdown([item(text)])
    assert rendered == markdown
    assert rich_text_to_plain(paragraph_text(rendered)) == text


def test_line_breaks_become_source_line_breaks():
    assert rich_text_to_markdown([item("one\ntwo")]) == "one\ntwo"
    assert rich_text_to_plain(paragraph_text("one\ntwo")) == "one\ntwo"


def test_empty_lines_and_edge_whitespace_are_kept_with_character_references():
    text = "  indented\n\nlast line \n"
    rendered = rich_text_to_markdown([item(text)])
    assert "\n\n" not in rendered
    assert rich_text_to_plain(paragraph_text(rendered)) == text


def test_heading_context_escapes_hashes_and_flattens_line_breaks():
    assert (
        rich_text_to_markdown([item("Step #1\nnext #")], context="heading") == "Step \\#1 next \\#"
    )


def test_table_context_writes_line_breaks_as_br_and_escapes_pipes_in_code():
    rendered = rich_text_to_markdown([item("a\nb "), item("x|y", "code")], context="table")
    assert rendered == "a<br>b `x\\|y`"


def test_whitespace_at_the_edge_of_bold_moves_outside_the_delimiters():
    assert rich_text_to_markdown([item("a"), item(" b ", "bold"), item("c")]) == "a **b** c"


def test_adjacent_formatting_nests_instead_of_clashing():
    items = [item("bold ", "bold"), item("both", "bold", "italic"), item(" bold", "bold")]
    rendered = rich_text_to_markdown(items)
    assert rendered == "**bold *both* bold**"
    assert signature(paragraph_text(rendered)) == signature(items)


def test_formatting_that_delimiters_cannot_express_falls_back_to_html_tags():
    # "x**(y)**" is not bold in CommonMark: ** after a letter cannot open before "(".
    items = [item("x"), item("(y)", "bold"), item("z")]
    rendered = rich_text_to_markdown(items)
    assert rendered == "x<strong>(y)</strong>z"
    assert signature(paragraph_text(rendered)) == signature(items)


def test_code_with_backticks_uses_a_longer_fence():
    rendered = rich_text_to_markdown([item("a `b` c", "code")])
    assert rendered == "``a `b` c``"
    assert paragraph_text(rendered)[0]["text"]["content"] == "a `b` c"


def test_inline_equations_render_between_dollars():
    equation = {"type": "equation", "equation": {"expression": "E=mc^2"}, "plain_text": "E=mc^2"}
    rendered = rich_text_to_markdown([item("see "), equation])
    assert rendered == "see $E=mc^2$"
    assert paragraph_text(rendered)[1] == {"type": "equation", "equation": {"expression": "E=mc^2"}}


_text = st.lists(
    st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc")),
        st.sampled_from([*"\n\t \r\u00a0*_`[]#|\\<>&~$!-+=.()1", "&amp;", "**", "<u>", "1. "]),
    ),
    max_size=8,
).map("".join)
_marks = st.frozensets(st.sampled_from(MARKS))
_href = st.sampled_from([None, None, "https://example.com/a_b", "http://x.y/p?q=1&r=2"])
_items = st.lists(st.builds(lambda t, m, h: item(t, *m, href=h), _text, _marks, _href), max_size=6)


@settings(max_examples=300, deadline=None)
@given(_items)
def test_any_rich_text_reads_back_with_the_same_text_and_formatting(items):
    rendered = rich_text_to_markdown(items)
    parsed = paragraph_text(rendered) if rendered else []
    assert signature(parsed, relaxed=True) == signature(items, relaxed=True), rendered


@settings(max_examples=200, deadline=None)
@given(_items)
def test_any_rich_text_reads_back_the_same_in_a_table_cell(items):
    rendered = rich_text_to_markdown(items, context="table")
    [table] = markdown_to_blocks(f"| {rendered} |\n| --- |")
    [cell] = table["table"]["children"][0]["table_row"]["cells"]
    assert signature(cell, relaxed=True) == signature(items, relaxed=True), rendered
