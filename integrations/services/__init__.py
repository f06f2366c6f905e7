"""Writes on the Notion side; each writes its own audit row in the same transaction."""

from integrations.services import validation
from integrations.services.connections import (
    ConnectionCheckFailed,
    TokenIdentity,
    connection_check_token,
    connection_create,
    connection_delete,
    connection_mark_invalid,
    connection_name_check,
    connection_rotate_token,
    connection_set_enabled,
    connection_test,
    connection_update,
)
from integrations.services.templates import template_create, template_delete, template_update

__all__ = [
    "ConnectionCheckFailed",
    "TokenIdentity",
    "connection_check_token",
    "connection_create",
    "connection_delete",
    "connection_mark_invalid",
    "connection_name_check",
    "connection_rotate_token",
    "connection_set_enabled",
    "connection_test",
    "connection_update",
    "template_create",
    "template_delete",
    "template_update",
    "validation",
]
