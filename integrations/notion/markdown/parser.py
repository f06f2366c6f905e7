"""The Markdown parser (CommonMark + tables, strikethrough, task lists, math) and inline runs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_inline_dollar

from .runs import Run, merge_runs

_NODE_MARKS = {"strong": "bold", "em": "italic", "s": "strikethrough"}
# HTML formatting tags read as annotations; the renderer falls back to them where Markdown
# delimiters would not be recognised (for example "x**(y)**", where ** cannot open).
_TAG_MARKS = {
    "strong": "bold", "b": "bold", "em": "italic", "i": "italic", "s": "strikethrough",
    "del": "strikethrough", "strike": "strikethrough", "u": "underline", "code": "code",
}  # fmt: skip
_HTML_TAG = re.compile(r"<(?P<close>/?)(?P<name>[a-z]+)\s*/?>")


@cache
def parser() -> MarkdownIt:
    """One shared, configured parser; MarkdownIt instances are safe to reuse across calls."""
    # maxNesting: the preset stops parsing (dropping text) past 20 levels of nested containers.
    md = MarkdownIt("commonmark", {"tasklists": True, "maxNesting": 100})
    md.enable(["table", "strikethrough"])
    # Pandoc's rule for inline math ($ touching no space inside, no digit after the closing $)
    # keeps prices such as "$5 to $10" plain text.
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False)
    md.inline.ruler.at("math_inline", _math_inline_at_start_fixed())
    return md


def _math_inline_at_start_fixed() -> Callable[[StateInline, bool], bool]:
    """The plugin's inline math rule, minus a bug: at position 0 it reads src[-1] (the last
    character) as the one before the `$`, so "$x$ in 1905" was not math, nor was a paragraph
    starting with math and ending in a backslash.
    A trailing newline, present only during the call, gives it a harmless last character."""
    rule = math_inline_dollar(allow_space=False, allow_digits=False)

    def math_inline(state: StateInline, silent: bool) -> bool:
        if state.pos:
            return rule(state, silent)
        source = state.src
        state.src = source + "\n"
        try:
            return rule(state, silent)
        finally:
            state.src = source

    return math_inline


def parse(markdown: str) -> SyntaxTreeNode:
    """The block tree of a Markdown document."""
    return SyntaxTreeNode(parser().parse(markdown))


def parse_inline(markdown: str) -> list[SyntaxTreeNode]:
    """The inline nodes of a Markdown fragment (such as a toggle's summary)."""
    tokens = parser().parseInline(markdown)
    return SyntaxTreeNode(tokens).children[0].children if tokens else []


def inline_runs(nodes: Iterable[SyntaxTreeNode]) -> list[Run]:
    """Text runs with Notion annotations for inline nodes; images contribute their alt text."""
    walker = _InlineWalker()
    walker.walk(nodes, frozenset(), None)
    return merge_runs(walker.runs)


class _InlineWalker:
    def __init__(self) -> None:
        self.runs: list[Run] = []
        # <u>…</u> arrives as two separate html_inline siblings, so open tags are counted.
        self.open_tags: dict[str, int] = {}

    def add(self, text: str, marks: frozenset[str], href: str | None, kind: str = "text") -> None:
        marks |= {mark for mark, count in self.open_tags.items() if count}
        self.runs.append(Run(text, marks, href, kind))  # type: ignore[arg-type]

    def walk(self, nodes: Iterable[SyntaxTreeNode], marks: frozenset[str], href: str | None):
        for node in nodes:
            kind = node.type
            if kind == "text":
                self.add(node.content, marks, href)
            elif kind in ("softbreak", "hardbreak"):
                self.add("\n", marks, href)
            elif kind == "code_inline":
                self.add(node.content, marks | {"code"}, href)
            elif kind == "math_inline":
                self.add(node.content, marks, href, "equation")
            elif kind in _NODE_MARKS:
                self.walk(node.children, marks | {_NODE_MARKS[kind]}, href)
            elif kind == "link":
                self.walk(node.children, marks, str(node.attrs.get("href", "")) or None)
            elif kind == "html_inline":
                self.html_inline(node.content, marks, href)
            elif node.children:
                self.walk(node.children, marks, href)
            else:
                self.add(node.content, marks, href)

    def html_inline(self, html: str, marks: frozenset[str], href: str | None) -> None:
        tag = _HTML_TAG.fullmatch(html.strip().lower())
        if tag and tag["name"] in _TAG_MARKS:
            mark = _TAG_MARKS[tag["name"]]
            change = -1 if tag["close"] else 1
            self.open_tags[mark] = max(0, self.open_tags.get(mark, 0) + change)
        elif tag and tag["name"] == "br" and not tag["close"]:
            self.add("\n", marks, href)
        else:
            # Other inline HTML is kept as the literal text the author typed.
            self.add(html, marks, href)
