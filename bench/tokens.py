"""Benchmark: the size of notion_get_page's answer against Notion's raw block JSON for one page.

Starts the Notion sandbox in-process, creates a 300-block page of mixed content with
notion_create_page, then compares the characters of notion_get_page's JSON output (every part,
following next_cursor at the default budget) with the raw JSON of the same content (every
GET /v1/blocks/{id}/children page, recursively, as returned). Checks that no text is lost: every
plain_text of the raw blocks appears in the Markdown.

Run: `uv run --frozen python bench/tokens.py` (writes its section of docs/benchmarks.md; add
`--no-docs` to only print).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import re
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._harness import docs_section_write  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phinite_notion.settings")

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Tokens: notion_get_page vs raw JSON (bench/tokens.py)"
TARGET_BLOCKS = 300
GOAL_RATIO = 1 / 5

_PROSE = (
    "the team agreed to ship release notes before Friday while the audit log keeps every call "
    "review owner budget customer rollout migration dashboard incident latency backlog sprint "
    "roadmap onboarding invoice contract feedback metrics launch retro staging database index"
)
_WORDS = _PROSE.split()
_LANGS = ("python", "sql", "typescript", "bash", "json")


def _sentence(rng: random.Random, low: int = 6, high: int = 18) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _rich_line(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 3)):
        text = _sentence(rng)
        style = rng.random()
        if style < 0.15:
            text = f"**{text}**"
        elif style < 0.25:
            text = f"*{text}*"
        elif style < 0.3:
            text = f"`{rng.choice(_WORDS)}_{rng.choice(_WORDS)}`"
        elif style < 0.4:
            text = f"[{text[:-1]}](https://example.com/{rng.choice(_WORDS)})"
        parts.append(text)
    return " ".join(parts)


def _section(rng: random.Random, number: int) -> list[str]:
    """One realistic section of a working document: a heading and mixed content."""
    parts = [f"## {number}. {_sentence(rng, 2, 5)[:-1]}", _rich_line(rng), _rich_line(rng)]
    kind = number % 6
    if kind == 0:
        items = [f"- {_rich_line(rng)}" for _ in range(3)]
        items.insert(1, f"  - {_sentence(rng)}")
        parts.append("\n".join(items))
    elif kind == 1:
        parts.append("\n".join(f"{i}. {_sentence(rng)}" for i in range(1, 4)))
    elif kind == 2:
        parts.append(
            "\n".join(f"- [{'x' if i % 2 else ' '}] {_sentence(rng, 3, 8)}" for i in range(3))
        )
    elif kind == 3:
        code = "\n".join(f"value_{i} = compute('{rng.choice(_WORDS)}', {i})" for i in range(4))
        parts.append(f"```{rng.choice(_LANGS)}\n{code}\n```")
    elif kind == 4:
        rows = [
            f"| {rng.choice(_WORDS)} | {rng.randint(1, 99)} | {_sentence(rng, 2, 4)} |"
            for _ in range(3)
        ]
        parts.append("\n".join(["| Item | Count | Note |", "| --- | --- | --- |", *rows]))
    else:
        parts.append(f"> [!{rng.choice(['NOTE', 'TIP', 'WARNING'])}]\n> {_sentence(rng)}")
        parts.append(f"> {_sentence(rng)}")
    if number % 4 == 0:
        parts.append("---")
    return parts


def page_markdown(seed: int = 20261124) -> tuple[str, int]:
    """Markdown whose blocks (at every depth, table rows included) number TARGET_BLOCKS."""
    from integrations.notion.limits import count_blocks
    from integrations.notion.markdown import markdown_to_blocks

    rng = random.Random(seed)  # reproducible content, not security
    parts: list[str] = []
    number = 0
    while True:
        number += 1
        candidate = parts + _section(rng, number)
        if count_blocks(markdown_to_blocks("\n\n".join(candidate))) > TARGET_BLOCKS:
            break
        parts = candidate
    filler = 0
    while count_blocks(markdown_to_blocks("\n\n".join(parts))) < TARGET_BLOCKS:
        filler += 1
        parts.append(_rich_line(rng))
    markdown = "\n\n".join(parts)
    return markdown, count_blocks(markdown_to_blocks(markdown))


def raw_children(base_url: str, token: str, block_id: str, bodies: list[str]) -> list[dict]:
    """Every child of `block_id`, recursively; each response body is kept as returned."""
    headers = {"Authorization": f"Bearer {token}", "Notion-Version": "2025-09-03"}
    children, cursor = [], None
    while True:
        params = {"page_size": 100, **({"start_cursor": cursor} if cursor else {})}
        response = requests.get(
            f"{base_url}/v1/blocks/{block_id}/children", headers=headers, params=params, timeout=30
        )
        response.raise_for_status()
        bodies.append(response.text)
        page = response.json()
        children += page["results"]
        if not page.get("has_more"):
            break
        cursor = page["next_cursor"]
    for child in children:
        if child.get("has_children") and child["type"] not in ("child_page", "child_database"):
            raw_children(base_url, token, child["id"], bodies)
    return children


def plain_texts(bodies: list[str]) -> list[str]:
    texts = []
    for body in bodies:
        for block in json.loads(body)["results"]:
            data = block.get(block["type"]) or {}
            items = list(data.get("rich_text") or [])
            for cell in data.get("cells") or []:
                items += cell
            texts += [item["plain_text"] for item in items if item.get("plain_text")]
    return texts


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        model = found.group(1).strip() if found else model
    except OSError:
        pass
    return (
        f"nproc {len(os.sched_getaffinity(0))}, {model}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def run() -> dict:
    import django

    django.setup()
    from integrations.notion.client import NotionClient
    from integrations.notion.markdown import markdown_to_blocks, rich_text_to_plain
    from integrations.notion.sandbox import ROOT_PAGE_ID, SANDBOX_TOKEN, NotionSandbox
    from integrations.tools.base import ToolContext
    from integrations.tools.registry import get_tool

    def run_tool(ctx: ToolContext, name: str, arguments: dict) -> dict:
        return get_tool(name).run(ctx, arguments)

    markdown, blocks = page_markdown()
    sandbox = NotionSandbox(port=0, rate_limit=None).start()
    try:
        ctx = ToolContext(client=NotionClient(SANDBOX_TOKEN, base_url=sandbox.url))
        page = run_tool(
            ctx,
            "notion_create_page",
            {"parent_id": ROOT_PAGE_ID, "title": "Token benchmark", "markdown": markdown},
        )
        bodies: list[str] = []
        raw_children(sandbox.url, SANDBOX_TOKEN, page["id"], bodies)
        outputs, cursor = [], None
        while True:
            arguments = {"page_id": page["id"], **({"cursor": cursor} if cursor else {})}
            out = run_tool(ctx, "notion_get_page", arguments)
            outputs.append(out)
            cursor = out["next_cursor"]
            if not cursor:
                break
    finally:
        sandbox.stop()
    document = "\n\n".join(out["markdown"] for out in outputs)
    reread = "\n".join(
        rich_text_to_plain((b.get(b["type"]) or {}).get("rich_text"))
        for b in _walk(markdown_to_blocks(document))
    )
    texts = plain_texts(bodies)
    verbatim = sum(1 for text in texts if text in document)
    lost = [text for text in texts if text not in document and text not in reread]
    raw_chars = sum(len(body) for body in bodies)
    tool_chars = sum(len(json.dumps(out, ensure_ascii=False)) for out in outputs)
    return {
        "blocks": blocks,
        "blocks_written": page["blocks_written"],
        "raw_requests": len(bodies),
        "raw_chars": raw_chars,
        "tool_parts": len(outputs),
        "tool_chars": tool_chars,
        "largest_part": max(len(json.dumps(out, ensure_ascii=False)) for out in outputs),
        "ratio": tool_chars / raw_chars,
        "texts": len(texts),
        "verbatim": verbatim,
        "lost": lost,
    }


def _walk(blocks: list[dict]):
    for block in blocks:
        yield block
        data = block.get(block["type"]) or {}
        yield from _walk(data.get("children") or [])
        for row in data.get("children") or []:
            for cell in (row.get("table_row") or {}).get("cells") or []:
                yield {"type": "cell", "cell": {"rich_text": cell}}


def table(result: dict) -> str:
    return "\n".join(
        [
            "| Measure | Raw Notion JSON | notion_get_page |",
            "| --- | ---: | ---: |",
            f"| Requests / parts | {result['raw_requests']} GET children pages | "
            f"{result['tool_parts']} parts (20,000-char budget) |",
            f"| Characters | {result['raw_chars']:,} | {result['tool_chars']:,} |",
            f"| ≈ tokens (chars / 4) | {result['raw_chars'] // 4:,} | "
            f"{result['tool_chars'] // 4:,} |",
            f"| Ratio | 1 | **{result['ratio']:.3f}** (1/{1 / result['ratio']:.1f}) |",
        ]
    )


def docs_section(result: dict) -> str:
    today = datetime.date.today().isoformat()
    verdict = "met" if result["ratio"] <= GOAL_RATIO and not result["lost"] else "NOT met"
    return f"""{SECTION}

