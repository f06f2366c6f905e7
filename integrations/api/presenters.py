"""JSON shapes of the API's objects."""

from integrations.models import ActionLog


def _iso(value):
    return value.isoformat() if value else None


def tool_call_json(row: ActionLog) -> dict:
    error = None
    if row.status in (ActionLog.Status.FAILED, ActionLog.Status.REJECTED) or row.error_code:
        error = {"code": row.error_code, "message": row.error_message, "hint": row.error_hint}
    return {
        "id": row.pk,
        "tool": row.tool_name,
        "connection": {"id": row.connection_id, "name": row.connection_name},
        "status": row.status,
        "result": row.output if row.status == ActionLog.Status.SUCCEEDED else None,
        "error": error,
        "attempts": row.attempts,
        "progress": row.progress or None,
        "idempotency_key": row.idempotency_key or None,
        "created_at": _iso(row.created_at),
        "started_at": _iso(row.started_at),
        "finished_at": _iso(row.finished_at),
        "duration_ms": row.duration_ms,
    }
