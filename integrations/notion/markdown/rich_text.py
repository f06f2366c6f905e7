"""Notion rich text: plain text, request and response shapes, and escaped inline Markdown."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import groupby, pairwise
from typing import Any, Literal

from .parser import inline_runs, parse_inline
from .runs import Run, merge_runs

# https://developers.notion.com/reference/rich-text#the-annotation-object
ANNOTATION_KEYS = ("bold", "italic", "strikethrough", "underline", "code")
DEFAULT_ANNOTATIONS: dict[str, Any] = {key: False for key in ANNOTATION_KEYS} | {"color": "default"}

# Markers are opened in this order, so bold+italic always nests as ***x*** or **…*x*…**.
_MARK_ORDER = ("bold", "italic", "strikethrough", "underline")
# (opening, closing) per mark: Markdown delimiters, or HTML tags where delimiters would fail.
Style = dict[str, tuple[str, str]]
_DELIMITERS: Style = {
    "bold": ("**", "**"),
    "italic": ("*", "*"),
    "strikethrough": ("~~", "~~"),
    "underline": ("<u>", "</u>"),
}
_TAGS: Style = {
    "bold": ("<strong>", "</strong>"),
    "italic": ("<em>", "</em>"),
    "strikethrough": ("<s>", "</s>"),
    "underline": ("<u>", "</u>"),
}
_REFERENCE_DEFINITION = re.compile(r"\[(?:\\.|[^\\\]])*\]:")

Context = Literal["block", "heading", "table"]


def plain_to_rich_text(text: str) -> list[dict]:
    """Request-shaped rich text holding `text` unformatted (empty list for empty text)."""
    return [{"type": "text", "text": {"content": text}}] if text else []


def rich_text_to_plain(items: Iterable[dict] | None) -> str:
    """The text a reader sees, formatting dropped; takes request or response shapes."""
    return "".join(_item_text(item) for item in items or ())


def runs_to_rich_text(runs: Iterable[Run]) -> list[dict]:
    """Request-shaped rich text, one item per run of equal formatting (never split here)."""
    items = []
    for run in merge_runs(runs):
        annotations = {key: True for key in ANNOTATION_KEYS if key in run.marks}
        if run.kind == "equation":
            item: dict[str, Any] = {"type": "equation", "equation": {"expression": run.text}}
        else:
            text: dict[str, Any] = {"content": run.text}
            if run.href:
                text["link"] = {"url": run.href}
            item = {"type": "text", "text": text}
        if annotations:
            item["annotations"] = annotations
        items.append(item)
    return items


def rich_text_to_runs(items: Iterable[dict] | None) -> list[Run]:
    """Runs for request- or response-shaped rich text; mentions become their plain text."""
    runs = []
    for item in items or ():
        annotations = item.get("annotations") or {}
        marks = frozenset(key for key in ANNOTATION_KEYS if annotations.get(key))
        kind = "equation" if _item_type(item) == "equation" else "text"
        runs.append(Run(_item_text(item), marks, _item_href(item), kind))
    return runs


def normalize_rich_text(items: Iterable[dict] | None) -> list[dict]:
    """Response-shaped copies: `type`, full `annotations`, `plain_text` and `href` filled in."""
    normalized = []
    for item in items or ():
        kind = _item_type(item)
        annotations = DEFAULT_ANNOTATIONS | (item.get("annotations") or {})
        href = _item_href(item)
        full: dict[str, Any] = {"type": kind}
        if kind == "text":
            link = {"url": href} if href else None
            full["text"] = {"content": item["text"]["content"], "link": link}
        else:
            full[kind] = item[kind]
        full |= {"annotations": annotations, "plain_text": _item_text(item), "href": href}
        normalized.append(full)
    return normalized


def rich_text_to_markdown(items: Iterable[dict] | None, *, context: Context = "block") -> str:
    """Inline Markdown that markdown_to_blocks reads back as the same text and formatting.

    `context` says where it will stand: "block" (paragraph, list item, quote: a newline
    becomes a line break in the source), "heading" (newlines become spaces) or "table" (a
    cell: newlines become `<br>`). Formatting that Markdown delimiters cannot express at a
    given spot falls back to HTML tags (`<strong>`, `<em>`, `<s>`), which read back the same.
    """
    runs = _prepare(rich_text_to_runs(items))
    style = _DELIMITERS
    if any(run.marks - {"code"} for run in runs) and not _reads_back(runs, context):
        style = _TAGS
    rendered = _finish_lines(_render(runs, context, style))
    if _REFERENCE_DEFINITION.match(rendered):
        # A link whose code holds "]:" would read as a reference definition ("[x]: url");
        # an empty tag pair in front stops that and adds no text.
        rendered = "<u></u>" + rendered
    return rendered


def _render(runs: list[Run], context: Context, style: Style) -> str:
    rendered = ""
    for href, group in groupby(runs, key=lambda run: run.href):
        if href and re.search(r"(?<!\\)(?:\\\\)*!\Z", rendered):
            # "!" right before "[text](url)" would make the link an image.
            rendered = rendered[:-1] + "\\!"
        rendered += _render_link_group(list(group), href, context, style)
    return rendered


def _reads_back(runs: list[Run], context: Context) -> bool:
    """Whether the delimiter rendering parses back to the same formatting.

    CommonMark's flanking rules reject some delimiters (`x**(y)**` is not bold), so the
    rendering is checked by parsing it; whitespace is ignored, since its handling is settled
    by escaping, not by delimiters.
    """
    rendered = _finish_lines(_render(runs, context, _DELIMITERS))
    if context == "table":
        # The table parser, not the inline one, unescapes pipes (even inside code spans).
        rendered = rendered.replace("\\|", "|")
    return _signature(inline_runs(parse_inline(rendered))) == _signature(runs)


def _signature(runs: list[Run]) -> list[tuple]:
    return [
        (char, run.marks, run.href is not None, run.kind)
        for run in runs
        for char in run.text
        if not char.isspace()
    ]


def _item_type(item: dict) -> str:
    return item.get("type") or next(
        (key for key in ("text", "equation", "mention") if key in item), "text"
    )


def _item_text(item: dict) -> str:
    if "plain_text" in item:
        return item["plain_text"] or ""
    kind = _item_type(item)
    if kind == "equation":
        return item["equation"].get("expression", "")
    if kind == "text":
        return item["text"].get("content", "")
    return ""


def _item_href(item: dict) -> str | None:
    if item.get("href"):
        return item["href"]
    link = (item.get("text") or {}).get("link") or {}
    return link.get("url") or None


def _prepare(runs: Sequence[Run]) -> list[Run]:
    """Reshape runs so each can be written with delimiters Markdown will accept."""
    split = [piece for run in merge_runs(runs) for piece in _split_code_lines(run)]
    return merge_runs(_move_edge_whitespace_out(split))


def _split_code_lines(run: Run) -> list[Run]:
    # A code span cannot hold a line break, so the breaks go between spans.
    if run.kind != "text" or "code" not in run.marks:
        return [run]
    pieces = re.split(r"([\r\n])", run.text)
    return [
        run._replace(text=piece, marks=run.marks - {"code"} if piece in ("\r", "\n") else run.marks)
        for piece in pieces
    ]


def _move_edge_whitespace_out(runs: list[Run]) -> list[Run]:
    """Take each mark off the whitespace at the ends of the stretch it covers.

    "** a**" is not bold in Markdown, "**a**" with the space outside is; for tags the same
    keeps a line from holding nothing but a tag (which would start an HTML block).
    """
    units = []
    for run in runs:
        units += [run._replace(text=c) for c in (run.text if run.kind == "text" else [run.text])]
    for mark in _MARK_ORDER:
        for start, end in _stretches(units, mark):
            for index in _edge_spaces(units, start, end):
                units[index] = units[index]._replace(marks=units[index].marks - {mark})
    return units


def _stretches(units: list[Run], mark: str) -> list[tuple[int, int]]:
    """(start, end) of each stretch `mark` covers; a link's edge ends a stretch."""
    stretches, start = [], None
    for index, unit in enumerate(units):
        if start is not None and (mark not in unit.marks or unit.href != units[start].href):
            stretches.append((start, index))
            start = None
        if start is None and mark in unit.marks:
            start = index
    if start is not None:
        stretches.append((start, len(units)))
    return stretches


