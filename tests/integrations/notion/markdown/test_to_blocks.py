"""markdown_to_blocks: each Markdown construct becomes the Notion block a request needs."""

import pytest

from integrations.notion.markdown import markdown_to_blocks


def text(content, *marks, url=None):
    item = {"type": "text", "text": {"content": content}}
    if url:
        item["text"]["link"] = {"url": url}
    if marks:
        item["annotations"] = dict.fromkeys(marks, True)
    return item


def block(kind, **data):
    return {"object": "block", "type": kind, kind: data}


def only(markdown):
    [result] = markdown_to_blocks(markdown)
    return result


@pytest.mark.parametrize(
    ("markdown", "kind"),
    [
        ("# One", "heading_1"),
        ("## Two", "heading_2"),
        ("### Three", "heading_3"),
        ("#### Four", "heading_3"),
        ("###### Six", "heading_3"),
        ("Setext\n===", "heading_1"),
    ],
)
def test_headings_map_to_notion_levels_with_deeper_ones_as_heading_3(markdown, kind):
    assert only(markdown)["type"] == kind


def test_paragraph_inline_formatting_becomes_one_annotated_item_per_run():
    result = only("Say **bold**, *it*, ~~gone~~, `code` and [link](https://x.y/z) ***both***.")
    assert result == block(
        "paragraph",
        rich_text=[
            text("Say "),
            text("bold", "bold"),
            text(", "),
            text("it", "italic"),
            text(", "),
            text("gone", "strikethrough"),
            text(", "),
            text("code", "code"),
            text(" and "),
            text("link", url="https://x.y/z"),
            text(" "),
            text("both", "bold", "italic"),
            text("."),
        ],
    )


def test_formatting_inside_a_link_keeps_both_the_link_and_the_annotation():
    assert only("[**go**](https://x.y)")["paragraph"]["rich_text"] == [
        text("go", "bold", url="https://x.y")
    ]


def test_underline_tags_become_the_underline_annotation():
    assert only("a <u>b</u>")["paragraph"]["rich_text"] == [text("a "), text("b", "underline")]


def test_line_breaks_inside_a_paragraph_become_newlines_in_the_text():
    assert only("one\ntwo  \nthree\\\nfour")["paragraph"]["rich_text"] == [
        text("one\ntwo\nthree\nfour")
    ]


def test_escaped_specials_are_plain_text():
    assert only(r"\*not\* \_em\_ \# \[x\] \| \`")["paragraph"]["rich_text"] == [
        text("*not* _em_ # [x] | `")
    ]


def test_nested_bulleted_and_numbered_lists_become_children():
    result = markdown_to_blocks("- a\n  1. b\n  2. c\n- d")
    assert result == [
        block(
            "bulleted_list_item",
            rich_text=[text("a")],
            children=[
                block("numbered_list_item", rich_text=[text("b")]),
                block("numbered_list_item", rich_text=[text("c")]),
            ],
        ),
        block("bulleted_list_item", rich_text=[text("d")]),
    ]


def test_task_items_become_to_dos_with_checked_state_and_children():
    result = markdown_to_blocks("- [ ] open\n- [x] done\n  - detail")
    assert result == [
        block("to_do", rich_text=[text("open")], checked=False),
        block(
            "to_do",
            rich_text=[text("done")],
            checked=True,
            children=[block("bulleted_list_item", rich_text=[text("detail")])],
        ),
    ]


def test_list_item_paragraphs_after_the_first_become_children():
    result = only("- first\n\n  second")
    assert result["bulleted_list_item"]["rich_text"] == [text("first")]
    assert result["bulleted_list_item"]["children"] == [
        block("paragraph", rich_text=[text("second")])
    ]


def test_block_quote_becomes_a_quote_with_later_blocks_as_children():
    result = only("> said *this*\n>\n> - and that")
    assert result == block(
        "quote",
        rich_text=[text("said "), text("this", "italic")],
        children=[block("bulleted_list_item", rich_text=[text("and that")])],
    )


@pytest.mark.parametrize(
    ("kind", "emoji"),
    [
        ("NOTE", "\u2139\ufe0f"),
        ("TIP", "💡"),
        ("IMPORTANT", "❗"),
        ("WARNING", "⚠️"),
        ("CAUTION", "🚫"),
    ],
)
def test_github_alerts_become_callouts_with_an_emoji_icon(kind, emoji):
    expected = block(
        "callout", rich_text=[text("Mind the gap")], icon={"type": "emoji", "emoji": emoji}
    )
    assert only(f"> [!{kind}] Mind the gap") == expected
    assert only(f"> [!{kind.lower()}]\n> Mind the gap") == expected


