"""The OpenAPI 3.1 description of the assistants' API."""

from integrations.tools.registry import tool_list

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "call_id": {"type": "integer", "description": "The audit row of a rejected call."},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "field": {"type": "string"},
                            "message": {"type": "string"},
                            "type": {"type": "string"},
                        },
                    },
                },
            },
        }
    },
}

_TOOL_CALL = {
    "type": "object",
    "required": ["id", "tool", "connection", "status", "attempts", "created_at"],
    "properties": {
        "id": {"type": "integer"},
        "tool": {"type": "string"},
        "connection": {
            "type": "object",
            "properties": {"id": {"type": ["integer", "null"]}, "name": {"type": "string"}},
        },
        "status": {"enum": ["queued", "running", "succeeded", "failed", "rejected"]},
        "result": {"type": ["object", "null"], "description": "The tool's output on success."},
        "error": {
            "type": ["object", "null"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "hint": {"type": "string"},
            },
        },
        "attempts": {"type": "integer"},
        "progress": {"type": ["string", "null"]},
        "idempotency_key": {"type": ["string", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "started_at": {"type": ["string", "null"], "format": "date-time"},
        "finished_at": {"type": ["string", "null"], "format": "date-time"},
        "duration_ms": {"type": ["integer", "null"]},
    },
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    words = {
        400: "Invalid request or arguments (field-by-field details)",
        401: "Missing, wrong or deactivated key",
        403: "Not assigned to the connection, or access level too low",
        404: "Unknown tool, connection or call",
        405: "Method not allowed",
        409: "idempotency_key reused with different arguments",
        413: "Body too large",
        429: "Too many failed authentication attempts",
        503: "Task queue unavailable: retry after Retry-After seconds",
    }
    return {str(code): _json({"$ref": "#/components/schemas/Error"}, words[code]) for code in codes}


def openapi_spec(request=None) -> dict:
    server = request.build_absolute_uri("/") if request is not None else "/"
    tool_names = [tool.name for tool in tool_list()]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Phinite Notion assistants' API",
            "version": "1.0.0",
            "description": "Assistants call predefined Notion tools on the connections an admin "
            "assigned to them. Authenticate with `Authorization: Bearer <assistant key>`. "
            'Every error is `{"error": {"code", "message", "details"?}}`.',
        },
        "servers": [{"url": server.rstrip("/")}],
        "security": [{"assistantKey": []}],
        "components": {
            "securitySchemes": {"assistantKey": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": _ERROR, "ToolCall": _TOOL_CALL},
        },
        "paths": {
            "/api/v1/tools": {
                "get": {
                    "operationId": "listTools",
                    "summary": "The tools this assistant may use on at least one connection",
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "tools": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "name": {"enum": tool_names},
                                                "description": {"type": "string"},
                                                "access": {"enum": ["read", "write", "full"]},
                                                "input_schema": {"type": "object"},
                                            },
                                        },
                                    }
                                },
                            },
                            "Tools with their JSON Schemas",
                        ),
                        **_errors(401, 405, 429),
                    },
                }
            },
            "/api/v1/connections": {
                "get": {
                    "operationId": "listConnections",
                    "summary": "The connections assigned to this assistant",
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "connections": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "id": {"type": "integer"},
                                                "name": {"type": "string"},
                                                "workspace_name": {"type": "string"},
                                                "status": {"type": "string"},
                                                "access": {"enum": ["read", "write", "full"]},
                                            },
                                        },
                                    }
                                },
                            },
                            "Assigned connections",
                        ),
                        **_errors(401, 405, 429),
                    },
                }
            },
            "/api/v1/tool-calls": {
                "post": {
                    "operationId": "createToolCall",
                    "summary": "Call a tool on a connection",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["connection", "tool"],
                                    "properties": {
                                        "connection": {
                                            "oneOf": [{"type": "integer"}, {"type": "string"}],
                                            "description": "Connection id or name",
                                        },
                                        "tool": {"type": "string", "examples": tool_names[:3]},
                                        "arguments": {
                                            "type": "object",
                                            "description": "Per the tool's input_schema "
                                            "(GET /api/v1/tools)",
                                        },
                                        "idempotency_key": {
                                            "type": "string",
                                            "minLength": 1,
                                            "maxLength": 200,
                                        },
                                        "wait": {"type": "number", "minimum": 0, "maximum": 30},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json(
                            {"$ref": "#/components/schemas/ToolCall"},
                            "The call finished within `wait` (or was a replay of a finished one)",
                        ),
                        "202": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "status": {"enum": ["queued", "running"]},
                                },
                            },
                            "Queued; poll GET /api/v1/tool-calls/{id}",
                        ),
                        **_errors(400, 401, 403, 404, 405, 409, 413, 429, 503),
                    },
                }
            },
            "/api/v1/tool-calls/{id}": {
                "get": {
                    "operationId": "getToolCall",
                    "summary": "One of this assistant's tool calls",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    ],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/ToolCall"}, "The call"),
                        **_errors(401, 404, 405, 429),
                    },
                }
            },
        },
    }
