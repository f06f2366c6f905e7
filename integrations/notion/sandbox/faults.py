"""Fault injection: error statuses, slow answers, dropped sockets, and apply-then-fail writes."""

from __future__ import annotations

import fnmatch
import re
import threading
import time
from dataclasses import asdict, dataclass, field

from .util import new_id

FAULT_STATUSES = {409, 429, 500, 502, 503, 504, 529}
_FIELDS = {
    "path",
    "method",
    "status",
    "retry_after",
    "delay",
    "drop",
    "apply",
    "count",
    "duration",
    "token",
}


@dataclass
class Fault:
    """One rule. `path` is a glob (`/v1/pages*`) or a regex starting with `^`.

    status: answer with this error (502 is an HTML page; 429/529 carry Retry-After).
    delay: sleep this many seconds first (alone: a slow but normal answer).
    drop: close the socket without answering.
    apply: perform the request first, then fail with `status` or `drop` (duplicate-safety).
    count: the next N matching requests (None = until `duration` ends or faults are cleared).
    token: only requests bearing this token.
    """

    path: str = "*"
    method: str = "*"
    status: int | None = None
    retry_after: int | None = None
    delay: float = 0.0
    drop: bool = False
    apply: bool = False
    count: int | None = 1
    duration: float | None = None
    token: str | None = field(default=None, repr=False)  # never echo a token
    id: str = field(default_factory=new_id)
    hits: int = 0
    expires_at: float | None = None

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in FAULT_STATUSES:
            raise ValueError(f"unsupported fault status {self.status}")
        if self.status is None and not self.drop and not self.delay:
            raise ValueError("a fault needs a status, drop=True or a delay")
        if self.apply and self.status is None and not self.drop:
            raise ValueError("apply=True needs a status or drop=True to fail with")
        if self.status in (429, 529) and self.retry_after is None:
            self.retry_after = 1
        if self.duration is not None and self.expires_at is None:
            self.expires_at = time.monotonic() + self.duration
            if self.count == 1:
                self.count = None
        self.method = self.method.upper()

    def matches(self, method: str, path: str, token: str | None) -> bool:
        if self.method not in ("*", method):
            return False
        if self.token is not None and self.token != token:
            return False
        if self.path.startswith("^"):
            return re.match(self.path, path) is not None
        return fnmatch.fnmatchcase(path, self.path)

    def describe(self) -> dict:
        data = asdict(self)
        data.pop("expires_at")
        data["token"] = f"…{self.token[-4:]}" if self.token else None
        return data


def fault_from_spec(spec: dict) -> Fault:
    unknown = set(spec) - _FIELDS
    if unknown:
        raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    return Fault(**spec)


class FaultBook:
    """Active faults, first match wins; matching consumes one use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def active(self) -> list[Fault]:
        with self._lock:
            self._expire()
            return list(self._faults)

    def _expire(self) -> None:
        now = time.monotonic()
        self._faults = [
            fault
            for fault in self._faults
            if (fault.count is None or fault.count > 0)
            and (fault.expires_at is None or fault.expires_at > now)
        ]

    def take(self, method: str, path: str, token: str | None) -> Fault | None:
        with self._lock:
            self._expire()
            for fault in self._faults:
                if fault.matches(method, path, token):
                    fault.hits += 1
                    if fault.count is not None:
                        fault.count -= 1
                    return fault
        return None
