"""Per-connection rate limiter shared by all worker processes: GCRA in Redis, or in-process."""

from __future__ import annotations

import abc
import functools
import math
import threading
import time

import redis

__all__ = [
    "LocalRateLimiter",
    "RateLimiter",
    "RedisRateLimiter",
    "get_limiter",
    "wait_and_acquire",
]


class RateLimiter(abc.ABC):
    """Paces requests per key and holds shared pauses.

    A key names one Notion connection (its id, never its token: keys are visible in Redis).

    Notion allows a connection an average rate with bursts, and answers 429/529 with
    Retry-After when a connection or workspace is over its budget
    (https://developers.notion.com/reference/request-limits).
    """

    def __init__(self, *, rate: float, burst: int) -> None:
        if not rate > 0:
            raise ValueError("rate must be a positive number of requests per second")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        self.rate = float(rate)
        self.burst = int(burst)

    @abc.abstractmethod
    def acquire(self, key: str) -> float:
        """Take one request slot for `key`.

        Returns 0.0 when the request may be sent now (the slot is consumed), otherwise the
        seconds to wait before asking again; a refusal consumes nothing.
        """

    @abc.abstractmethod
    def reserve(self, key: str, *, max_ahead: float, count: int = 1) -> tuple[float, bool]:
        """Book the next `count` slots for `key` if the first comes within `max_ahead` s.

        Returns (wait, reserved). reserved=True: the slots from now + wait belong to the
        caller, who sends its first `count` requests then without asking again.
        reserved=False: nothing was booked (paused, or the next free slot is further away
        than max_ahead) and `wait` says when to ask again.
        Booking ahead lets a queued call sleep in the broker until its own slot instead of
        every waiting call waking at once to compete for the next one.
        """

    @abc.abstractmethod
    def pause(self, key: str, seconds: float) -> None:
        """Stop every request for `key` for `seconds`; never shortens a longer pause in place."""

    @abc.abstractmethod
    def paused_for(self, key: str) -> float:
        """Seconds left in the pause on `key`, 0.0 when there is none."""

    @abc.abstractmethod
    def reset(self, key: str) -> None:
        """Forget the pacing state and any pause for `key`."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(rate={self.rate:g}, burst={self.burst})"


# GCRA (generic cell rate algorithm): a single timestamp per key, the theoretical arrival time
# (TAT) of the next request. A request at `now` is allowed when TAT + interval - burst*interval
# <= now, which lets `burst` requests through at once and then one every `interval`.
# Times are integer microseconds from Redis's own clock, so workers on hosts with skewed clocks
# still agree; the script returns the wait in whole milliseconds (rounded up).
_ACQUIRE_LUA = """
local pause_ms = redis.call('PTTL', KEYS[2])
if pause_ms > 0 then
  return pause_ms
end
-- Redis < 5 refuses writes after TIME unless effects are replicated; 5+ always does this.
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then
  tat = now
end
local new_tat = tat + interval
local allow_at = new_tat - burst * interval
if now < allow_at then
  return math.ceil((allow_at - now) / 1000)
end
-- Once `now` passes new_tat the stored value means the same as no value: let it expire.
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
return 0
"""

# Like acquire, but a slot up to ARGV[3] microseconds ahead is booked too: returns
# {wait_ms, 1} when booked (0 ms: now), {wait_ms, 0} when paused or too far ahead.
_RESERVE_LUA = """
local pause_ms = redis.call('PTTL', KEYS[2])
if pause_ms > 0 then
  return {pause_ms, 0}
end
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local max_ahead = tonumber(ARGV[3])
local count = tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then
  tat = now
end
local allow_at = tat + interval - burst * interval
local wait = allow_at - now
if wait > max_ahead then
  return {math.ceil(wait / 1000), 0}
end
local new_tat = tat + count * interval
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
if wait < 0 then
  wait = 0
