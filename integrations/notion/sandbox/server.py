"""NotionSandbox: a ThreadingHTTPServer that answers like the Notion API (2025-09-03)."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from .api import JSON_TYPE, serve_request
from .control import control_handle
from .faults import Fault, FaultBook, fault_from_spec
from .ratelimit import RateLimiter
from .seed import (
    ALL_CAPABILITIES,
    ROOT_PAGE_ID,
    SANDBOX_TOKEN,
    WORKSPACE_ID,
    integration_add,
    seed_workspace,
)
from .state import DEFAULT_QUERY_CAP, SandboxState
from .util import new_id
from .webhooks import WebhookHub

MAX_LOG = 200_000


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so clients can reuse connections
    # One buffered write per answer and no Nagle: otherwise keep-alive calls stall ~40 ms.
    wbufsize = -1
    disable_nagle_algorithm = True
    server_version = "NotionSandbox/1.0"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:
        """Silent: the sandbox keeps its own request log (never bodies or tokens)."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        sandbox: NotionSandbox = self.server.sandbox  # type: ignore[attr-defined]
        if url.path.startswith("/__sandbox__"):
            status, payload = control_handle(
                sandbox, self.command, url.path, url.query, raw, self.client_address[0]
            )
            self._write(status, json.dumps(payload).encode(), new_id(), {}, JSON_TYPE)
            return
        host = self.headers.get("Host") or f"{sandbox.host}:{sandbox.port}"
        answer = serve_request(
            sandbox, self.command, url.path, url.query, raw, self.headers, f"http://{host}"
        )
        if answer.body is None:
            self.close_connection = True  # drop: no status line, no body
            return
        self._write(
            answer.status, answer.body, answer.request_id, answer.headers, answer.content_type
        )

    def _write(self, status: int, body: bytes, request_id: str, headers: dict, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-notion-request-id", request_id)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


class NotionSandbox:
    """A local fake of api.notion.com. `url` is the base URL without /v1.

    sandbox = NotionSandbox(rate_limit=None).start()   # seeded "Acme Sandbox", free port
    sandbox.inject(path="/v1/pages", method="POST", status=504, apply=True)
    sandbox.state.pages_titled("Weekly notes")          # inspect what clients wrote
    sandbox.webhook_subscribe("http://127.0.0.1:9000/hook")  # signed webhook deliveries
    sandbox.reset(); sandbox.stop()

    A `state_file` is loaded at start when it exists and written on stop(); reset() always
    returns to the seed.
    """

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        state_file: str | Path | None = None,
        rate_limit: tuple[float, int] | None = (3.0, 10),
        seed: bool = True,
    ) -> None:
        self.host = host
        self._requested_port = port
        self.state_file = Path(state_file) if state_file else None
        self.seed = seed
        self.state = SandboxState()
        self.faults = FaultBook()
        self.limiter = RateLimiter(*(rate_limit or (None, 10)))
        self._log: deque[dict] = deque(maxlen=MAX_LOG)
        self._log_lock = threading.Lock()
        self.webhooks = WebhookHub(self.state)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        if self.state_file and self.state_file.exists():
            self.state.load(self.state_file)
        elif seed:
            seed_workspace(self.state)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> NotionSandbox:
        self._server = _Server((self.host, self._requested_port), _Handler)
        self._server.sandbox = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="notion-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.webhooks.close()
        if self.state_file:
            self.save()

    def __enter__(self) -> NotionSandbox:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._server.server_address[1] if self._server else self._requested_port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- control -------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the seed; clear faults, the request log, rate-limit buckets and webhooks."""
        if self.seed:
            seed_workspace(self.state)
        else:
            with self.state.lock:
                self.state.clear()
        self.state.query_cap = DEFAULT_QUERY_CAP
        self.faults.clear()
        self.limiter.reset()
        self.webhooks.reset()
        with self._log_lock:
            self._log.clear()

    def inject(self, **spec) -> Fault:
        """Add a fault, e.g. inject(path="/v1/pages", method="POST", status=504, apply=True)."""
        return self.faults.add(fault_from_spec(spec))

    def clear_faults(self) -> None:
        self.faults.clear()

    def revoke(self, token: str) -> None:
        with self.state.lock:
            record = self.state.tokens.get(token)
            if record is None:
                raise KeyError("unknown token")
            record["revoked"] = True

    def add_token(
        self,
        token: str,
        *,
        name: str,
        capabilities=ALL_CAPABILITIES,
        user_info: str = "with_email",
        shared=(ROOT_PAGE_ID,),
        workspace_id: str = WORKSPACE_ID,
        bot_id: str | None = None,
    ) -> dict:
        """Register a new integration with one token (sharing the given roots)."""
        with self.state.lock:
            return integration_add(
                self.state,
                bot_id=bot_id or new_id(),
                name=name,
                workspace_id=workspace_id,
                token=token,
                capabilities=capabilities,
                user_info=user_info,
                shared=shared,
            )

    def set_rate_limit(self, rate: float | None, burst: int = 10) -> None:
        """Per-token token bucket; `None` turns rate limiting off."""
        self.limiter.configure(rate, burst)

    def set_query_cap(self, cap: int) -> None:
        self.state.query_cap = cap

    def save(self, path: str | Path | None = None) -> None:
        target = path or self.state_file
        if target is None:
            raise ValueError("no state file given")
        self.state.save(target)

    # -- webhooks ------------------------------------------------------------------------
    def webhook_subscribe(
        self,
        url: str | None,
        *,
        token: str = SANDBOX_TOKEN,
        verification_token: str | None = None,
        event_types=None,
        duplicate: bool = False,
        reverse: bool = False,
        hold: bool = False,
        handshake: bool = True,
    ) -> dict:
        """Deliver signed events for changes in `token`'s workspace to `url` (None: record only).

        Returns {"subscription_id", "verification_token", "handshake_status"}. duplicate: every
        event is POSTed twice; hold: nothing is sent until webhook_flush(); reverse (with hold):
        the flush sends newest first. A new subscription replaces the previous one.
        """
        return self.webhooks.subscribe(
            url,
            token=token,
            verification_token=verification_token,
            event_types=event_types,
            duplicate=duplicate,
            reverse=reverse,
            hold=hold,
            handshake=handshake,
        )

    def webhook_flush(self, wait: bool = True, timeout: float = 10.0) -> list[dict]:
        """Send held events; with `wait`, return their delivery records once all were tried."""
        return self.webhooks.flush(wait=wait, timeout=timeout)

    def webhook_events(self) -> list[dict]:
        return self.webhooks.events()

    def webhook_deliveries(self) -> list[dict]:
        return self.webhooks.deliveries()

    def webhook_unsubscribe(self) -> None:
        self.webhooks.unsubscribe()

    # -- request log ---------------------------------------------------------------------
    def log_request(
        self,
        method: str,
        path: str,
        token: str | None,
        status: int,
        request_id: str,
        fault_id: str | None,
    ) -> None:
        entry = {
            "time": time.time(),
            "method": method,
            "path": path,
            "token": f"…{token[-4:]}" if token else None,
            "status": status,
            "request_id": request_id,
            "fault": fault_id,
        }
        with self._log_lock:
            self._log.append(entry)

    @property
    def requests(self) -> list[dict]:
        with self._log_lock:
            return list(self._log)

    def requests_since(self, since: float) -> list[dict]:
        with self._log_lock:
            return [entry for entry in self._log if entry["time"] >= since]

    def stats(self) -> dict:
        entries = self.requests
        return {
            "url": self.url,
            "objects": self.state.counts(),
            "requests": len(entries),
            "faults": len(self.faults.active()),
            "rate_limit": {"rate": self.limiter.rate, "burst": self.limiter.burst},
            "query_cap": self.state.query_cap,
        }
