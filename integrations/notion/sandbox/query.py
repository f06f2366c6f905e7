"""Data source query filters and sorts, evaluated in memory over stored page records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from .errors import validation
from .richtext import plain_text
from .schema import schema_find
from .util import dump, is_date_only, parse_id, parse_time

Predicate = Callable[[dict], bool]
TEXT_TYPES = {"title", "rich_text", "url", "email", "phone_number"}
TIMESTAMPS = {"created_time", "last_edited_time"}
RELATIVE = {
    "past_week": -7,
    "past_month": -30,
    "past_year": -365,
    "next_week": 7,
    "next_month": 30,
    "next_year": 365,
    "this_week": 0,
}
_FILTER_KEYS = {
    "title": "title",
    "rich_text": "text",
    "url": "text",
    "email": "text",
    "phone_number": "text",
    "number": "number",
    "checkbox": "checkbox",
    "select": "option",
    "status": "option",
    "multi_select": "multi",
    "date": "date",
    "created_time": "date",
    "last_edited_time": "date",
    "people": "ids",
    "created_by": "ids",
    "last_edited_by": "ids",
    "relation": "ids",
}


def _bad(path: str, value: object) -> Exception:
    return validation(
        f"body failed validation: {path} should be valid, instead was `{dump(value)}`."
    )


def _text_test(cond: str, target: object, path: str) -> Callable[[str], bool]:
    if cond in ("is_empty", "is_not_empty"):
        return (lambda text: text == "") if cond == "is_empty" else (lambda text: text != "")
    if not isinstance(target, str):
        raise _bad(f"{path}.{cond}", target)
    needle = target.lower()
    tests = {
        "equals": lambda text: text == target,
        "does_not_equal": lambda text: text != target,
        "contains": lambda text: needle in text.lower(),
        "does_not_contain": lambda text: needle not in text.lower(),
        "starts_with": lambda text: text.lower().startswith(needle),
        "ends_with": lambda text: text.lower().endswith(needle),
    }
    if cond not in tests:
        raise _bad(f"{path}.{cond}", target)
    return tests[cond]


def _number_test(cond: str, target: object, path: str) -> Callable[[object], bool]:
    if cond == "is_empty":
        return lambda value: value is None
    if cond == "is_not_empty":
        return lambda value: value is not None
    if not isinstance(target, int | float) or isinstance(target, bool):
        raise _bad(f"{path}.{cond}", target)
    tests = {
        "equals": lambda v: v == target,
        "does_not_equal": lambda v: v != target,
        "greater_than": lambda v: v > target,
        "less_than": lambda v: v < target,
        "greater_than_or_equal_to": lambda v: v >= target,
        "less_than_or_equal_to": lambda v: v <= target,
    }
    if cond not in tests:
        raise _bad(f"{path}.{cond}", target)
    test = tests[cond]
    return lambda value: value is not None and test(value)


def _date_test(cond: str, target: object, path: str, clock) -> Callable[[str | None], bool]:
    if cond == "is_empty":
        return lambda value: not value
    if cond == "is_not_empty":
        return lambda value: bool(value)
    if cond in RELATIVE:
        now = clock()
        days = RELATIVE[cond]
        low, high = (
            (now + timedelta(days=days), now)
            if days < 0
            else (now, now + timedelta(days=days or 7))
        )
        if cond == "this_week":
            low = now - timedelta(days=now.weekday())
            high = low + timedelta(days=7)

        def relative(value):
            moment = parse_time(value) if value else None
            return moment is not None and low <= moment <= high

        return relative
    moment = parse_time(target) if isinstance(target, str) else None
    if moment is None:
        raise _bad(f"{path}.{cond}", target)
    by_day = is_date_only(target)
    ops = {
        "equals": lambda a, b: a == b,
        "before": lambda a, b: a < b,
        "after": lambda a, b: a > b,
        "on_or_before": lambda a, b: a <= b,
        "on_or_after": lambda a, b: a >= b,
    }
    if cond not in ops:
        raise _bad(f"{path}.{cond}", target)
    op = ops[cond]
    goal = moment.date() if by_day else moment

    def compare(value):
        current = parse_time(value) if value else None
        if current is None:
            return False
        return op(current.date() if by_day else current, goal)

    return compare


def _list_test(cond: str, target: object, path: str, many: bool) -> Callable[[list], bool]:
    if cond == "is_empty":
        return lambda values: not values
    if cond == "is_not_empty":
        return lambda values: bool(values)
    if not isinstance(target, str):
        raise _bad(f"{path}.{cond}", target)
    tests = {
        "contains": lambda values: target in values,
        "does_not_contain": lambda values: target not in values,
    }
    if not many:
        tests = {"equals": tests["contains"], "does_not_equal": tests["does_not_contain"]}
    if cond not in tests:
        raise _bad(f"{path}.{cond}", target)
    return tests[cond]


def _extract(state, prop: dict) -> Callable[[dict], object]:
    kind, pid = prop["type"], prop["id"]
    if kind in TEXT_TYPES:
        if kind in ("title", "rich_text"):
            return lambda page: plain_text(page["properties"].get(pid))
        return lambda page: page["properties"].get(pid) or ""
    if kind in ("select", "status"):
        names = {option["id"]: option["name"] for option in prop[kind]["options"]}
        return lambda page: (
            [names[page["properties"][pid]]] if page["properties"].get(pid) in names else []
        )
    if kind == "multi_select":
        names = {option["id"]: option["name"] for option in prop[kind]["options"]}
        return lambda page: [
            names[oid] for oid in page["properties"].get(pid) or [] if oid in names
        ]
    if kind == "date":
        return lambda page: (page["properties"].get(pid) or {}).get("start")
    if kind in TIMESTAMPS:
        return lambda page: page[kind]
    if kind in ("created_by", "last_edited_by"):
        return lambda page: [page[kind]]
    if kind == "checkbox":
        return lambda page: bool(page["properties"].get(pid))
    if kind in ("people", "relation"):
        return lambda page: page["properties"].get(pid) or []
    return lambda page: page["properties"].get(pid)


def _condition(kind: str, raw: object, path: str, clock) -> Callable[[object], bool]:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise _bad(path, raw)
    ((cond, target),) = raw.items()
    family = _FILTER_KEYS[kind]
    if family in ("title", "text"):
        return _text_test(cond, target, path)
    if family == "number":
        return _number_test(cond, target, path)
    if family == "checkbox":
        if cond not in ("equals", "does_not_equal") or not isinstance(target, bool):
            raise _bad(f"{path}.{cond}", target)
        return (lambda v: v == target) if cond == "equals" else (lambda v: v != target)
    if family == "date":
        return _date_test(cond, target, path, clock)
    if family in ("option", "multi"):
        return _list_test(cond, target, path, many=family == "multi")
    if cond in ("contains", "does_not_contain"):
        target = parse_id(target) or target
    return _list_test(cond, target, path, many=True)


def filter_compile(
    state, schema: dict, raw: object, path: str = "body.filter", depth: int = 0
) -> Predicate:
    """Validate a filter object once and return a predicate over page records."""
    if not isinstance(raw, dict):
        raise _bad(path, raw)
    for compound in ("and", "or"):
        if compound in raw:
            parts = raw[compound]
            if not isinstance(parts, list) or depth >= 2:
                raise _bad(f"{path}.{compound}", parts)
            tests = [
                filter_compile(state, schema, part, f"{path}.{compound}[{i}]", depth + 1)
                for i, part in enumerate(parts)
            ]
            if compound == "and":
                return lambda page: all(test(page) for test in tests)
            return lambda page: any(test(page) for test in tests)
    if "timestamp" in raw:
        kind = raw["timestamp"]
        if kind not in TIMESTAMPS:
            raise _bad(f"{path}.timestamp", kind)
        test = _condition(kind, raw.get(kind), f"{path}.{kind}", state.clock)
        return lambda page: test(page[kind])
    key = raw.get("property")
    prop = schema_find(schema, key) if isinstance(key, str) else None
    if prop is None:
        raise validation(f"Could not find property with name or id: {key}")
    kind = prop["type"]
    given = [name for name in raw if name != "property"]
    allowed = {kind, "rich_text"} if kind in TEXT_TYPES else {kind}
    if kind in ("people", "created_by", "last_edited_by"):
        allowed |= {"people"}
    if len(given) != 1 or given[0] not in allowed or kind not in _FILTER_KEYS:
        raise validation(
            f"body failed validation: {path}.{kind} should be defined, instead was `undefined`."
        )
    test = _condition(kind, raw[given[0]], f"{path}.{given[0]}", state.clock)
    value_of = _extract(state, prop)
    return lambda page: test(value_of(page))


def _sort_key(
    state, schema: dict, item: object, path: str
) -> tuple[Callable[[dict], object], bool]:
    if not isinstance(item, dict):
        raise _bad(path, item)
    direction = item.get("direction", "ascending")
    if direction not in ("ascending", "descending"):
        raise _bad(f"{path}.direction", direction)
    descending = direction == "descending"
    if "timestamp" in item:
        kind = item["timestamp"]
        if kind not in TIMESTAMPS:
            raise _bad(f"{path}.timestamp", kind)
        seq = "seq" if kind == "created_time" else "edit_seq"
        return (lambda page: (page[kind], page[seq])), descending
    prop = schema_find(schema, item.get("property") or "")
    if prop is None:
        raise validation(f"Could not find sort property with name or id: {item.get('property')}")
    kind, value_of = prop["type"], _extract(state, prop)
    if kind in TEXT_TYPES:
        return (lambda page: value_of(page).lower() or None), descending
    if kind in ("select", "status", "multi_select"):
        order = {option["name"]: i for i, option in enumerate(prop[kind]["options"])}
        return (lambda page: order.get((value_of(page) or [None])[0])), descending
    if kind == "date":
        return (lambda page: parse_time(value_of(page)) if value_of(page) else None), descending
    if kind in ("people", "created_by", "last_edited_by"):

        def first_name(page):
            ids = value_of(page)
            return state.users[ids[0]]["name"].lower() if ids and ids[0] in state.users else None

        return first_name, descending
    if kind == "checkbox":
        return (lambda page: int(value_of(page))), descending
    if kind == "relation":
        return (lambda page: len(value_of(page)) or None), descending
    return value_of, descending


def sorts_apply(state, schema: dict, pages: list[dict], raw: object) -> list[dict]:
    """Stable multi-key sort; empty values go last in either direction (as Notion does)."""
    if raw is None:
        return pages
    if not isinstance(raw, list):
        raise _bad("body.sorts", raw)
    keys = [_sort_key(state, schema, item, f"body.sorts[{i}]") for i, item in enumerate(raw)]
    ordered = list(pages)
    for key, descending in reversed(keys):
        values = [(key(page), page) for page in ordered]
        present = [pair for pair in values if pair[0] is not None]
        missing = [pair[1] for pair in values if pair[0] is None]
        present.sort(key=lambda pair: pair[0], reverse=descending)
        ordered = [pair[1] for pair in present] + missing
    return ordered