def _edge_spaces(units: list[Run], start: int, end: int) -> list[int]:
    def bare_space(unit: Run) -> bool:
        return unit.kind == "text" and "code" not in unit.marks and unit.text.isspace()

    lead, trail = start, end
    while lead < end and bare_space(units[lead]):
        lead += 1
    while trail > lead and bare_space(units[trail - 1]):
        trail -= 1
    return [*range(start, lead), *range(trail, end)]


def _render_link_group(runs: list[Run], href: str | None, context: Context, style: Style) -> str:
    parts: list[str] = []
    stack: list[str] = []
    for run in runs:
        wanted = [mark for mark in _MARK_ORDER if mark in run.marks]
        while any(mark not in wanted for mark in stack):
            parts.append(style[stack.pop()][1])
        for mark in wanted:
            if mark not in stack:
                stack.append(mark)
                parts.append(style[mark][0])
        parts.append(_render_run(run, context))
    parts.extend(style[mark][1] for mark in reversed(stack))
    inner = "".join(parts)
    return f"[{inner}]({link_destination(href)})" if href else inner


def _render_run(run: Run, context: Context) -> str:
    if run.kind == "equation":
        return f"${run.text}$"
    if "code" in run.marks:
        return code_span(run.text, in_table=context == "table")
    return escape_text(run.text, context=context)


