"""A faithful-enough conversion between blocks and Notion's enhanced Markdown."""

from __future__ import annotations

import re

from .util import page_url, parse_id

_INLINE = re.compile(
    r"(?P<code>`[^`]+`)|(?P<link>\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\))"
    r"|(?P<bold>\*\*(?P<bold_in>.+?)\*\*)|(?P<strike>~~(?P<strike_in>.+?)~~)"
    r"|(?P<italic>\*(?P<italic_in>[^*]+?)\*)|(?P<uitalic>(?<!\w)_(?P<uitalic_in>[^_]+?)_(?!\w))"
    r"|(?P<equation>\$(?P<equation_in>[^$]+?)\$)"
)
_REF = re.compile(r'^<(page|database) url="([^"]*)">(.*)</\1>$')
_CALLOUT = re.compile(r'^<callout(?: icon="([^"]*)")?[^>]*>(.*?)(</callout>)?$')
_HEADING = re.compile(r"^(#{1,4}) (.*)$")
_NUMBERED = re.compile(r"^\d+[.)] (.*)$")
_TODO = re.compile(r"^[-*+] \[([ xX])\] ?(.*)$")
_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)$")
_CELL = re.compile(r"<td>(.*?)</td>")
TEXT_LIMIT = 2000
CAN_NEST = {
    "paragraph",
    "bulleted_list_item",
    "numbered_list_item",
    "to_do",
    "toggle",
    "quote",
    "callout",
}


# -- blocks to markdown ---------------------------------------------------------------------
def inline_render(items: list[dict]) -> str:
    parts = []
    for item in items:
        if item["type"] == "equation":
            parts.append(f"${item['equation']['expression']}$")
            continue
        text, marks = item["plain_text"], item["annotations"]
        if marks.get("code"):
            text = f"`{text}`"
        if marks.get("bold"):
            text = f"**{text}**"
        if marks.get("italic"):
            text = f"*{text}*"
        if marks.get("strikethrough"):
            text = f"~~{text}~~"
        if item["type"] == "text" and item.get("href"):
            text = f"[{text}]({item['href']})"
        parts.append(text)
    return "".join(parts)


def _block_lines(state, object_id: str, indent: int) -> list[str]:
    pre = "\t" * indent
    if object_id in state.pages:
        page = state.pages[object_id]
        title = state.page_title(page)
        return [f'{pre}<page url="{page_url(object_id, title)}">{title}</page>']
    if object_id in state.databases:
        title = state.database_title(state.databases[object_id])
        return [f'{pre}<database url="{page_url(object_id)}">{title}</database>']
    block = state.blocks[object_id]
    kind, payload = block["type"], block["payload"]
    text = inline_render(payload.get("rich_text", []))
    children = state.live_children(object_id)
    lines: list[str]
    if kind == "paragraph":
        lines = [pre + (text or "<empty-block/>")]
    elif kind.startswith("heading_"):
        lines = [f"{pre}{'#' * int(kind[-1])} {text}"]
    elif kind == "bulleted_list_item":
        lines = [f"{pre}- {text}"]
    elif kind == "numbered_list_item":
        lines = [f"{pre}1. {text}"]
    elif kind == "to_do":
        lines = [f"{pre}- [{'x' if payload.get('checked') else ' '}] {text}"]
    elif kind == "quote":
        lines = [f"{pre}> {text}"]
    elif kind == "toggle":
        inner = [line for cid in children for line in _block_lines(state, cid, indent + 1)]
        return [f"{pre}<details>", f"{pre}<summary>{text}</summary>", *inner, f"{pre}</details>"]
    elif kind == "callout":
        icon = (payload.get("icon") or {}).get("emoji", "")
        lines = [f'{pre}<callout icon="{icon}">{text}</callout>']
    elif kind == "code":
        body = [pre + line for line in text.split("\n")]
        return [f"{pre}```{payload.get('language', '')}", *body, f"{pre}```"]
    elif kind == "divider":
        lines = [f"{pre}---"]
    elif kind == "equation":
        return [f"{pre}$$", pre + payload.get("expression", ""), f"{pre}$$"]
    elif kind == "table":
        return _table_lines(state, object_id, payload, pre)
    elif kind in ("image", "video", "file", "pdf", "audio"):
        url = (payload.get(payload.get("type", "external")) or {}).get("url", "")
        lines = [f"{pre}![{inline_render(payload.get('caption', []))}]({url})"]
    else:
        lines = [f'{pre}<unknown alt="{kind}"/>']
    for child_id in children:
        lines.extend(_block_lines(state, child_id, indent + 1))
    return lines


