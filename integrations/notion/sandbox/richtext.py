"""Rich text: turn request items ({text:{content}}) into full Notion rich text objects."""

from __future__ import annotations

from collections.abc import Callable

from .errors import body_validation
from .util import dump, parse_id

ANNOTATION_DEFAULTS = {
    "bold": False,
    "italic": False,
    "strikethrough": False,
    "underline": False,
    "code": False,
    "color": "default",
}
MAX_ITEMS = 100
MAX_TEXT = 2000
MAX_EQUATION = 1000

# Resolves a mention to its plain text: resolver(kind, id) -> str.
Resolver = Callable[[str, str], str]


def _no_resolver(kind: str, object_id: str) -> str:
    return "Untitled" if kind != "user" else "@Anonymous"


def text_item(content: str, annotations: dict | None = None, link: str | None = None) -> dict:
    """A complete text rich text object, as Notion returns it."""
    return {
        "type": "text",
        "text": {"content": content, "link": {"url": link} if link else None},
        "annotations": {**ANNOTATION_DEFAULTS, **(annotations or {})},
        "plain_text": content,
        "href": link,
    }


def plain_text(items: list[dict] | None) -> str:
    return "".join(item.get("plain_text", "") for item in items or [])


def _annotations(value: object, path: str) -> dict:
    if value is None:
        return dict(ANNOTATION_DEFAULTS)
    if not isinstance(value, dict):
        raise body_validation(f"{path} should be an object, instead was `{dump(value)}`.")
    result = dict(ANNOTATION_DEFAULTS)
    for key, item in value.items():
        if key not in ANNOTATION_DEFAULTS:
            raise body_validation(
                f"{path}.{key} should be not present, instead was `{dump(item)}`."
            )
        expected = str if key == "color" else bool
        if not isinstance(item, expected):
            kind = "a string" if expected is str else "a boolean"
            raise body_validation(f"{path}.{key} should be {kind}, instead was `{dump(item)}`.")
        result[key] = item
    return result


def _text(item: dict, path: str, annotations: dict) -> dict:
    text = item.get("text")
    if not isinstance(text, dict):
        raise body_validation(f"{path}.text should be an object, instead was `{dump(text)}`.")
    content = text.get("content")
    if not isinstance(content, str):
        raise body_validation(
            f"{path}.text.content should be a string, instead was `{dump(content)}`."
        )
    if len(content) > MAX_TEXT:
        raise body_validation(
            f"{path}.text.content.length should be ≤ `{MAX_TEXT}`, instead was `{len(content)}`."
        )
    link = text.get("link")
    url = None
    if link is not None:
        url = link.get("url") if isinstance(link, dict) else None
        if not isinstance(url, str) or not url:
            raise body_validation(
                f"{path}.text.link.url should be a string, instead was `{dump(url)}`."
            )
        if len(url) > MAX_TEXT:
            raise body_validation(
                f"{path}.text.link.url.length should be ≤ `{MAX_TEXT}`, instead was `{len(url)}`."
            )
    return text_item(content, annotations, url)


def _equation(item: dict, path: str, annotations: dict) -> dict:
    equation = item.get("equation")
    expression = equation.get("expression") if isinstance(equation, dict) else None
    if not isinstance(expression, str):
        raise body_validation(
            f"{path}.equation.expression should be a string, instead was `{dump(expression)}`."
        )
    if len(expression) > MAX_EQUATION:
        raise body_validation(
            f"{path}.equation.expression.length should be ≤ `{MAX_EQUATION}`, "
            f"instead was `{len(expression)}`."
        )
    return {
        "type": "equation",
        "equation": {"expression": expression},
        "annotations": annotations,
        "plain_text": expression,
        "href": None,
    }


def _mention(item: dict, path: str, annotations: dict, resolve: Resolver) -> dict:
    mention = item.get("mention")
    if not isinstance(mention, dict):
        raise body_validation(f"{path}.mention should be an object, instead was `{dump(mention)}`.")
    kind = mention.get("type") or next(
        (key for key in ("user", "page", "database", "date", "link_preview") if key in mention),
        None,
    )
    value = mention.get(kind) if kind else None
    if kind == "date" and isinstance(value, dict) and isinstance(value.get("start"), str):
        date = {
            "start": value["start"],
            "end": value.get("end"),
            "time_zone": value.get("time_zone"),
        }
        text = date["start"] + (f" → {date['end']}" if date["end"] else "")
        return _mention_item({"type": "date", "date": date}, annotations, text, None)
    if kind in ("user", "page", "database") and isinstance(value, dict):
        object_id = parse_id(value.get("id"))
        if object_id is None:
            raise body_validation(
                f"{path}.mention.{kind}.id should be a valid uuid, instead was "
                f"`{dump(value.get('id'))}`."
            )
        ref = {"object": "user", "id": object_id} if kind == "user" else {"id": object_id}
        text = resolve(kind, object_id)
        href = None if kind == "user" else f"https://www.notion.so/{object_id.replace('-', '')}"
        return _mention_item({"type": kind, kind: ref}, annotations, text, href)
    if kind == "link_preview" and isinstance(value, dict) and isinstance(value.get("url"), str):
        url = value["url"]
        return _mention_item({"type": kind, kind: {"url": url}}, annotations, url, url)
    raise body_validation(
        f"{path}.mention should be a valid mention, instead was `{dump(mention)}`."
    )


def _mention_item(mention: dict, annotations: dict, text: str, href: str | None) -> dict:
    return {
        "type": "mention",
        "mention": mention,
        "annotations": annotations,
        "plain_text": text,
        "href": href,
    }


def rich_text_normalize(
    items: object, path: str, resolve: Resolver | None = None, limits: bool = True
) -> list[dict]:
    """Validate a request rich text array and return full rich text objects."""
    if not isinstance(items, list):
        raise body_validation(f"{path} should be an array, instead was `{dump(items)}`.")
    if limits and len(items) > MAX_ITEMS:
        raise body_validation(
            f"{path}.length should be ≤ `{MAX_ITEMS}`, instead was `{len(items)}`."
        )
    resolve = resolve or _no_resolver
    result = []
    for index, item in enumerate(items):
        item_path = f"{path}[{index}]"
        if not isinstance(item, dict):
            raise body_validation(f"{item_path} should be an object, instead was `{dump(item)}`.")
        annotations = _annotations(item.get("annotations"), f"{item_path}.annotations")
        kind = item.get("type") or next(
            (key for key in ("text", "mention", "equation") if key in item), None
        )
        if kind == "text":
            result.append(_text(item, item_path, annotations))
        elif kind == "equation":
            result.append(_equation(item, item_path, annotations))
        elif kind == "mention":
            result.append(_mention(item, item_path, annotations, resolve))
        else:
            raise body_validation(f"{item_path}.text should be defined, instead was `undefined`.")
    return result
