"""One small method per Notion endpoint; each returns the parsed JSON object.

Reference: https://developers.notion.com/reference (Notion-Version 2025-09-03)."""

from __future__ import annotations

from typing import Any

from ..limits import check_page_size
from .base import BaseNotionClient, _body, _check_children, _id

JSON = dict[str, Any]


class NotionClient(BaseNotionClient):
    """A Notion API client for one token. Arguments left as None are not sent."""

    # --- users -----------------------------------------------------------------------------------

    def users_me(self) -> JSON:
        return self.request("GET", "/v1/users/me")

    def users_retrieve(self, user_id: str) -> JSON:
        return self.request("GET", f"/v1/users/{_id(user_id)}")

    def users_list(self, *, start_cursor: str | None = None, page_size: int | None = None) -> JSON:
        check_page_size(page_size)
        params = _body(start_cursor=start_cursor, page_size=page_size)
        return self.request("GET", "/v1/users", params=params)

    # --- search ----------------------------------------------------------------------------------

    def search(
        self,
        *,
        query: str | None = None,
        filter: JSON | None = None,
        sort: JSON | None = None,
        start_cursor: str | None = None,
        page_size: int | None = None,
    ) -> JSON:
        check_page_size(page_size)
        body = _body(
            query=query, filter=filter, sort=sort, start_cursor=start_cursor, page_size=page_size
        )
        return self.request("POST", "/v1/search", json=body)

    # --- pages -----------------------------------------------------------------------------------

    def pages_create(
        self,
        *,
        parent: JSON,
        properties: JSON | None = None,
        children: list[JSON] | None = None,
        markdown: str | None = None,
        icon: JSON | None = None,
        cover: JSON | None = None,
        template: JSON | None = None,
        position: JSON | None = None,
    ) -> JSON:
        _check_children(children)
        body = _body(
            parent=parent,
            properties=properties,
            children=children,
            markdown=markdown,
            icon=icon,
            cover=cover,
            template=template,
            position=position,
        )
        return self.request("POST", "/v1/pages", json=body)

    def pages_retrieve(self, page_id: str, *, filter_properties: list[str] | None = None) -> JSON:
        params = _body(filter_properties=filter_properties)
        return self.request("GET", f"/v1/pages/{_id(page_id)}", params=params)

    def pages_update(
        self,
        page_id: str,
        *,
        properties: JSON | None = None,
        icon: JSON | None = None,
        cover: JSON | None = None,
        in_trash: bool | None = None,
        is_locked: bool | None = None,
        template: JSON | None = None,
        erase_content: bool | None = None,
    ) -> JSON:
        body = _body(
            properties=properties,
            icon=icon,
            cover=cover,
            in_trash=in_trash,
            is_locked=is_locked,
            template=template,
            erase_content=erase_content,
        )
        return self.request("PATCH", f"/v1/pages/{_id(page_id)}", json=body)

    def pages_trash(self, page_id: str) -> JSON:
        """Move a page to the trash; Notion has no permanent delete."""
        return self.pages_update(page_id, in_trash=True)

    def pages_restore(self, page_id: str) -> JSON:
        return self.pages_update(page_id, in_trash=False)

    def pages_move(self, page_id: str, *, parent: JSON) -> JSON:
        return self.request("POST", f"/v1/pages/{_id(page_id)}/move", json={"parent": parent})

    def pages_property_item(
        self,
        page_id: str,
        property_id: str,
        *,
        start_cursor: str | None = None,
        page_size: int | None = None,
    ) -> JSON:
        check_page_size(page_size)
        params = _body(start_cursor=start_cursor, page_size=page_size)
        path = f"/v1/pages/{_id(page_id)}/properties/{_id(property_id)}"
        return self.request("GET", path, params=params)

    def pages_markdown_get(self, page_id: str, *, include_transcript: bool | None = None) -> JSON:
        params = _body(include_transcript=include_transcript)
        return self.request("GET", f"/v1/pages/{_id(page_id)}/markdown", params=params)

    def pages_markdown_update(self, page_id: str, *, body: JSON) -> JSON:
        return self.request("PATCH", f"/v1/pages/{_id(page_id)}/markdown", json=body)

    # --- blocks ----------------------------------------------------------------------------------

    def blocks_retrieve(self, block_id: str) -> JSON:
        return self.request("GET", f"/v1/blocks/{_id(block_id)}")

    def blocks_children_list(
        self, block_id: str, *, start_cursor: str | None = None, page_size: int | None = None
    ) -> JSON:
        check_page_size(page_size)
        params = _body(start_cursor=start_cursor, page_size=page_size)
        return self.request("GET", f"/v1/blocks/{_id(block_id)}/children", params=params)

    def blocks_children_append(
        self,
        block_id: str,
        *,
        children: list[JSON],
        after: str | None = None,
        position: JSON | None = None,
    ) -> JSON:
        """One append request (≤100 children); `limits.append_blocks` handles any size."""
        _check_children(children)
        body = _body(children=children, after=after, position=position)
        return self.request("PATCH", f"/v1/blocks/{_id(block_id)}/children", json=body)

    def blocks_update(self, block_id: str, *, body: JSON) -> JSON:
        return self.request("PATCH", f"/v1/blocks/{_id(block_id)}", json=body)

    def blocks_delete(self, block_id: str) -> JSON:
        """Move a block (or a page, by its id) to the trash."""
        return self.request("DELETE", f"/v1/blocks/{_id(block_id)}")

    # --- databases and data sources --------------------------------------------------------------

    def databases_create(
        self,
        *,
        parent: JSON,
        title: list[JSON] | None = None,
        description: list[JSON] | None = None,
        is_inline: bool | None = None,
        initial_data_source: JSON | None = None,
        icon: JSON | None = None,
        cover: JSON | None = None,
    ) -> JSON:
        body = _body(
            parent=parent,
            title=title,
            description=description,
            is_inline=is_inline,
            initial_data_source=initial_data_source,
            icon=icon,
            cover=cover,
        )
        return self.request("POST", "/v1/databases", json=body)

    def databases_retrieve(self, database_id: str) -> JSON:
        return self.request("GET", f"/v1/databases/{_id(database_id)}")

    def databases_update(self, database_id: str, *, body: JSON) -> JSON:
        return self.request("PATCH", f"/v1/databases/{_id(database_id)}", json=body)

    def data_sources_retrieve(self, ds_id: str) -> JSON:
        return self.request("GET", f"/v1/data_sources/{_id(ds_id)}")

    def data_sources_update(self, ds_id: str, *, body: JSON) -> JSON:
        return self.request("PATCH", f"/v1/data_sources/{_id(ds_id)}", json=body)

    def data_sources_query(
        self,
        ds_id: str,
        *,
        filter: JSON | None = None,
        sorts: list[JSON] | None = None,
        start_cursor: str | None = None,
        page_size: int | None = None,
        filter_properties: list[str] | None = None,
    ) -> JSON:
        check_page_size(page_size)
        body = _body(filter=filter, sorts=sorts, start_cursor=start_cursor, page_size=page_size)
        params = _body(filter_properties=filter_properties)
        path = f"/v1/data_sources/{_id(ds_id)}/query"
        return self.request("POST", path, params=params, json=body)

    def data_sources_templates(
        self,
        ds_id: str,
        *,
        name: str | None = None,
        start_cursor: str | None = None,
        page_size: int | None = None,
    ) -> JSON:
        """List a data source's templates; items are under `templates`, not `results`."""
        check_page_size(page_size)
        params = _body(name=name, start_cursor=start_cursor, page_size=page_size)
        return self.request("GET", f"/v1/data_sources/{_id(ds_id)}/templates", params=params)

    # --- comments --------------------------------------------------------------------------------

    def comments_create(
        self,
        *,
        parent: JSON | None = None,
        discussion_id: str | None = None,
        rich_text: list[JSON] | None = None,
        markdown: str | None = None,
    ) -> JSON:
        body = _body(
            parent=parent, discussion_id=discussion_id, rich_text=rich_text, markdown=markdown
        )
        return self.request("POST", "/v1/comments", json=body)

    def comments_list(
        self, *, block_id: str, start_cursor: str | None = None, page_size: int | None = None
    ) -> JSON:
        """List the unresolved comments on a page or block."""
        check_page_size(page_size)
        params = _body(block_id=block_id, start_cursor=start_cursor, page_size=page_size)
        return self.request("GET", "/v1/comments", params=params)