def _table_lines(state, table_id: str, payload: dict, pre: str) -> list[str]:
    header = "true" if payload.get("has_column_header") else "false"
    lines = [f'{pre}<table header-row="{header}">']
    for row_id in state.live_children(table_id):
        cells = state.blocks[row_id]["payload"]["cells"]
        lines.append(
            pre + "\t<tr>" + "".join(f"<td>{inline_render(c)}</td>" for c in cells) + "</tr>"
        )
    lines.append(f"{pre}</table>")
    return lines


def blocks_to_markdown(state, parent_id: str) -> str:
    lines = [line for cid in state.live_children(parent_id) for line in _block_lines(state, cid, 0)]
    return "\n".join(lines)


# -- markdown to block requests -------------------------------------------------------------
def _text(content: str, marks: dict, link: str | None) -> list[dict]:
    chunks = [content[i : i + TEXT_LIMIT] for i in range(0, len(content), TEXT_LIMIT)] or [""]
    return [
        {
            "type": "text",
            "text": {"content": chunk, "link": {"url": link} if link else None},
            "annotations": dict(marks),
        }
        for chunk in chunks
        if chunk
    ]


def inline_parse(source: str, marks: dict | None = None, link: str | None = None) -> list[dict]:
    """Inline Markdown (bold, italic, strike, code, links, $math$) to request rich text."""
    marks = marks or {}
    items: list[dict] = []
    position = 0
    for match in _INLINE.finditer(source):
        items.extend(_text(source[position : match.start()], marks, link))
        position = match.end()
        if match.group("code"):
            items.extend(_text(match.group("code")[1:-1], {**marks, "code": True}, link))
        elif match.group("link"):
            items.extend(inline_parse(match.group("label"), marks, match.group("url")))
        elif match.group("equation"):
            items.append(
                {
                    "type": "equation",
                    "equation": {"expression": match.group("equation_in")},
                    "annotations": dict(marks),
                }
            )
        else:
            for name, mark in (
                ("bold", "bold"),
                ("strike", "strikethrough"),
                ("italic", "italic"),
                ("uitalic", "italic"),
            ):
                if match.group(name):
                    items.extend(
                        inline_parse(match.group(f"{name}_in"), {**marks, mark: True}, link)
                    )
    items.extend(_text(source[position:], marks, link))
    return items


def _node(kind: str, text: str = "", **extra) -> dict:
    return {"type": kind, kind: {"rich_text": inline_parse(text), **extra}}


def _line_node(text: str) -> dict:
    if text == "<empty-block/>":
        return {"type": "paragraph", "paragraph": {"rich_text": []}}
    if ref := _REF.match(text):
        return {"type": "__ref__", "id": parse_id(ref.group(2)[-32:])}
    if heading := _HEADING.match(text):
        level = min(len(heading.group(1)), 3)
        return _node(f"heading_{level}", heading.group(2))
    if todo := _TODO.match(text):
        return _node("to_do", todo.group(2), checked=todo.group(1) != " ")
    if text[:2] in ("- ", "* ", "+ "):
        return _node("bulleted_list_item", text[2:])
    if numbered := _NUMBERED.match(text):
        return _node("numbered_list_item", numbered.group(1))
    if text.startswith(">"):
        return _node("quote", text[1:].lstrip())
    if text in ("---", "***", "___"):
        return {"type": "divider", "divider": {}}
    if image := _IMAGE.match(text):
        return {
            "type": "image",
            "image": {
                "type": "external",
                "external": {"url": image.group(2)},
                "caption": inline_parse(image.group(1)),
            },
        }
    if callout := _CALLOUT.match(text):
        icon = callout.group(1)
        extra = {"icon": {"type": "emoji", "emoji": icon}} if icon else {}
        return _node("callout", callout.group(2), **extra)
    return _node("paragraph", text)


