"""Bearer-key authentication for assistants, with throttling of failed attempts per address."""

import functools
import logging

from django.core.cache import cache
from redis.exceptions import RedisError

from assistants.selectors import assistant_authenticate
from integrations.api.errors import error_response

logger = logging.getLogger(__name__)

FAILURES_ALLOWED = 20
FAILURE_WINDOW_SECONDS = 60


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _failure_key(address: str) -> str:
    return f"api:auth-failures:{address}"


def _failures(address: str) -> int:
    try:
        return cache.get(_failure_key(address), 0)
    except RedisError:
        # The cache is down: keys (256 random bits) still decide alone rather than every
        # assistant getting a 500 until Redis is back.
        logger.warning("failed-login throttle unavailable (cache down)")
        return 0


def _record_failure(address: str) -> None:
    key = _failure_key(address)
    try:
        if not cache.add(key, 1, FAILURE_WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, FAILURE_WINDOW_SECONDS)
    except RedisError:
        logger.warning("failed-login throttle unavailable (cache down)")


def assistant_required(view):
    """Resolves `Authorization: Bearer <key>` to request.assistant or answers 401 (429 once an
    address has failed too often)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        address = client_address(request)
        if _failures(address) >= FAILURES_ALLOWED:
            return error_response(
                429,
                "too_many_failed_logins",
                "Too many failed authentication attempts from this address; wait a minute.",
                headers={"Retry-After": str(FAILURE_WINDOW_SECONDS)},
            )
        header = request.headers.get("Authorization", "")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            _record_failure(address)
            return error_response(
                401,
                "unauthorized",
                "Send your assistant key as `Authorization: Bearer <key>`.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        # A NUL can't be part of a key, and PostgreSQL would refuse to even look it up.
        assistant = None if "\x00" in key else assistant_authenticate(key=key.strip())
        if assistant is None:
            _record_failure(address)
            return error_response(
                401,
                "unauthorized",
                "This key is not valid, or its assistant was deactivated.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        request.assistant = assistant
        return view(request, *args, **kwargs)

    return wrapper
