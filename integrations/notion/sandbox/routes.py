"""The sandbox's route table: (method, /v1 path pattern) -> handler."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .handlers import blocks, comments, databases, markdown, pages, search, users


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern
    handler: Callable
    request_id: bool = True  # the templates listing is recorded without one


def _route(method: str, template: str, handler: Callable, request_id: bool = True) -> Route:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    return Route(method, re.compile(f"^/v1{regex}/?$"), handler, request_id)


ROUTES = [
    _route("GET", "/users/me", users.users_me),
    _route("GET", "/users/{user_id}", users.users_get),
    _route("GET", "/users", users.users_list),
    _route("POST", "/search", search.search),
    _route("POST", "/pages", pages.pages_create),
    _route("GET", "/pages/{page_id}", pages.pages_get),
    _route("PATCH", "/pages/{page_id}", pages.pages_update),
    _route("POST", "/pages/{page_id}/move", pages.pages_move),
    _route("GET", "/pages/{page_id}/properties/{property_id}", pages.page_property_get),
    _route("GET", "/pages/{page_id}/markdown", markdown.pages_markdown_get),
    _route("PATCH", "/pages/{page_id}/markdown", markdown.pages_markdown_update),
    _route("GET", "/async_tasks/{task_id}", markdown.async_tasks_get),
    _route("GET", "/blocks/{block_id}", blocks.blocks_get),
    _route("PATCH", "/blocks/{block_id}", blocks.blocks_update),
    _route("DELETE", "/blocks/{block_id}", blocks.blocks_delete),
    _route("GET", "/blocks/{block_id}/children", blocks.blocks_children_list),
    _route("PATCH", "/blocks/{block_id}/children", blocks.blocks_children_append),
    _route("POST", "/databases", databases.databases_create),
    _route("GET", "/databases/{database_id}", databases.databases_get),
    _route("PATCH", "/databases/{database_id}", databases.databases_update),
    _route("POST", "/data_sources", databases.data_sources_create),
    _route("GET", "/data_sources/{data_source_id}", databases.data_sources_get),
    _route("PATCH", "/data_sources/{data_source_id}", databases.data_sources_update),
    _route("POST", "/data_sources/{data_source_id}/query", search.data_sources_query),
    _route(
        "GET",
        "/data_sources/{data_source_id}/templates",
        databases.data_sources_templates,
        request_id=False,
    ),
    _route("POST", "/comments", comments.comments_create),
    _route("GET", "/comments", comments.comments_list),
    _route("GET", "/comments/{comment_id}", comments.comments_get),
    _route("PATCH", "/comments/{comment_id}", comments.comments_update),
    _route("DELETE", "/comments/{comment_id}", comments.comments_delete),
]


def route_match(method: str, path: str) -> tuple[Route, dict] | None:
    """The route for a request; the same path with another method is an invalid URL too."""
    for route in ROUTES:
        if route.method != method:
            continue
        match = route.pattern.match(path)
        if match:
            return route, match.groupdict()
    return None