def _width(line: str) -> int:
    stripped = line.lstrip(" \t")
    prefix = line[: len(line) - len(stripped)]
    return prefix.count("\t") * 4 + prefix.count(" ")


def _until(lines: list[str], start: int, closing: str) -> int:
    """Index of the line closing a block opened at `start` (or the end of input)."""
    index = start + 1
    while index < len(lines) and not lines[index].strip().startswith(closing):
        index += 1
    return index


def _dedent(lines: list[str], width: int) -> list[str]:
    result = []
    for line in lines:
        cut = 0
        while cut < len(line) and line[cut] in " \t" and _width(line[: cut + 1]) <= width:
            cut += 1
        result.append(line[cut:])
    return result


def _multiline(lines: list[str], index: int, width: int) -> tuple[dict | None, int]:
    """Code fences, $$ equations, <details> toggles and <table>s; returns (node, next index)."""
    text = lines[index].strip()
    if text.startswith("```"):
        end = _until(lines, index, "```")
        body = "\n".join(_dedent(lines[index + 1 : end], width))
        language = text[3:].strip() or "plain text"
        return {
            "type": "code",
            "code": {"rich_text": _text(body, {}, None), "language": language},
        }, end + 1
    if text == "$$":
        end = _until(lines, index, "$$")
        expression = "\n".join(line.strip() for line in lines[index + 1 : end])
        return {"type": "equation", "equation": {"expression": expression}}, end + 1
    if text == "<details>":
        depth, end = 1, index + 1
        while end < len(lines) and depth:
            stripped = lines[end].strip()
            depth += (stripped == "<details>") - (stripped == "</details>")
            end += 1
        inner = lines[index + 1 : end - 1]
        summary = inner[0].strip() if inner else ""
        summary = re.sub(r"^<summary>(.*)</summary>$", r"\1", summary)
        node = _node("toggle", summary)
        children = markdown_parse("\n".join(_dedent(inner[1:], width + 4)))
        if children:
            node["toggle"]["children"] = children
        return node, end
    if text.startswith("<table"):
        end = _until(lines, index, "</table>")
        rows = [_CELL.findall(line) for line in lines[index + 1 : end] if "<tr>" in line]
        width_cells = max((len(row) for row in rows), default=1)
        children = [
            {
                "type": "table_row",
                "table_row": {
                    "cells": [inline_parse(cell) for cell in row + [""] * (width_cells - len(row))]
                },
            }
            for row in rows
        ]
        node = {
            "type": "table",
            "table": {
                "table_width": width_cells,
                "has_column_header": 'header-row="true"' in text,
                "has_row_header": False,
                "children": children,
            },
        }
        return node, end + 1
    return None, index


def markdown_parse(markdown: str) -> list[dict]:
    """Markdown to block requests; `{"type": "__ref__", "id"}` marks an existing sub-page."""
    lines = markdown.replace("\r\n", "\n").split("\n")
    root: list[dict] = []
    stack: list[tuple[int, dict | None]] = [(-1, None)]
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        width = _width(line)
        node, index_after = _multiline(lines, index, width)
        if node is None:
            node, index_after = _line_node(line.strip()), index + 1
        index = index_after
        while stack[-1][0] >= width:
            stack.pop()
        parent = next(
            (
                entry
                for entry in reversed(stack)
                if entry[1] is None or entry[1]["type"] in CAN_NEST
            ),
            stack[0],
        )[1]
        if parent is None:
            root.append(node)
        else:
            parent[parent["type"]].setdefault("children", []).append(node)
        stack.append((width, node))
    return root