end
return {math.ceil(wait / 1000), 1}
"""

_PAUSE_LUA = """
local ms = tonumber(ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < ms then
  redis.call('SET', KEYS[1], '1', 'PX', ms)
  return ms
end
return ttl
"""


class RedisRateLimiter(RateLimiter):
    """Shared by every process that talks to the same Redis; each call is one atomic script."""

    def __init__(
        self, client: redis.Redis, *, rate: float, burst: int, prefix: str = "notion:rl:"
    ) -> None:
        super().__init__(rate=rate, burst=burst)
        self.client = client
        self.prefix = prefix
        # Whole microseconds, rounded up so rounding can only make us slower than `rate`.
        self._interval_us = math.ceil(1_000_000 / self.rate)
        self._acquire_script = client.register_script(_ACQUIRE_LUA)
        self._pause_script = client.register_script(_PAUSE_LUA)
        self._reserve_script = client.register_script(_RESERVE_LUA)

    def _keys(self, key: str) -> tuple[str, str]:
        # The hash tag keeps both keys in one Redis Cluster slot, as a script requires.
        base = f"{self.prefix}{{{key}}}"
        return f"{base}:tat", f"{base}:pause"

    def acquire(self, key: str) -> float:
        wait_ms = self._acquire_script(keys=self._keys(key), args=[self._interval_us, self.burst])
        return int(wait_ms) / 1000.0

    def reserve(self, key: str, *, max_ahead: float, count: int = 1) -> tuple[float, bool]:
        wait_ms, reserved = self._reserve_script(
            keys=self._keys(key),
            args=[self._interval_us, self.burst, math.floor(max_ahead * 1_000_000), max(1, count)],
        )
        return int(wait_ms) / 1000.0, bool(int(reserved))

    def pause(self, key: str, seconds: float) -> None:
        ms = math.ceil(seconds * 1000)
        if ms <= 0:
            return
        self._pause_script(keys=[self._keys(key)[1]], args=[ms])

    def paused_for(self, key: str) -> float:
        ttl_ms = self.client.pttl(self._keys(key)[1])
        return max(int(ttl_ms), 0) / 1000.0

    def reset(self, key: str) -> None:
        self.client.delete(*self._keys(key))


class LocalRateLimiter(RateLimiter):
    """The same GCRA inside one process, for running without Redis (development, eager Celery).

    It is not shared: with several worker processes each paces alone, so production sets
    REDIS_URL.
    """

    # Forget idle keys at most this often, so a long-lived process does not grow without bound.
    _SWEEP_EVERY_SECONDS = 60.0

    def __init__(self, *, rate: float, burst: int) -> None:
        super().__init__(rate=rate, burst=burst)
        self._interval = 1.0 / self.rate
        self._lock = threading.Lock()
        self._tat: dict[str, float] = {}
        self._paused_until: dict[str, float] = {}
        self._next_sweep = time.monotonic() + self._SWEEP_EVERY_SECONDS

    def acquire(self, key: str) -> float:
        with self._lock:
            now = time.monotonic()
            self._sweep(now)
            paused = self._paused_until.get(key, 0.0) - now
            if paused > 0:
                return paused
            new_tat = max(self._tat.get(key, now), now) + self._interval
            allow_at = new_tat - self.burst * self._interval
            if now < allow_at:
                return allow_at - now
            self._tat[key] = new_tat
            return 0.0

    def reserve(self, key: str, *, max_ahead: float, count: int = 1) -> tuple[float, bool]:
        with self._lock:
            now = time.monotonic()
            self._sweep(now)
            paused = self._paused_until.get(key, 0.0) - now
            if paused > 0:
                return paused, False
            tat = max(self._tat.get(key, now), now)
            wait = tat + self._interval - self.burst * self._interval - now
            if wait > max_ahead:
                return wait, False
            self._tat[key] = tat + max(1, count) * self._interval
            return max(wait, 0.0), True

    def pause(self, key: str, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._lock:
            until = time.monotonic() + seconds
            self._paused_until[key] = max(self._paused_until.get(key, 0.0), until)

    def paused_for(self, key: str) -> float:
        with self._lock:
            return max(self._paused_until.get(key, 0.0) - time.monotonic(), 0.0)

    def reset(self, key: str) -> None:
        with self._lock:
            self._tat.pop(key, None)
            self._paused_until.pop(key, None)

    def _sweep(self, now: float) -> None:
        if now < self._next_sweep:
            return
        self._next_sweep = now + self._SWEEP_EVERY_SECONDS
        self._tat = {k: tat for k, tat in self._tat.items() if tat > now}
        self._paused_until = {k: until for k, until in self._paused_until.items() if until > now}


@functools.cache
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


@functools.cache
def _limiter_for(redis_url: str, rate: float, burst: int) -> RateLimiter:
    if redis_url:
        return RedisRateLimiter(_redis_client(redis_url), rate=rate, burst=burst)
    return LocalRateLimiter(rate=rate, burst=burst)


def get_limiter() -> RateLimiter:
    """The limiter configured by settings: Redis-backed when REDIS_URL is set, else in-process.

    One instance per (REDIS_URL, rate, burst), so every caller in a process shares it.
    """
    from django.conf import settings

    return _limiter_for(
        settings.REDIS_URL or "",
        float(getattr(settings, "NOTION_RATE_LIMIT_PER_SECOND", 3.0)),
        int(getattr(settings, "NOTION_RATE_LIMIT_BURST", 10)),
    )


def wait_and_acquire(limiter: RateLimiter, key: str, *, max_wait: float) -> float:
    """Take a slot for `key`, sleeping through short waits of at most `max_wait` seconds in total.

    Returns 0.0 once the slot is taken. When the next wait would take the total past
    `max_wait`, returns that wait (> 0) without sleeping and without consuming a slot, so a
    Celery task can `retry(countdown=...)` instead of holding its worker.

    Celery's own `rate_limit` task option must not be used for this: it is enforced per
    worker process, so N workers would send N times the connection's budget.
    """
    waited = 0.0
    while True:
        wait = limiter.acquire(key)
        if wait <= 0:
            return 0.0
        if waited + wait > max_wait:
            return wait
        # A pause set by another process meanwhile is seen by the next acquire.
        time.sleep(wait)
        waited += wait
