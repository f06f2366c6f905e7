"""Template tools: Phinite's own page blueprints (Notion's API can't create templates)."""

from .instantiate import CREATE_PAGE_FROM_TEMPLATE
from .manage import CREATE_TEMPLATE, LIST_TEMPLATES

TOOLS = [CREATE_TEMPLATE, LIST_TEMPLATES, CREATE_PAGE_FROM_TEMPLATE]
