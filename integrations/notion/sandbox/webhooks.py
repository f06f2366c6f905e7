"""WebhookHub: signed Notion webhook deliveries (handshake, retries, duplicates, reordering)."""

from __future__ import annotations

import copy
import hashlib
import hmac
import http.client
import json
import logging
import queue
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .util import new_id

logger = logging.getLogger(__name__)
API_VERSION = "2025-09-03"
MAX_ATTEMPTS = 4  # the first delivery and three redeliveries
BACKOFF = (0.2, 0.5, 1.0)  # far shorter than Notion's, so retry tests stay fast
TIMEOUT = 10.0
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def webhook_signature(verification_token: str, body: bytes) -> str:
    """Notion's X-Notion-Signature: HMAC-SHA256 of the exact raw body, keyed by the token."""
    digest = hmac.new(verification_token.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx is a failed delivery (then retried), never a POST silently turned into a GET."""

    def redirect_request(self, *args, **kwargs):
        return None


# Local receivers must not be sent through an http_proxy from the environment.
_DIRECT = urllib.request.build_opener(_NoRedirect, urllib.request.ProxyHandler({}))
_PROXIED = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    """POST once; (status, "") on an answer, (status, reason) on non-2xx, (None, error) if none."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None, f"unsupported URL scheme {parts.scheme!r}"
    opener = _DIRECT if parts.hostname in _LOOPBACK_HOSTS else _PROXIED
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked above
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            response.read()
            return response.status, ""
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code, f"HTTP {exc.code}"
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return None, f"{exc.__class__.__name__}: {exc}"


@dataclass
class Subscription:
    id: str
    url: str | None  # None: record events only (tests that post them themselves)
    integration_id: str
    workspace_id: str
    verification_token: str = field(repr=False)
    event_types: frozenset[str] | None = None
    duplicate: bool = False
    reverse: bool = False
    hold: bool = False
    handshake_status: int | None = None
    handshake_error: str = ""

    def wants(self, kind: str) -> bool:
        return self.event_types is None or kind in self.event_types

    def describe(self) -> dict:
        return {
            "subscription_id": self.id,
            "url": self.url,
            "integration_id": self.integration_id,
            "workspace_id": self.workspace_id,
            "verification_token": f"…{self.verification_token[-4:]}",
            "event_types": sorted(self.event_types) if self.event_types is not None else None,
            "duplicate": self.duplicate,
            "reverse": self.reverse,
            "hold": self.hold,
            "handshake_status": self.handshake_status,
            "handshake_error": self.handshake_error,
        }


@dataclass
class _Job:
    generation: int  # reset() bumps the hub's generation; older jobs are dropped
    subscription: Subscription
    event: dict


def _event_types(raw: object) -> frozenset[str] | None:
    if raw is None:
        return None
    if not isinstance(raw, list | tuple | set | frozenset) or not all(
        isinstance(kind, str) for kind in raw
    ):
        raise ValueError("event_types should be a list of event type strings")
    return frozenset(raw)


class WebhookHub:
    """Subscriptions, emitted events and delivery records; one daemon thread delivers in order."""

    def __init__(self, state) -> None:
        self.state = state
        self.backoff = BACKOFF  # seconds before redeliveries 2, 3 and 4
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._subscriptions: list[Subscription] = []
        self._events: list[dict] = []
        self._held: list[_Job] = []
        self._deliveries: list[dict] = []
        self._pending = 0
        self._inflight: Counter[str] = Counter()  # event id -> deliveries queued, not yet done
        self._generation = 0
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._worker: threading.Thread | None = None

    @property
    def listening(self) -> bool:
        return bool(self._subscriptions)

    # -- subscriptions -------------------------------------------------------------------
    def subscribe(
        self,
        url: str | None,
        *,
        token: str,
        verification_token: str | None = None,
        event_types=None,
        duplicate: bool = False,
        reverse: bool = False,
        hold: bool = False,
        handshake: bool = True,
    ) -> dict:
        """Replace the subscription; with `handshake`, POST the unsigned verification token."""
        if url is not None and urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"webhook url should be http(s), instead was {url!r}")
        with self.state.lock:
            record = self.state.tokens.get(token)
            if record is None:
                raise KeyError("unknown token")
            integration = self.state.integrations[record["integration_id"]]
        secret = verification_token or f"secret_{secrets.token_urlsafe(32)}"
        subscription = Subscription(
            id=new_id(),
            url=url,
            integration_id=integration["id"],
            workspace_id=integration["workspace_id"],
            verification_token=secret,
            event_types=_event_types(event_types),
            duplicate=bool(duplicate),
            reverse=bool(reverse),
            hold=bool(hold),
        )
        if handshake and url:
            body = json.dumps({"verification_token": secret}).encode()
            status, error = _post(url, body, {"Content-Type": "application/json"})
            subscription.handshake_status, subscription.handshake_error = status, error
        with self._lock:
            self._subscriptions = [subscription]
            self._held.clear()
        return {
            "subscription_id": subscription.id,
            "verification_token": secret,
            "handshake_status": subscription.handshake_status,
        }

    def unsubscribe(self) -> None:
        with self._lock:
            self._subscriptions = []
            self._held.clear()

    def reset(self) -> None:
        """Forget subscriptions, held events and records; queued deliveries are dropped."""
        with self._lock:
            self._generation += 1
            self._subscriptions = []
            self._held.clear()
            self._events.clear()
            self._deliveries.clear()

    def close(self) -> None:
        """Let the worker finish what is queued, then exit (a later delivery starts a new one)."""
        with self._lock:
            if self._worker is not None:
                self._queue.put(None)
                self._worker = None

    # -- emitting (collect under the state lock, publish after it is released) ------------
    def collect(self, state, changes: list[dict]) -> list[tuple[Subscription, dict]]:
        """Full events for each subscription that may see a change; caller holds state.lock."""
        with self._lock:
            subscriptions = list(self._subscriptions)
        pending = []
        for change in changes:
            for subscription in subscriptions:
                integration = state.integrations.get(subscription.integration_id)
                if (
                    integration is None
                    or change["workspace_id"] != subscription.workspace_id
                    or not subscription.wants(change["type"])
                    or not state.visible(change["scope"], integration)
                ):
                    continue
                pending.append((subscription, _event(state, subscription, change)))
        return pending

    def publish(self, pending: list[tuple[Subscription, dict]]) -> None:
        """Record the events and queue (or hold) their deliveries; no network I/O here."""
        with self._lock:
            current = {subscription.id for subscription in self._subscriptions}
            for subscription, event in pending:
                if subscription.id not in current:
                    continue  # replaced or reset while the request was running
                self._events.append(event)
                if subscription.url is None:
                    continue
                copies = 2 if subscription.duplicate else 1
                jobs = [_Job(self._generation, subscription, event) for _ in range(copies)]
                if subscription.hold:
                    self._held.extend(jobs)
                else:
                    self._enqueue(jobs)

    def flush(self, wait: bool = True, timeout: float = 10.0) -> list[dict]:
        """Release held events; with `wait`, block until every queued delivery was tried and
        return the records of all attempts for the events that were still pending or held."""
        with self._lock:
            held, self._held = self._held, []
            if held and held[0].subscription.reverse:
                held.reverse()
            self._enqueue(held)
            waiting = set(self._inflight)
            if not wait:
                return []
            self._idle.wait_for(lambda: self._pending == 0, timeout)
            return [dict(r) for r in self._deliveries if r["event_id"] in waiting]

    # -- inspection ----------------------------------------------------------------------
    def events(self) -> list[dict]:
        with self._lock:
            return copy.deepcopy(self._events)

    def deliveries(self) -> list[dict]:
        with self._lock:
            return [dict(record) for record in self._deliveries]

    def describe(self) -> dict:
        with self._lock:
            return {
                "subscriptions": [subscription.describe() for subscription in self._subscriptions],
                "events": len(self._events),
                "held": len(self._held),
                "deliveries": [dict(record) for record in self._deliveries],
            }

    # -- delivery ------------------------------------------------------------------------
    def _enqueue(self, jobs: list[_Job]) -> None:
        """Caller holds self._lock."""
        if not jobs:
            return
        if self._worker is None:
            self._worker = threading.Thread(
                target=self._run, name="notion-sandbox-webhooks", daemon=True
            )
            self._worker.start()
        self._pending += len(jobs)
        for job in jobs:
            self._inflight[job.event["id"]] += 1
            self._queue.put(job)

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                self._deliver(job)
            except Exception:
                logger.exception("notion sandbox: webhook delivery failed unexpectedly")
            finally:
                with self._idle:
                    self._pending -= 1
                    self._inflight[job.event["id"]] -= 1
                    if self._inflight[job.event["id"]] <= 0:
                        del self._inflight[job.event["id"]]
                    self._idle.notify_all()

    def _deliver(self, job: _Job) -> None:
        """One event: the first POST and up to three redeliveries with the same id."""
        subscription = job.subscription
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if job.generation != self._generation:
                return
            body = json.dumps({**job.event, "attempt_number": attempt}).encode()
            headers = {
                "Content-Type": "application/json",
                "X-Notion-Signature": webhook_signature(subscription.verification_token, body),
                "User-Agent": "notion-api",
            }
            status, error = _post(subscription.url, body, headers)
            with self._lock:
                if job.generation == self._generation:
                    self._deliveries.append(
                        {
                            "event_id": job.event["id"],
                            "type": job.event["type"],
                            "subscription_id": subscription.id,
                            "attempt_number": attempt,
                            "status": status,
                            "error": error,
                            "time": time.time(),
                        }
                    )
            if status is not None and 200 <= status < 300:
                return
            if attempt < MAX_ATTEMPTS:
                time.sleep(self.backoff[attempt - 1])


def _event(state, subscription: Subscription, change: dict) -> dict:
    workspace = state.workspaces.get(change["workspace_id"]) or {}
    return {
        "id": new_id(),
        "timestamp": change["timestamp"],
        "workspace_id": change["workspace_id"],
        "workspace_name": workspace.get("name", ""),
        "subscription_id": subscription.id,
        "integration_id": subscription.integration_id,
        "type": change["type"],
        "authors": [{"id": change["author"], "type": "bot"}],
        "accessible_by": [{"id": subscription.integration_id, "type": "bot"}],
        "attempt_number": 1,
        "api_version": API_VERSION,
        "entity": copy.deepcopy(change["entity"]),
        "data": copy.deepcopy(change["data"]),
    }
