"""A Notion client that asks the shared per-connection rate limiter before every request."""

import time

from integrations.notion import errors as notion_errors
from integrations.notion.client import NotionClient
from integrations.notion.ratelimit import RateLimiter

WRITE_METHODS = frozenset({"POST", "PATCH", "DELETE", "PUT"})
# A wait up to this long is slept in place; a longer one before anything was written hands the
# call back to the queue (countdown) so the worker is free for other connections.
INLINE_WAIT_SECONDS = 0.5
# Once a write was sent the call must finish in this attempt, so it may wait longer in place.
MAX_INLINE_WAIT_AFTER_WRITE = 65.0
# How far ahead a queued call may book its slot; well inside the broker's visibility timeout.
MAX_RESERVE_AHEAD_SECONDS = 300.0


class RateLimitWait(Exception):
    """The connection must wait before its next request; nothing was written yet."""

    def __init__(self, seconds: float):
        super().__init__(f"rate limited: retry in {seconds:.2f}s")
        self.seconds = seconds


def connection_limiter_key(connection_id: int) -> str:
    return f"connection:{connection_id}"


def slot_reserve(limiter: RateLimiter, connection_id: int, *, count: int = 1) -> tuple[float, bool]:
    """Books the connection's next `count` slots for a call about to be queued: the call then
    waits in the broker (a countdown) until its own turn, instead of waking with all the
    others, and finds every request it expects to send already paid for. Booking all of them
    matters: a call that booked one slot would find the follow-up slots taken by the calls queued
    behind it and never finish while the connection has a backlog."""
    return limiter.reserve(
        connection_limiter_key(connection_id), max_ahead=MAX_RESERVE_AHEAD_SECONDS, count=count
    )


class PacedNotionClient(NotionClient):
    """Every request first takes a slot from the limiter shared by all workers; a 429 or 529
    pauses the connection for everyone for Retry-After."""

    def __init__(
        self,
        token: str,
        *,
        limiter: RateLimiter,
        limiter_key: str,
        prepaid_slots: int = 0,
        **kwargs,
    ):
        super().__init__(token, **kwargs)
        self._limiter = limiter
        self._limiter_key = limiter_key
        # Slots booked when the call was queued: used before asking the limiter again.
        self._prepaid = prepaid_slots
        self.wrote = False
        self.requests_sent = 0

    def _take_slot(self) -> None:
        if self._prepaid > 0 and self._limiter.paused_for(self._limiter_key) <= 0:
            self._prepaid -= 1
            return
        while True:
            wait = self._limiter.acquire(self._limiter_key)
            if wait <= 0:
                return
            if wait > INLINE_WAIT_SECONDS and not self.wrote:
                raise RateLimitWait(wait)
            if wait > MAX_INLINE_WAIT_AFTER_WRITE:
                raise RateLimitWait(wait)
            time.sleep(min(wait, MAX_INLINE_WAIT_AFTER_WRITE))

    def request(self, method: str, path: str, **kwargs):
        method = method.upper()
        for _ in range(5):
            self._take_slot()
            self.requests_sent += 1
            try:
                response = super().request(method, path, **kwargs)
            except notion_errors.RateLimitError as exc:
                # Notion refused it, so nothing was applied: pause everyone, then either hand
                # the call back to the queue or (mid-write) wait here and resend.
                pause = exc.retry_after if exc.retry_after is not None else 1.0
                self._limiter.pause(self._limiter_key, pause)
                if not self.wrote:
                    raise RateLimitWait(pause) from None
                continue
            if method in WRITE_METHODS:
                self.wrote = True
            return response
        raise RateLimitWait(1.0)
