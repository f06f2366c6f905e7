"""Method and path refusals of the API, in the same JSON error shape as every other 4xx."""

import functools

from django.views.decorators.csrf import csrf_exempt

from integrations.api.errors import error_response


def allow_methods(*methods: str):
    """Like Django's require_http_methods, but a refusal is the API's JSON 405, not an empty
    text/html answer an assistant cannot parse."""
    allowed = [m.upper() for m in methods]

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in allowed:
                return error_response(
                    405,
                    "method_not_allowed",
                    f"{request.method} is not allowed here; use {', '.join(allowed)}.",
                    headers={"Allow": ", ".join(allowed)},
                )
            return view(request, *args, **kwargs)

        # The API authenticates by header, never by cookie, so there is no CSRF to defend
        # against; without this a POST to a GET endpoint would get the CSRF middleware's HTML 403
        # instead of this 405.
        return csrf_exempt(wrapper)

    return decorator


@csrf_exempt
def unknown_path(request, path: str = ""):
    """Any /api/v1/ path no view matches (a call id that is not a number, say)."""
    return error_response(
        404,
        "not_found",
        f"There is no API endpoint at {request.path}; /api/v1/docs lists them.",
    )
