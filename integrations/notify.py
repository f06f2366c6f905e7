"""Lets an API request wait for a tool call to finish without polling the database."""

import time
from functools import lru_cache

import redis
from django.conf import settings

DONE_KEY = "toolcall:done:{id}"


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=35, health_check_interval=30)


def notify_done(log_id: int) -> None:
    """Called by the worker when a call reaches a final state."""
    if not settings.REDIS_URL:
        return
    key = DONE_KEY.format(id=log_id)
    pipe = _client(settings.REDIS_URL).pipeline()
    pipe.rpush(key, 1)
    pipe.expire(key, 60)
    pipe.execute()


def wait_done(log_id: int, timeout: float, is_final) -> bool:
    """Blocks up to `timeout` seconds for the call to finish; `is_final()` reads the row, so a
    call that finished before we started waiting is seen at once."""
    if is_final():
        return True
    if not settings.REDIS_URL:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if is_final():
                return True
        return False
    deadline = time.monotonic() + timeout
    client = _client(settings.REDIS_URL)
    key = DONE_KEY.format(id=log_id)
    while (remaining := deadline - time.monotonic()) > 0:
        if client.blpop([key], timeout=max(0.01, min(remaining, 1.0))):
            return is_final()
        if is_final():
            return True
    return is_final()