def code_span(text: str, *, in_table: bool = False) -> str:
    """`text` as a code span, with a fence longer than any backtick run inside it."""
    if not text:
        return ""
    if in_table:
        text = text.replace("|", "\\|")
    fence = "`" * (max((len(m) for m in re.findall("`+", text)), default=0) + 1)
    # The parser strips one space from each end when both are spaces, so pad to keep them.
    padded = text[0] == "`" or text[-1] == "`" or (text[0] == text[-1] == " " and text.strip(" "))
    return f"{fence} {text} {fence}" if padded else f"{fence}{text}{fence}"


_ALWAYS_ESCAPED = re.compile(r"[\\`*_\[\]<~|$]|&(?=#?[0-9A-Za-z]+;)")


def escape_text(text: str, *, context: Context = "block") -> str:
    """Backslash-escape what Markdown would read as syntax anywhere in a line."""
    escaped = _ALWAYS_ESCAPED.sub(lambda m: "\\" + m.group(), text)
    if context == "heading":
        escaped = escaped.replace("#", "\\#").replace("\n", " ")
    elif context == "table":
        escaped = escaped.replace("\n", "<br>")
    # The parser turns a carriage return into a line feed; a character reference keeps it.
    return escaped.replace("\r", "&#13;")


# Only at a line start: headings, quotes, list markers, setext underlines, ordered lists.
_ORDERED_MARKER = re.compile(r"\d{1,9}(?=[.)])")


def _escape_line(line: str) -> str:
    """Escape block syntax at the line start; keep whitespace the parser trims at the edges."""
    if line[:1] and line[0] in "#>+=-":
        line = "\\" + line
    elif marker := _ORDERED_MARKER.match(line):
        line = line[: marker.end()] + "\\" + line[marker.end() :]
    elif line[:1].isspace():
        line = f"&#{ord(line[0])};{line[1:]}"
    if line[-1:].isspace():
        line = f"{line[:-1]}&#{ord(line[-1])};"
    return line


def _finish_lines(rendered: str) -> str:
    """Write each newline as a line break in the source, or as `&#10;` where an empty line
    (which would end the paragraph) or a trimmed edge would otherwise lose it."""
    lines = rendered.split("\n")
    finished = _escape_line(lines[0])
    for previous, line in pairwise(lines):
        finished += ("\n" if previous and line else "&#10;") + _escape_line(line)
    return finished


def link_destination(url: str) -> str:
    """A link destination that survives parsing unchanged."""
    url = re.sub(r"&(?=#?[0-9A-Za-z]+;)", r"\\&", url.replace("\\", "\\\\"))
    if not url or re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "\\<").replace(">", "\\>").replace("\n", " ") + ">"
    return url
