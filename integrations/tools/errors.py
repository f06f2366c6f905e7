"""Errors a tool reports to an assistant, in words it can act on."""

import re

from integrations.notion import errors as notion_errors


class ToolError(Exception):
    """A failure the assistant should read: a stable code, a message and a hint for what to do."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        hint: str = "",
        http_status: int | None = None,
        request_id: str | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        self.http_status = http_status
        self.request_id = request_id

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "hint": self.hint}


class ToolInputError(ToolError):
    """Arguments that can't be sent: raised before anything reaches Notion."""

    def __init__(self, message: str, *, field: str | None = None, hint: str = ""):
        super().__init__(message, code="invalid_arguments", hint=hint)
        self.field = field


_OBJECT_KIND = re.compile(r"Could not find (\w+) with ID: ([0-9a-f-]{32,36})", re.I)
_CAPABILITY_BY_METHOD = {
    "GET": "read content",
    "POST": "insert content",
    "PATCH": "update content",
    "DELETE": "update content",
}


def _capability_for(exc: notion_errors.NotionError) -> str:
    path = exc.path or ""
    if "/comments" in path:
        return "read comments" if exc.method == "GET" else "insert comments"
    if "/users" in path:
        return "read user information"
    return _CAPABILITY_BY_METHOD.get(exc.method or "", "the needed")


def explain_notion_error(exc: notion_errors.NotionError, *, integration: str) -> ToolError:
    """Turns Notion's error into one an assistant can act on, naming the integration."""
    common = {"http_status": exc.status, "request_id": exc.request_id}
    if isinstance(exc, notion_errors.ObjectNotFoundError):
        match = _OBJECT_KIND.search(exc.message or "")
        kind, object_id = (match.group(1).lower(), match.group(2)) if match else ("object", "")
        what = f"{kind} {object_id}".strip() if object_id else "this object"
        return ToolError(
            f"The {what} does not exist or is not shared with the integration '{integration}'.",
            code="not_shared",
            hint=f"In Notion, open the {kind}, click Share (or ••• → Connections), and add the "
            f"'{integration}' connection; pages inside a shared page are shared too. If it was "
            "deleted, restore it from Notion's trash.",
            **common,
        )
    if isinstance(exc, notion_errors.RestrictedResourceError):
        capability = _capability_for(exc)
        return ToolError(
            f"The integration '{integration}' lacks the capability to {capability}.",
            code="missing_capability",
            hint=f"A Notion workspace owner can enable “{capability}” for '{integration}' under "
            "Settings → Connections → Develop or manage integrations → Capabilities.",
            **common,
        )
    if isinstance(exc, notion_errors.UnauthorizedError):
        return ToolError(
            f"Notion no longer accepts the token of the integration '{integration}'.",
            code="invalid_token",
            hint="A Phinite admin must update this connection with a valid token (Integrations → "
            "Notion → the connection → Rotate token). Retrying will not help until then.",
            **common,
        )
    if isinstance(exc, notion_errors.ValidationError | notion_errors.InvalidRequestError):
        return ToolError(
            f"Notion rejected the request: {exc.message}",
            code="validation_error",
            hint="Fix the field named in the message (Notion's limits: 100 blocks per request, "
            "2 nesting levels, 2,000 characters per text item) and call again.",
            **common,
        )
    if isinstance(exc, notion_errors.ConflictError):
        return ToolError(
            "Notion reported a conflicting edit of the same object.",
            code="conflict",
            hint="Read the object again and retry the change.",
            **common,
        )
    if isinstance(exc, notion_errors.RateLimitError):
        return ToolError(
            "Notion is rate limiting this connection.",
            code="rate_limited",
            hint="The call was retried after Notion's Retry-After; try again later.",
            **common,
        )
    if isinstance(exc, notion_errors.NotionNetworkError | notion_errors.ServerError):
        return ToolError(
            f"Notion could not be reached or failed ({exc.code}).",
            code="notion_unavailable",
            hint="This is on Notion's side; try again in a few minutes.",
            **common,
        )
    return ToolError(
        f"Notion answered {exc.status} {exc.code}: {exc.message}",
        code=exc.code or "notion_error",
        **common,
    )
