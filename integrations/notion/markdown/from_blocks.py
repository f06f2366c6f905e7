"""Notion blocks as they come back from the API, rendered as Markdown."""

from __future__ import annotations

import re
from collections.abc import Callable

from .rich_text import Context, link_destination, rich_text_to_markdown, rich_text_to_plain
from .vocabulary import callout_kind_from_icon, info_from_language

# Items of one family written one after another form one Markdown list.
_LIST_FAMILY = {"bulleted_list_item": "-", "to_do": "-", "numbered_list_item": "1."}
_HEADING_LEVEL = {"heading_1": 1, "heading_2": 2, "heading_3": 3, "heading_4": 4}
_LINK_ICONS = {"child_page": "📄", "child_database": "🗃️"}
_MEDIA = ("video", "file", "pdf", "audio")


def blocks_to_markdown(blocks: list[dict], *, indent: str = "") -> str:
    """Markdown for blocks as Notion returns them (full rich text, children optional).

    Children may sit under block[type]["children"] or block["children"]. A block that says
    `has_children` but carries none gets an HTML comment naming it, so a reader knows more
    content exists. `indent` is put before every non-empty line.
    """
    markdown = _render_blocks(blocks)
    return _indent(markdown, indent) if indent else markdown


def notion_url(block_id: str) -> str:
    """The notion.so address of a page or database id."""
    return "https://www.notion.so/" + block_id.replace("-", "")


def _render_blocks(blocks: list[dict]) -> str:
    rendered = ""
    family: str | None = None
    number = 0
    for block in blocks:
        kind = block.get("type", "")
        block_family = _LIST_FAMILY.get(kind)
        number = number + 1 if block_family == "1." and family == "1." else 1
        text = _render_block(block, number)
        if not text:
            continue
        separator = "\n" if block_family and block_family == family else "\n\n"
        rendered += (separator if rendered else "") + text
        family = block_family
    return rendered


def _render_block(block: dict, number: int) -> str:
    kind = block.get("type", "")
    data = block.get(kind) or {}
    if kind in _LIST_FAMILY:
        return _list_item(block, data, number)
    if kind in _HEADING_LEVEL:
        text = rich_text_to_markdown(data.get("rich_text"), context="heading")
        heading = "#" * _HEADING_LEVEL[kind] + (f" {text}" if text else "")
        return _join(heading, _nested(block))
    renderer = _RENDERERS.get(kind)
    if renderer is None:
        return f"<!-- unsupported block: {kind or 'unknown'} -->"
    return renderer(block, data)


def _children(block: dict) -> list[dict]:
    data = block.get(block.get("type", "")) or {}
    return data.get("children") or block.get("children") or []


def _nested(block: dict) -> str:
    """The block's children as Markdown, or a note when Notion has them but they were not read."""
    children = _children(block)
    if children:
        return _render_blocks(children)
    if block.get("has_children"):
        return f"<!-- children not fetched: block {block.get('id', '?')} -->"
    return ""


def _join(*parts: str, separator: str = "\n\n") -> str:
    return separator.join(part for part in parts if part)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


def _rich(data: dict, key: str = "rich_text", context: Context = "block") -> str:
    return rich_text_to_markdown(data.get(key), context=context)


def _paragraph(block: dict, data: dict) -> str:
    # Markdown has no children for a paragraph; they follow it at the same level.
    return _join(_rich(data), _nested(block))


def _list_item(block: dict, data: dict, number: int) -> str:
    kind = block["type"]
    if kind == "to_do":
        marker = "- [x] " if data.get("checked") else "- [ ] "
    else:
        marker = f"{number}. " if kind == "numbered_list_item" else "- "
    width = 2 if kind != "numbered_list_item" else len(marker)
    body = _rich(data)
    first, *rest = body.split("\n")
    # An empty task keeps its trailing space: "- [ ]" alone is not a task item.
    head = (marker + first if body or kind == "to_do" else marker.rstrip()) + "".join(
        "\n" + " " * width + line for line in rest
    )
    nested = _nested(block)
    if not nested:
        return head
    children = _children(block)
    # A nested list may follow its parent's text directly; anything else needs a blank line,
    # or it would be read as a continuation of that text.
    tight = not body or (
        bool(children)
        and children[0].get("type") in _LIST_FAMILY
        and not _is_bare_marker(nested.split("\n", 1)[0])
    )
    return head + ("\n" if tight else "\n\n") + _indent(nested, " " * width)


