"""What a tool is: a name, a description, an access class, a pydantic input model and a handler."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

Access = Literal["read", "write", "full"]


@dataclass
class ToolContext:
    """What a handler may use: a Notion client for the connection, and facts for messages.
    Handlers never touch our models except through the callbacks given here."""

    client: Any  # integrations.notion.client.NotionClient
    integration_name: str = "Phinite"
    workspace_id: int | None = None
    connection_name: str = ""
    actor_name: str = ""
    # Called with a short human text ("pages fetched: 3") while a long call runs.
    progress: Callable[[str], None] = field(default=lambda text: None)
    # Set by the task before a non-idempotent write is sent (see Tool.find_landed).
    attempt_started_at: datetime | None = None


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    access: Access
    input_model: type[BaseModel]
    handler: Callable[[ToolContext, Any], dict]
    # Non-idempotent writes (a retry could create a second object) declare how to find out
    # whether an attempt whose outcome is unknown landed: returns the result it produced, or None.
    find_landed: Callable[[ToolContext, Any, datetime], dict | None] | None = None
    # A tool that writes only Phinite's own rows (templates) and never calls Notion.
    local: bool = False
    # Notion requests a typical call sends; that many rate-limit slots are booked when it is
    # queued (a call that needs more books more on its next attempt).
    expected_requests: int = 2

    @property
    def idempotent(self) -> bool:
        return self.find_landed is None

    @property
    def action(self) -> str:
        return f"tool.{self.name}"

    def input_schema(self) -> dict:
        from integrations.tools.schema import flat_json_schema

        return flat_json_schema(self.input_model)

    def validate(self, arguments: Any) -> BaseModel:
        """Parses arguments (tolerating JSON strings) into the input model; raises
        pydantic.ValidationError with field-by-field errors."""
        return self.input_model.model_validate(arguments)

    def run(self, ctx: ToolContext, arguments: Any) -> dict:
        return self.handler(ctx, self.validate(arguments))
