"""Markdown to request-shaped Notion blocks (https://developers.notion.com/reference/block)."""

from __future__ import annotations

import re
from typing import Any

from markdown_it.tree import SyntaxTreeNode

from .parser import inline_runs, parse, parse_inline
from .rich_text import plain_to_rich_text, runs_to_rich_text
from .runs import Run, merge_runs
from .vocabulary import CALLOUT_EMOJI, PLAIN_TEXT, language_from_info

_ALERT = re.compile(r"\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\](?=\s|$)", re.IGNORECASE)
_DETAILS_OPEN = re.compile(
    # Escape pairs are consumed whole, so an escaped "\</summary>" in the text does not end it.
    r"\s*<details(?:\s[^>]*)?>\s*(?:<summary>(?P<summary>(?:\\.|[^\\])*?)</summary>)?(?P<rest>.*)",
    re.IGNORECASE | re.DOTALL,
)
_DETAILS_CLOSE = re.compile(r"\s*</details>\s*$", re.IGNORECASE)


def markdown_to_blocks(markdown: str) -> list[dict]:
    """Notion blocks for a Markdown document, ready for a request's `children`.

    Rich text is one item per inline run and is not split here: the client's limits helper
    splits text over 2000 characters and chunks children later.
    """
    return _blocks(parse(markdown).children)


def block(kind: str, **data: Any) -> dict:
    """A request-shaped block; empty `children` is left out."""
    if not data.get("children"):
        data.pop("children", None)
    return {"object": "block", "type": kind, kind: data}


def _blocks(nodes: list[SyntaxTreeNode]) -> list[dict]:
    blocks: list[dict] = []
    index = 0
    while index < len(nodes):
        node = nodes[index]
        if node.type == "html_block" and _DETAILS_OPEN.match(node.content):
            end = _details_end(nodes, index)
            blocks.append(_toggle(node, nodes[index + 1 : end]))
            index = end + 1
            continue
        blocks.extend(_block(node))
        index += 1
    return blocks


def _block(node: SyntaxTreeNode) -> list[dict]:
    kind = node.type
    if kind == "paragraph":
        return _paragraph(node)
    if kind == "heading":
        level = min(int(node.tag[1:]), 3)
        return [block(f"heading_{level}", rich_text=_rich_text(node))]
    if kind in ("bullet_list", "ordered_list"):
        return [_list_item(item, ordered=kind == "ordered_list") for item in node.children]
    if kind == "blockquote":
        return [_quote(node)]
    if kind in ("fence", "code_block"):
        code = node.content[:-1] if node.content.endswith("\n") else node.content
        language = language_from_info(node.info) if kind == "fence" else PLAIN_TEXT
        return [block("code", rich_text=plain_to_rich_text(code), language=language)]
    if kind == "hr":
        return [block("divider")]
    if kind == "table":
        return [_table(node)]
    if kind == "math_block":
        return [block("equation", expression=node.content.strip())]
    if kind == "html_block":
        return _html_block(node.content)
    return []


def _rich_text(node: SyntaxTreeNode) -> list[dict]:
    """Rich text of a node holding one inline child (heading, paragraph, table cell)."""
    inline = node.children[0] if node.children else None
    return runs_to_rich_text(inline_runs(inline.children)) if inline else []


def _paragraph(node: SyntaxTreeNode) -> list[dict]:
    """A paragraph, split around images: each image becomes its own image block."""
    inline = node.children[0]
    if not any(child.type == "image" for child in inline.children):
        return [block("paragraph", rich_text=_rich_text(node))]
    blocks: list[dict] = []
    pending: list[SyntaxTreeNode] = []
    for child in [*inline.children, None]:
        if child is not None and child.type != "image":
            pending.append(child)
            continue
        runs = _strip_runs(inline_runs(pending))
        if runs:
            blocks.append(block("paragraph", rich_text=runs_to_rich_text(runs)))
        pending = []
        if child is not None:
            blocks.append(_image(child))
    return blocks


def _image(node: SyntaxTreeNode) -> dict:
    caption = runs_to_rich_text(inline_runs(node.children))
    url = str(node.attrs.get("src", ""))
    return block("image", type="external", external={"url": url}, caption=caption)