A page of {result["blocks"]} blocks (every depth, table rows included: headings, paragraphs with
bold/italic/code/links, bulleted lists with nesting, numbered and to-do lists, code blocks,
tables, callouts, quotes, dividers) is created in the sandbox with `notion_create_page`
({result["blocks_written"]} blocks written). *Raw Notion JSON* is every `GET
/v1/blocks/{{id}}/children` response body for that content, recursively, concatenated as
returned; *notion_get_page* is the JSON of each part of the tool's answer at its default budget,
following `next_cursor` (largest part {result["largest_part"]:,} characters).

- Run: {today}; {machine()}.
- Goal: at most 1/5 of the raw size with no text lost: {verdict}. Of {result["texts"]} `plain_text`
  values in the raw blocks, {result["verbatim"]} appear verbatim in the Markdown, the others once
  its escapes are read back ({len(result["lost"])} lost).

{table(result)}

Command: `uv run --frozen python bench/tokens.py`.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-docs", action="store_true", help="print only")
    args = parser.parse_args()
    result = run()
    print(table(result))
    print(
        f"blocks {result['blocks']}, texts {result['texts']} ({result['verbatim']} verbatim), "
        f"lost {len(result['lost'])}"
    )
    if result["lost"]:
        print("lost:", result["lost"][:5])
    if not args.no_docs:
        docs_section_write(SECTION, docs_section(result))
        print(f"wrote {DOCS.relative_to(ROOT)}")
    if result["lost"] or result["ratio"] > GOAL_RATIO:
        sys.exit(1)


if __name__ == "__main__":
    main()
