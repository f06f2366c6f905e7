"""Flat JSON Schemas from pydantic models, usable as OpenAI/Anthropic/MCP function parameters."""

import copy
from typing import Any

from pydantic import BaseModel


def _inline(node: Any, defs: dict, depth: int = 0) -> Any:
    if depth > 20:
        return {"type": "object"}
    if isinstance(node, dict):
        if "$ref" in node:
            target = defs[node["$ref"].split("/")[-1]]
            merged = {**_inline(copy.deepcopy(target), defs, depth + 1)}
            merged.update({k: v for k, v in node.items() if k != "$ref"})
            return merged
        return {k: _inline(v, defs, depth) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs, depth) for v in node]
    return node


def flat_json_schema(model: type[BaseModel]) -> dict:
    """The model's JSON Schema with every $ref inlined and titles dropped (LLM function
    definitions are happier flat, and titles only repeat property names)."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    flat = _inline(schema, defs)
    flat.pop("title", None)
    _drop_titles(flat)
    flat.setdefault("type", "object")
    flat.setdefault("properties", {})
    return flat


def _drop_titles(node: Any) -> None:
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            for value in props.values():
                if isinstance(value, dict):
                    value.pop("title", None)
        for key, value in node.items():
            if key != "properties" or not isinstance(value, dict):
                _drop_titles(value)
            else:
                for sub in value.values():
                    _drop_titles(sub)
    elif isinstance(node, list):
        for item in node:
            _drop_titles(item)
