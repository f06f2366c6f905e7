"""Hypothesis strategies for Markdown documents whose text content is known in advance.

Each strategy yields (markdown, texts): `texts` lists, in document order, the plain text each
block should carry. The Markdown is written here with its own escaping (every ASCII
punctuation character gets a backslash, which CommonMark always allows), independently of
the code under test.
"""

from __future__ import annotations

import re
import string

from hypothesis import strategies as st

NASTY = [*"*_`[]#|\\<>&~$!-+=.():;'\"{}^%@/", "&amp;", "&#32;", "[!NOTE]", "1.", "<u>"]
URLS = [
    "https://example.com/a_b*c",
    "http://x.y/p?q=1&r=2",
    "https://e.com/(x)",
    "https://例え.jp/パス",
    "mailto:someone@example.com",
]
LANGUAGES = ["python", "js", "bash", "", "json", "yaml", "sql", "html", "c++", "cobol-ish"]

_chars = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))
# Text without edge whitespace (Markdown trims it) and without line breaks.
text = (
    st.lists(st.one_of(st.text(_chars, min_size=1, max_size=6), st.sampled_from(NASTY)), max_size=5)
    .map(lambda parts: " ".join(parts).strip())
    .filter(bool)
)


def escape(value: str) -> str:
    return "".join("\\" + char if char in string.punctuation else char for char in value)


def _longest_backticks(value: str) -> int:
    return max((len(run) for run in re.findall("`+", value)), default=0)


def code_span(value: str, *, in_table: bool = False) -> str:
    if in_table:
        value = value.replace("|", "\\|")
    fence = "`" * (_longest_backticks(value) + 1)
    return f"{fence} {value} {fence}"


@st.composite
def inline(draw, *, in_table: bool = False) -> tuple[str, str]:
    """(markdown, plain text) of a few inline runs separated by spaces."""
    markdown, plain = [], []
    for _ in range(draw(st.integers(1, 4))):
        style = draw(
            st.sampled_from(
                ["plain", "bold", "italic", "both", "strike", "code", "link", "math", "bold_link"]
            )
        )
        value = draw(text)
        if style == "math":
            value = draw(st.from_regex(r"[a-z][a-z0-9^+=]{0,5}[a-z]", fullmatch=True))
        written = {
            "plain": lambda v: escape(v),
            "bold": lambda v: f"**{escape(v)}**",
            "italic": lambda v: f"*{escape(v)}*",
            "both": lambda v: f"***{escape(v)}***",
            "strike": lambda v: f"~~{escape(v)}~~",
            "code": lambda v: code_span(v, in_table=in_table),
            "link": lambda v: f"[{escape(v)}](<{draw(st.sampled_from(URLS))}>)",
            "math": lambda v: f"${v}$",
            "bold_link": lambda v: f"**[{escape(v)}](<{draw(st.sampled_from(URLS))}>)**",
        }[style](value)
        markdown.append(written)
        plain.append(value)
    return " ".join(markdown), " ".join(plain)


def _indent(markdown: str, width: int) -> str:
    return "\n".join(" " * width + line if line else line for line in markdown.split("\n"))


@st.composite
def list_block(draw, depth: int = 0) -> tuple[str, list[str]]:
    kind = draw(st.sampled_from(["bullet", "number", "todo"]))
    lines, texts = [], []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        marker = {"bullet": "- ", "number": f"{number}. "}.get(kind) or draw(
            st.sampled_from(["- [ ] ", "- [x] "])
        )
        width = 2 if kind != "number" else len(marker)
        body, plain = draw(inline())
        item, item_texts = marker + body, [plain]
        if depth < 2 and draw(st.booleans()):
            nested, nested_texts = draw(list_block(depth + 1))
            item += "\n" + _indent(nested, width)
            item_texts += nested_texts
        lines.append(item)
        texts += item_texts
    return "\n".join(lines), texts


@st.composite
def table(draw) -> tuple[str, list[str]]:
    width, height = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    rows, texts = [], []
    for _ in range(height):
        cells = [draw(st.one_of(st.just(("", "")), inline(in_table=True))) for _ in range(width)]
        rows.append("| " + " | ".join(cell[0] for cell in cells) + " |")
        texts += [cell[1] for cell in cells]
    rows.insert(1, "| " + " | ".join(["---"] * width) + " |")
    return "\n".join(rows), texts


@st.composite
def code_block(draw) -> tuple[str, list[str]]:
    lines = draw(st.lists(st.text(_chars, max_size=12), min_size=0, max_size=4))
    content = "\n".join(line.rstrip() for line in lines)
    fence = "`" * max(3, _longest_backticks(content) + 1)
    return f"{fence}{draw(st.sampled_from(LANGUAGES))}\n{content}\n{fence}", [content]


@st.composite
def simple_block(draw) -> tuple[str, list[str]]:
    kind = draw(
        st.sampled_from(
            ["paragraph", "heading", "quote", "callout", "callout_github", "divider", "image"]
        )
    )
    if kind == "divider":
        return "---", []
    if kind == "image":
        alt = draw(text)
        return f"![{escape(alt)}](<{draw(st.sampled_from(URLS))}>)", [alt]
    markdown, plain = draw(inline())
    if kind == "heading":
        return "#" * draw(st.integers(1, 6)) + " " + markdown, [plain]
    if kind == "quote":
        return "> " + markdown, [plain]
    alert = draw(st.sampled_from(["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"]))
    if kind == "callout":
        return f"> [!{alert}] {markdown}", [plain]
    if kind == "callout_github":
        return f"> [!{alert}]\n> {markdown}", [plain]
    return markdown, [plain]