def _is_bare_marker(line: str) -> bool:
    # "-" or "1." alone cannot interrupt a paragraph (it would underline it as a heading).
    return bool(re.fullmatch(r"-|\d+\.", line))


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def _quote(block: dict, data: dict) -> str:
    return _quoted(_join(_rich(data), _nested(block)))


def _callout(block: dict, data: dict) -> str:
    head = f"[!{callout_kind_from_icon(data.get('icon'))}]"
    body = _rich(data)
    return _quoted(_join(head + (f"\n{body}" if body else ""), _nested(block)))


def _code(block: dict, data: dict) -> str:
    content = rich_text_to_plain(data.get("rich_text"))
    longest = max((len(run) for run in re.findall("`+", content)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info_from_language(data.get('language'))}\n{content}\n{fence}"


def _table(block: dict, data: dict) -> str:
    rows = [row.get("table_row", {}).get("cells", []) for row in _children(block)]
    if not rows:
        return _nested(block)
    width = data.get("table_width") or max(len(cells) for cells in rows)

    def line(cells: list) -> str:
        cells = [*cells[:width], *([[]] * (width - len(cells)))]
        return "| " + " | ".join(rich_text_to_markdown(c, context="table") for c in cells) + " |"

    # Markdown tables always have a header row, so the first row becomes it.
    delimiter = "| " + " | ".join(["---"] * width) + " |"
    return "\n".join([line(rows[0]), delimiter, *(line(cells) for cells in rows[1:])])


def _toggle(block: dict, data: dict) -> str:
    opening = f"<details>\n<summary>{_rich(data)}</summary>"
    return _join(opening, _nested(block), "</details>")


def _link(text: str, url: str) -> str:
    link = {"url": url} if url else None
    return rich_text_to_markdown([{"type": "text", "text": {"content": text or url, "link": link}}])


def _page_link(block: dict, data: dict) -> str:
    title = data.get("title") or "Untitled"
    return _link(f"{_LINK_ICONS[block['type']]} {title}", notion_url(block.get("id", "")))


def _link_to_page(block: dict, data: dict) -> str:
    target = data.get(data.get("type", "")) or ""
    return _link("↗ Linked page", notion_url(target)) if target else ""


def _bookmark(block: dict, data: dict) -> str:
    return _link(rich_text_to_plain(data.get("caption")), data.get("url") or "")


def _file_url(data: dict) -> str:
    hosted = data.get(data.get("type", "")) or {}
    return hosted.get("url") or data.get("url") or ""


def _image(block: dict, data: dict) -> str:
    return f"![{_rich(data, 'caption')}]({link_destination(_file_url(data))})"


def _media(block: dict, data: dict) -> str:
    name = data.get("name") or rich_text_to_plain(data.get("caption")) or block["type"]
    return _link(name, _file_url(data))


def _equation(block: dict, data: dict) -> str:
    return f"$$\n{data.get('expression', '')}\n$$"


def _container(block: dict, data: dict) -> str:
    # Columns and synced blocks have no Markdown form; their content is shown in order.
    return _nested(block)


_RENDERERS: dict[str, Callable[[dict, dict], str]] = {
    "paragraph": _paragraph,
    "quote": _quote,
    "callout": _callout,
    "code": _code,
    "divider": lambda block, data: "---",
    "table": _table,
    "toggle": _toggle,
    "child_page": _page_link,
    "child_database": _page_link,
    "link_to_page": _link_to_page,
    "bookmark": _bookmark,
    "embed": _bookmark,
    "link_preview": _bookmark,
    "image": _image,
    **dict.fromkeys(_MEDIA, _media),
    "equation": _equation,
    "column_list": _container,
    "column": _container,
    "synced_block": _container,
}
