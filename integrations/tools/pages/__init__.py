"""Page tools: create, update, trash, restore and read pages, content as Markdown."""

from integrations.tools.base import Tool
from integrations.tools.pages.common import page_result, page_title, parent_summary
from integrations.tools.pages.create import CreatePageInput, create_page, create_page_landed
from integrations.tools.pages.read import GetPageInput, get_page
from integrations.tools.pages.update import (
    PageIdInput,
    UpdatePageInput,
    delete_page,
    restore_page,
    update_page,
    update_page_landed,
)

__all__ = ["TOOLS", "page_result", "page_title", "parent_summary"]

TOOLS = [
    Tool(
        name="notion_create_page",
        description="Create a Notion page: a sub-page under a page, or a row in a database "
        "(properties by name with plain values, optionally from one of its Notion templates). "
        "Use it to write new notes, documents or database entries; content is Markdown (or "
        "Notion blocks) of any length. For a database row, use notion_get_database before to "
        "learn property names and options. Returns {id, url, title, parent, blocks_written}.",
        access="write",
        input_model=CreatePageInput,
        handler=create_page,
        find_landed=create_page_landed,
    ),
    Tool(
        name="notion_update_page",
        description="Change a page: title, icon, cover, database properties by name (plain "
        "values), and content from Markdown, appended at the end or replacing the current "
        "content. Use it when a page exists and should say something else; use "
        "notion_update_block to fix one block. Returns {id, url, title, updated, "
        "blocks_written}.",
        access="write",
        input_model=UpdatePageInput,
        handler=update_page,
        find_landed=update_page_landed,
    ),
    Tool(
        name="notion_delete_page",
        description="Move a page (or database row) to Notion's trash. Use it when the user "
        "asks to delete or archive a page. Notion has no permanent delete; notion_restore_page "
        "undoes this. Returns {id, title, in_trash, restore}.",
        access="full",
        input_model=PageIdInput,
        handler=delete_page,
    ),
    Tool(
        name="notion_restore_page",
        description="Bring a page back from Notion's trash: the undo of notion_delete_page. "
        "Use it when a page was deleted by mistake. Returns {id, url, title, in_trash: false}.",
        access="full",
        input_model=PageIdInput,
        handler=restore_page,
    ),
    Tool(
        name="notion_get_page",
        description="Read a page: title, parent, properties (plain values for database rows) and "
        "its whole content as one Markdown document, sub-blocks included. Use it before "
        "summarizing, answering from or editing a page. Returns {id, url, title, properties, "
        "markdown, has_more, next_cursor}; long pages come in parts: call again with "
        "next_cursor while has_more is true. raw: true returns Notion block objects instead.",
        access="read",
        input_model=GetPageInput,
        handler=get_page,
    ),
]