@st.composite
def toggle(draw) -> tuple[str, list[str]]:
    summary, plain = draw(inline())
    inside = draw(st.lists(st.one_of(simple_block(), list_block()), max_size=2))
    body = "\n\n".join(markdown for markdown, _ in inside)
    texts = [plain] + [t for _, block_texts in inside for t in block_texts]
    return f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>", texts


@st.composite
def equation(draw) -> tuple[str, list[str]]:
    expression = draw(st.from_regex(r"[a-z0-9^+=\\{} ]{0,12}[a-z]", fullmatch=True)).strip()
    return f"$$\n{expression}\n$$", [expression]


@st.composite
def document(draw) -> tuple[str, list[str]]:
    block = st.one_of(simple_block(), list_block(), table(), code_block(), toggle(), equation())
    blocks = draw(st.lists(block, min_size=1, max_size=6))
    return "\n\n".join(markdown for markdown, _ in blocks), [t for _, ts in blocks for t in ts]


# --- Notion-side trees: response-shaped blocks with arbitrary rich text -------------------

MARKS = ("bold", "italic", "strikethrough", "underline", "code")
ALERT_EMOJI = ["\u2139\ufe0f", "💡", "❗", "⚠️", "🚫"]
NOTION_LANGUAGES = ["python", "javascript", "plain text", "c++", "visual basic", "shell", "sql"]

any_text = st.lists(
    st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc")),
        st.sampled_from([*"\n\t \r\u00a0*_`[]#|\\<>&~$!-+=.()1", "&amp;", "**", "<u>", "1. "]),
    ),
    max_size=8,
).map("".join)


def text_item(content: str, marks=(), href: str | None = None) -> dict:
    """A text item exactly as Notion returns it."""
    return {
        "type": "text",
        "text": {"content": content, "link": {"url": href} if href else None},
        "annotations": {key: key in marks for key in MARKS} | {"color": "default"},
        "plain_text": content,
        "href": href,
    }


rich_text = st.lists(
    st.builds(
        text_item,
        any_text,
        st.frozensets(st.sampled_from(MARKS)),
        st.sampled_from([None, None, "https://example.com/a_b", "http://x.y/p?q=1&r=2"]),
    ),
    max_size=4,
)
# Markdown has no empty paragraph or bare list item, so text-bearing blocks get some text.
some_rich_text = rich_text.filter(lambda items: any(item["plain_text"] for item in items))


def notion_block(kind: str, children: list | None = None, **data) -> dict:
    block = {"object": "block", "id": "b1", "type": kind, kind: data}
    block["has_children"] = bool(children)
    if children:
        block[kind]["children"] = children
    return block


def notion_blocks(depth: int = 0):
    leaf = st.one_of(
        st.builds(lambda rt: notion_block("paragraph", rich_text=rt), some_rich_text),
        st.builds(
            lambda level, rt: notion_block(f"heading_{level}", rich_text=rt),
            st.integers(1, 3),
            some_rich_text,
        ),
        st.builds(
            lambda content, language: notion_block(
                "code", rich_text=[text_item(content)] if content else [], language=language
            ),
            any_text.map(lambda t: t.replace("\r", "")),
            st.sampled_from(NOTION_LANGUAGES),
        ),
        st.just(notion_block("divider")),
        st.builds(
            lambda rows: notion_block(
                "table",
                children=[notion_block("table_row", cells=cells) for cells in rows],
                table_width=len(rows[0]),
                has_column_header=True,
                has_row_header=False,
            ),
            st.integers(1, 3).flatmap(
                lambda width: st.lists(
                    st.lists(rich_text, min_size=width, max_size=width), min_size=1, max_size=3
                )
            ),
        ),
        st.builds(
            lambda caption: notion_block(
                "image", type="external", external={"url": "https://x.y/i.png"}, caption=caption
            ),
            rich_text,
        ),
        st.builds(
            lambda e: notion_block("equation", expression=e),
            st.from_regex(r"[a-z][a-z0-9^+= ]{0,8}[a-z]", fullmatch=True),
        ),
    )
    if depth >= 2:
        return st.lists(leaf, min_size=1, max_size=3)
    children = st.one_of(st.just([]), st.deferred(lambda: notion_blocks(depth + 1)))
    container = st.one_of(
        st.builds(
            lambda kind, rt, kids, checked: notion_block(
                kind,
                rich_text=rt,
                children=kids,
                **({"checked": checked} if kind == "to_do" else {}),
            ),
            st.sampled_from(
                ["bulleted_list_item", "numbered_list_item", "to_do", "quote", "toggle"]
            ),
            some_rich_text,
            children,
            st.booleans(),
        ),
        st.builds(
            lambda emoji, rt, kids: notion_block(
                "callout", rich_text=rt, children=kids, icon={"type": "emoji", "emoji": emoji}
            ),
            st.sampled_from(ALERT_EMOJI),
            some_rich_text,
            children,
        ),
    )
    return st.lists(st.one_of(leaf, container), min_size=1, max_size=4)
