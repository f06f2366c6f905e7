"""Runs: stretches of text with one formatting, the unit both conversion directions work in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, NamedTuple


class Run(NamedTuple):
    """Text with a set of Notion annotations ("bold", "code", …), a link and a kind."""

    text: str
    marks: frozenset[str] = frozenset()
    href: str | None = None
    kind: Literal["text", "equation"] = "text"


def merge_runs(runs: Iterable[Run]) -> list[Run]:
    """Join neighbours with equal formatting and drop empty runs."""
    merged: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        last = merged[-1] if merged else None
        if last and last.kind == run.kind == "text" and last[1:] == run[1:]:
            merged[-1] = last._replace(text=last.text + run.text)
        else:
            merged.append(run)
    return merged
