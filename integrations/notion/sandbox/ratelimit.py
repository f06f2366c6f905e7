"""A per-token token bucket answering like Notion's rate limiter (429 + Retry-After)."""

from __future__ import annotations

import math
import threading
import time


class RateLimiter:
    """`rate` requests per second on average with bursts of `burst`; None disables it."""

    def __init__(self, rate: float | None = 3.0, burst: int = 10) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}
        self.rate = rate
        self.burst = burst

    def configure(self, rate: float | None, burst: int | None = None) -> None:
        with self._lock:
            self.rate = rate
            if burst is not None:
                self.burst = burst
            self._buckets.clear()

    @property
    def enabled(self) -> bool:
        return self.rate is not None and self.rate > 0

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def check(self, key: str) -> int | None:
        """Spend one token; return None if allowed, else the integer seconds to wait."""
        if not self.enabled:
            return None
        now = time.monotonic()
        with self._lock:
            tokens, seen = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - seen) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self.rate))