def _strip_runs(runs: list[Run]) -> list[Run]:
    """Runs without the whitespace and line breaks that stood next to an image."""
    runs = list(runs)
    if runs:
        runs[0] = runs[0]._replace(text=runs[0].text.lstrip())
        runs[-1] = runs[-1]._replace(text=runs[-1].text.rstrip())
    return merge_runs(runs)


def _list_item(item: SyntaxTreeNode, *, ordered: bool) -> dict:
    rich_text, children = _lead_paragraph(item.children)
    checked = (item.meta or {}).get("checked")
    if checked is not None:
        return block("to_do", rich_text=rich_text, checked=bool(checked), children=children)
    kind = "numbered_list_item" if ordered else "bulleted_list_item"
    return block(kind, rich_text=rich_text, children=children)


def _lead_paragraph(nodes: list[SyntaxTreeNode]) -> tuple[list[dict], list[dict]]:
    """A container's own text (its first paragraph) and the blocks nested under it."""
    blocks = _blocks(nodes)
    if nodes and nodes[0].type == "paragraph" and blocks and blocks[0]["type"] == "paragraph":
        return blocks[0]["paragraph"]["rich_text"], blocks[1:]
    return [], blocks


def _quote(node: SyntaxTreeNode) -> dict:
    nodes = node.children
    first = nodes[0] if nodes else None
    marker = None
    if first is not None and first.type == "paragraph":
        marker = _ALERT.match(first.children[0].content)
    if marker is None:
        rich_text, children = _lead_paragraph(nodes)
        return block("quote", rich_text=rich_text, children=children)
    kind = marker.group(1).upper()
    runs = _drop_prefix(inline_runs(first.children[0].children), marker.group())
    icon = {"type": "emoji", "emoji": CALLOUT_EMOJI[kind]}
    return block(
        "callout", rich_text=runs_to_rich_text(runs), icon=icon, children=_blocks(nodes[1:])
    )


def _drop_prefix(runs: list[Run], marker: str) -> list[Run]:
    """Runs without the alert marker, the spaces after it and the line break ending its line."""
    text = "".join(run.text for run in runs)
    rest = text[len(marker) :].lstrip(" \t")
    rest = rest[1:] if rest.startswith("\n") else rest
    cut = len(text) - len(rest)
    remaining = []
    for run in runs:
        taken = min(cut, len(run.text))
        cut -= taken
        remaining.append(run._replace(text=run.text[taken:]))
    return merge_runs(remaining)


def _table(node: SyntaxTreeNode) -> dict:
    rows = [row for section in node.children for row in section.children]
    width = max((len(row.children) for row in rows), default=0)
    children = []
    for row in rows:
        cells = [_rich_text(cell) for cell in row.children]
        cells += [[] for _ in range(width - len(cells))]
        children.append(block("table_row", cells=cells))
    return block(
        "table",
        table_width=width,
        has_column_header=True,
        has_row_header=False,
        children=children,
    )


def _details_end(nodes: list[SyntaxTreeNode], start: int) -> int:
    """Index of the `</details>` that closes nodes[start] (len(nodes) when there is none)."""
    if _DETAILS_CLOSE.search(_DETAILS_OPEN.match(nodes[start].content)["rest"]):
        return start
    depth = 1
    for index in range(start + 1, len(nodes)):
        node = nodes[index]
        if node.type != "html_block":
            continue
        if _DETAILS_OPEN.match(node.content) and not _DETAILS_CLOSE.search(node.content):
            depth += 1
        elif _DETAILS_CLOSE.match(node.content):
            depth -= 1
            if depth == 0:
                return index
    return len(nodes)


def _toggle(opening: SyntaxTreeNode, inside: list[SyntaxTreeNode]) -> dict:
    match = _DETAILS_OPEN.match(opening.content)
    summary = runs_to_rich_text(inline_runs(parse_inline((match["summary"] or "").strip())))
    rest = _DETAILS_CLOSE.sub("", match["rest"])
    children = (markdown_to_blocks(rest) if rest.strip() else []) + _blocks(inside)
    return block("toggle", rich_text=summary, children=children)


def _html_block(html: str) -> list[dict]:
    text = html.strip()
    if not text or text.startswith("<!--") or _DETAILS_CLOSE.match(text):
        # Comments are this dialect's notes (unsupported blocks, unfetched children).
        return []
    return [block("paragraph", rich_text=plain_to_rich_text(text))]
