"""Where the recorded Notion interactions live (tests/data/notion_recorded, see its NOTICE)."""

from pathlib import Path

RECORDED = Path(__file__).resolve().parent / "data" / "notion_recorded"
