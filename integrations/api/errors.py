"""The one JSON error shape every 4xx of the API uses."""

from django.http import JsonResponse


def error_response(
    status: int, code: str, message: str, *, details=None, headers=None, **extra
) -> JsonResponse:
    body = {"error": {"code": code, "message": message, **extra}}
    if details:
        body["error"]["details"] = details
    response = JsonResponse(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