def test_callout_keeps_later_paragraphs_as_children():
    result = only("> [!TIP]\n> First\n>\n> Second")
    assert result["callout"]["rich_text"] == [text("First")]
    assert result["callout"]["children"] == [block("paragraph", rich_text=[text("Second")])]


def test_escaped_alert_marker_stays_a_quote():
    assert only(r"> \[!NOTE] not a callout")["type"] == "quote"


@pytest.mark.parametrize(
    ("info", "language"),
    [
        ("python", "python"),
        ("py", "python"),
        ("js", "javascript"),
        ("ts", "typescript"),
        ("bash", "bash"),
        ("sh", "shell"),
        ("json", "json"),
        ("yml", "yaml"),
        ("sql", "sql"),
        ("html", "html"),
        ("css", "css"),
        ("go", "go"),
        ("rust", "rust"),
        ("java", "java"),
        ("c", "c"),
        ("cpp", "c++"),
        ("c++", "c++"),
        ("markdown", "markdown"),
        ("", "plain text"),
        ("klingon", "plain text"),
        ('python title="x.py"', "python"),
    ],
)
def test_fenced_code_maps_its_language_to_notions_names(info, language):
    assert only(f"```{info}\nx = 1\n```") == block(
        "code", rich_text=[text("x = 1")], language=language
    )


def test_code_keeps_its_content_verbatim_without_markdown_parsing():
    content = "# not a heading\n  *not em*\n\n| not | table |"
    assert only(f"````\n{content}\n````")["code"]["rich_text"] == [text(content)]


def test_thematic_break_becomes_a_divider():
    assert only("***") == block("divider")


def test_gfm_table_becomes_a_table_with_header_and_rows():
    result = only("| a | *b* |\n|---|---|\n| 1 | x \\| y |\n| 3 |")
    assert result["table"]["table_width"] == 2
    assert result["table"]["has_column_header"] is True
    rows = [row["table_row"]["cells"] for row in result["table"]["children"]]
    assert rows == [
        [[text("a")], [text("b", "italic")]],
        [[text("1")], [text("x | y")]],
        [[text("3")], []],
    ]


def test_image_becomes_an_external_image_block_with_its_alt_text_as_caption():
    assert only("![A *cat*](https://x.y/cat.png)") == block(
        "image",
        type="external",
        external={"url": "https://x.y/cat.png"},
        caption=[text("A "), text("cat", "italic")],
    )


def test_images_inside_text_split_the_paragraph_around_them():
    kinds = [b["type"] for b in markdown_to_blocks("before ![i](https://x.y/i.png) after")]
    assert kinds == ["paragraph", "image", "paragraph"]


def test_details_element_becomes_a_toggle_with_its_content_as_children():
    result = only("<details>\n<summary>More *info*</summary>\n\nHidden\n\n- item\n\n</details>")
    assert result == block(
        "toggle",
        rich_text=[text("More "), text("info", "italic")],
        children=[
            block("paragraph", rich_text=[text("Hidden")]),
            block("bulleted_list_item", rich_text=[text("item")]),
        ],
    )


def test_nested_details_become_nested_toggles():
    markdown = (
        "<details>\n<summary>outer</summary>\n\n<details>\n<summary>inner</summary>\n\n"
        "deep\n\n</details>\n\n</details>\n\nafter"
    )
    outer, after = markdown_to_blocks(markdown)
    [inner] = outer["toggle"]["children"]
    assert inner["toggle"]["rich_text"] == [text("inner")]
    assert inner["toggle"]["children"] == [block("paragraph", rich_text=[text("deep")])]
    assert after["paragraph"]["rich_text"] == [text("after")]


def test_display_math_becomes_an_equation_and_inline_math_an_equation_item():
    assert only("$$\nE = mc^2\n$$") == block("equation", expression="E = mc^2")
    assert only("so $a+b$ holds")["paragraph"]["rich_text"][1] == {
        "type": "equation",
        "equation": {"expression": "a+b"},
    }


def test_dollar_amounts_are_not_math():
    assert only("from $5 to $10")["paragraph"]["rich_text"] == [text("from $5 to $10")]


def test_html_comments_are_dropped_and_other_html_is_kept_as_text():
    assert markdown_to_blocks("<!-- unsupported block: pdf -->") == []
    assert only("<div>raw</div>") == block("paragraph", rich_text=[text("<div>raw</div>")])


def test_empty_document_has_no_blocks():
    assert markdown_to_blocks("") == []
    assert markdown_to_blocks("\n\n   \n") == []
