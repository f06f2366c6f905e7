"""A simple `where` ({"Status": "Done", "Due": {"before": "2026-12-01"}}) as a Notion filter.

Reference: https://developers.notion.com/reference/filter-data-source-entries"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from integrations.tools.errors import ToolInputError
from integrations.tools.inputs import normalize_notion_id
from integrations.tools.properties import property_find, property_options

TEXT_TYPES = ("title", "rich_text", "url", "email", "phone_number")
DATE_TYPES = ("date", "created_time", "last_edited_time")
LIST_TYPES = ("multi_select", "people", "relation", "created_by", "last_edited_by")
EMPTY_OPS = ("is_empty", "is_not_empty")
RELATIVE_DATE_OPS = (
    "past_week",
    "past_month",
    "past_year",
    "next_week",
    "next_month",
    "next_year",
    "this_week",
)
OPERATORS: dict[str, tuple[str, ...]] = {
    "text": (
        "equals",
        "does_not_equal",
        "contains",
        "does_not_contain",
        "starts_with",
        "ends_with",
        *EMPTY_OPS,
    ),
    "number": (
        "equals",
        "does_not_equal",
        "greater_than",
        "less_than",
        "greater_than_or_equal_to",
        "less_than_or_equal_to",
        *EMPTY_OPS,
    ),
    "option": ("equals", "does_not_equal", *EMPTY_OPS),
    "list": ("contains", "does_not_contain", *EMPTY_OPS),
    "date": (
        "equals",
        "before",
        "after",
        "on_or_before",
        "on_or_after",
        *EMPTY_OPS,
        *RELATIVE_DATE_OPS,
    ),
    "checkbox": ("equals", "does_not_equal"),
    "unique_id": (
        "equals",
        "does_not_equal",
        "greater_than",
        "less_than",
        "greater_than_or_equal_to",
        "less_than_or_equal_to",
    ),
}
ALIASES = {
    "=": "equals",
    "==": "equals",
    "eq": "equals",
    "is": "equals",
    "!=": "does_not_equal",
    "ne": "does_not_equal",
    "not": "does_not_equal",
    ">": "greater_than",
    "gt": "greater_than",
    "<": "less_than",
    "lt": "less_than",
    ">=": "greater_than_or_equal_to",
    "gte": "greater_than_or_equal_to",
    "<=": "less_than_or_equal_to",
    "lte": "less_than_or_equal_to",
    "not_contains": "does_not_contain",
    "empty": "is_empty",
    "not_empty": "is_not_empty",
    "on": "equals",
    "since": "on_or_after",
    "until": "on_or_before",
}
# Notion accepts at most two levels of nested compound filters.
MAX_DEPTH = 2


def where_to_filter(schema_properties: dict, where: dict, *, depth: int = 0) -> dict:
    """The Notion filter for `where`: each key a property name (all must match), or "and" /
    "or" with a list of `where` objects. Unknown properties, options and operators are errors
    listing the valid ones."""
    if not isinstance(where, dict) or not where:
        raise ToolInputError("where must be a non-empty object of {property: condition}.")
    parts = []
    for key, condition in where.items():
        if key in ("and", "or") and key not in schema_properties and isinstance(condition, list):
            if depth + 1 >= MAX_DEPTH:
                raise ToolInputError("where nests and/or too deeply (Notion allows two levels).")
            subs = [where_to_filter(schema_properties, sub, depth=depth + 1) for sub in condition]
            parts.append(subs[0] if len(subs) == 1 else {key: subs})
            continue
        prop = property_find(schema_properties, key)
        parts.append(condition_to_filter(prop, condition))
    return parts[0] if len(parts) == 1 else {"and": parts}


def _family(kind: str) -> str:
    if kind in TEXT_TYPES:
        return "text"
    if kind in DATE_TYPES:
        return "date"
    if kind in LIST_TYPES:
        return "list"
    if kind in ("select", "status"):
        return "option"
    if kind in ("number", "checkbox", "unique_id"):
        return kind
    if kind == "formula":
        return "formula"
    raise ToolInputError(f"The {kind} property can't be filtered with where; use filter instead.")


def condition_to_filter(prop: dict, condition: Any) -> dict:
    """One property's condition: a plain value (equality, or contains for text and lists), a
    list (any of), null (is empty), or {operator: value, ...} (all must hold)."""
    name, kind = prop["name"], prop["type"]
    family = _family(kind)
    if isinstance(condition, list):
        if not condition:
            raise ToolInputError(f"where.{name}: an empty list matches nothing.")
        ors = [condition_to_filter(prop, item) for item in condition]
        return ors[0] if len(ors) == 1 else {"or": ors}
    if isinstance(condition, dict) and condition:
        ands = [_operator_filter(prop, family, op, value) for op, value in condition.items()]
        return ands[0] if len(ands) == 1 else {"and": ands}
    if condition is None:
        return _operator_filter(prop, family, "is_empty", True)
    default = {"text": "contains", "list": "contains"}.get(family, "equals")
    return _operator_filter(prop, family, default, condition)


def _operator_filter(prop: dict, family: str, op: str, value: Any) -> dict:
    name, kind = prop["name"], prop["type"]
    op = ALIASES.get(str(op).strip().lower(), str(op).strip().lower())
    if family == "formula":
        return _formula_filter(prop, op, value)
    allowed = OPERATORS[family]
    if op not in allowed:
        raise ToolInputError(
            f"where.{name}: “{op}” is not an operator for a {kind} property. "
            f"Operators: {', '.join(allowed)}.",
            field=f"where.{name}",
        )
    return {"property": name, kind: {op: _operand(prop, family, op, value)}}


def _operand(prop: dict, family: str, op: str, value: Any) -> Any:
    name, kind = prop["name"], prop["type"]
    where = f"where.{name}"
    if op in EMPTY_OPS:
        return True
    if op in RELATIVE_DATE_OPS:
        return {}
    if family == "text":
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ToolInputError(f"{where}: give text, got {value!r}.", field=where)
        return str(value)
    if family in ("number", "unique_id"):
        return _number(where, value)
    if family == "checkbox":
        return _boolean(where, value)
    if family == "option":
        return _option(prop, value)
    if family == "date":
        return _date(where, value)
    if kind == "multi_select":
        return _option(prop, value)
    try:
        return normalize_notion_id(value.get("id") if isinstance(value, dict) else value)
    except ValueError:
        what = "page" if kind == "relation" else "user"
        raise ToolInputError(f"{where}: give a {what} id, got {value!r}.", field=where) from None


def _number(where: str, value: Any) -> int | float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    try:
        number = float(str(value))
    except ValueError:
        raise ToolInputError(f"{where}: give a number, got {value!r}.", field=where) from None
    return int(number) if number.is_integer() else number


def _boolean(where: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "checked"):
        return True
    if text in ("false", "no", "0", "unchecked"):
        return False
    raise ToolInputError(f"{where}: give true or false, got {value!r}.", field=where)


def _option(prop: dict, value: Any) -> str:
    options = property_options(prop)
    text = str(value.get("name") if isinstance(value, dict) else value).strip()
    if text in options:
        return text
    folded = [option for option in options if option.casefold() == text.casefold()]
    if len(folded) == 1:
        return folded[0]
    listed = ", ".join(f"“{o}”" for o in options) or "none"
    raise ToolInputError(
        f"where.{prop['name']}: “{text}” is not an option of “{prop['name']}”. "
        f"Valid options: {listed}.",
        field=f"where.{prop['name']}",
    )


def _date(where: str, value: Any) -> str:
    text = str(value).strip()
    try:
        datetime.fromisoformat(text)
    except ValueError:
        raise ToolInputError(
            f"{where}: {value!r} is not an ISO 8601 date (2026-12-01 or 2026-12-01T09:00:00Z).",
            field=where,
        ) from None
    return text


def _formula_filter(prop: dict, op: str, value: Any) -> dict:
    # A formula is filtered by the type of its result, which the schema doesn't state; the
    # value's own type decides.
    if isinstance(value, bool):
        family, result = "checkbox", "checkbox"
    elif isinstance(value, int | float):
        family, result = "number", "number"
    else:
        family, result = "text", "string"
    inner = _operator_filter({"name": prop["name"], "type": result}, family, op, value)
    return {"property": prop["name"], "formula": {result: inner[result]}}
