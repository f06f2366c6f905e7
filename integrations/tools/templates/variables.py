"""Template {variables}: finding them and filling them in."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

# {name} is a variable; {{ and }} are literal braces (as in Python's str.format).
_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Filled in when not given: the time of the attempt that writes the page.
AUTOMATIC = ("today", "now")


def variables_in(*texts: Any) -> list[str]:
    """Variable names used in the texts (strings inside lists and dicts too), in order."""
    found: list[str] = []
    for text in texts:
        for string in strings_in(text):
            for match in _TOKEN.finditer(string):
                if match.group(1) and match.group(1) not in found:
                    found.append(match.group(1))
    return found


def strings_in(value: Any):
    """Every string inside `value` (dict values and list items, at any depth)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


def _as_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_as_text(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def render(text: str, values: dict) -> str:
    def replace(match: re.Match) -> str:
        if match.group(1) is None:
            return match.group(0)[0]
        return _as_text(values[match.group(1)])

    return _TOKEN.sub(replace, text)


def render_value(value: Any, values: dict) -> Any:
    """A default property value with variables filled in; a value that is exactly one
    variable takes the variable's value as is (a list stays a list, a number a number)."""
    if isinstance(value, str):
        whole = _TOKEN.fullmatch(value.strip())
        if whole and whole.group(1):
            return values[whole.group(1)]
        return render(value, values)
    if isinstance(value, list):
        return [render_value(item, values) for item in value]
    if isinstance(value, dict):
        return {key: render_value(item, values) for key, item in value.items()}
    return value


def automatic_values(moment: datetime) -> dict:
    moment = moment.astimezone(UTC)
    return {"today": moment.date().isoformat(), "now": moment.strftime("%Y-%m-%d %H:%M UTC")}
