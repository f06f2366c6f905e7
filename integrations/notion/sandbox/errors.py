"""Notion-shaped API errors raised by sandbox handlers and turned into error bodies."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ApiError(Exception):
    """One Notion error answer: {object:"error", status, code, message, additional_data?}."""

    status: int
    code: str
    message: str
    additional_data: dict | None = None
    headers: dict = field(default_factory=dict)

    def body(self, request_id: str) -> dict:
        body = {
            "object": "error",
            "status": self.status,
            "code": self.code,
            "message": self.message,
        }
        if self.additional_data is not None:
            body["additional_data"] = self.additional_data
        body["request_id"] = request_id
        return body


def validation(message: str) -> ApiError:
    return ApiError(400, "validation_error", message)


def body_validation(message: str) -> ApiError:
    return ApiError(400, "validation_error", f"body failed validation: {message}")


def invalid_json() -> ApiError:
    return ApiError(400, "invalid_json", "Error parsing JSON body.")


def invalid_request_url() -> ApiError:
    return ApiError(400, "invalid_request_url", "Invalid request URL.")


def missing_version() -> ApiError:
    return ApiError(
        400,
        "missing_version",
        "Notion-Version header failed validation: Notion-Version header should be defined, "
        "instead was `undefined`.",
    )


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "API token is invalid.")


def restricted() -> ApiError:
    return ApiError(403, "restricted_resource", "Insufficient permissions for this endpoint.")


def not_found(kind: str, object_id: str, integration_name: str, integration_id: str) -> ApiError:
    """Notion's sharing-aware 404: the same answer whether missing or not shared."""
    return ApiError(
        404,
        "object_not_found",
        f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and databases "
        f'are shared with your integration "{integration_name}".',
        {"integration_id": integration_id},
    )


def archived_edit() -> ApiError:
    return validation(
        "Can't edit block that is archived. You must unarchive the block before editing."
    )


def rate_limited(retry_after: int, reason: str) -> ApiError:
    return ApiError(
        429,
        "rate_limited",
        "You have been rate limited. Please try again in a few minutes.",
        {"rate_limit_reason": reason},
        {"Retry-After": str(retry_after)},
    )


FAULT_ERRORS: dict[int, tuple[str, str]] = {
    409: ("conflict_error", "Conflict occurred while saving. Please try again."),
    500: ("internal_server_error", "Unexpected error occurred."),
    503: ("service_unavailable", "Notion is unavailable, please try again later."),
    504: (
        "gateway_timeout",
        "Notion timed out while attempting to complete this request. Please try again later.",
    ),
    529: ("service_overload", "Notion is experiencing high load. Please try again later."),
}

BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
    "</body>\r\n</html>\r\n"
)
