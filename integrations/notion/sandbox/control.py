"""Loopback-only /__sandbox__/ endpoints so other processes can steer a running sandbox."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import parse_qs

from .faults import fault_from_spec

LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}


def _json(raw: bytes) -> object:
    return json.loads(raw.decode("utf-8")) if raw.strip() else {}


def _requests(sandbox, query: str) -> dict:
    params = parse_qs(query)
    since = float(params.get("since", ["0"])[0])
    entries = sandbox.requests_since(since)
    return {
        "count": len(entries),
        "by_status": dict(Counter(str(entry["status"]) for entry in entries)),
        "by_path": dict(Counter(f"{entry['method']} {entry['path']}" for entry in entries)),
        "requests": entries if params.get("full", ["1"])[0] != "0" else [],
    }


def _faults_add(sandbox, body: object) -> dict:
    specs = body.get("faults", [body]) if isinstance(body, dict) else body
    faults = [sandbox.faults.add(fault_from_spec(spec)) for spec in specs]
    return {"faults": [fault.describe() for fault in faults]}


def _rate_limit(sandbox, body: dict) -> dict:
    if body.get("enabled") is False or ("rate" in body and body["rate"] is None):
        sandbox.set_rate_limit(None)
    else:
        sandbox.set_rate_limit(float(body.get("rate", 3.0)), int(body.get("burst", 10)))
    return {"rate": sandbox.limiter.rate, "burst": sandbox.limiter.burst}


_SUBSCRIBE_FIELDS = {
    "url",
    "token",
    "verification_token",
    "event_types",
    "duplicate",
    "reverse",
    "hold",
    "handshake",
}


def _webhook_subscribe(sandbox, body: dict) -> dict:
    unknown = set(body) - _SUBSCRIBE_FIELDS
    if unknown:
        raise ValueError(f"unknown webhook fields: {', '.join(sorted(unknown))}")
    options = {key: value for key, value in body.items() if key != "url"}
    return sandbox.webhook_subscribe(body["url"], **options)


def _webhook_flush(sandbox, body: dict) -> dict:
    wait = bool(body.get("wait", True))
    return {"deliveries": sandbox.webhook_flush(wait, float(body.get("timeout", 10.0)))}


def control_handle(
    sandbox, method: str, path: str, query: str, raw: bytes, client: str
) -> tuple[int, dict]:
    """Answer a control request; only the local machine may steer the sandbox."""
    if client not in LOOPBACK:
        return 403, {"error": "control endpoints are loopback only"}
    action = path.removeprefix("/__sandbox__/").strip("/")
    try:
        body = _json(raw)
        if (method, action) == ("POST", "reset"):
            sandbox.reset()
            return 200, {"ok": True}
        if (method, action) == ("POST", "faults"):
            return 200, _faults_add(sandbox, body)
        if (method, action) == ("GET", "faults"):
            return 200, {"faults": [fault.describe() for fault in sandbox.faults.active()]}
        if (method, action) == ("DELETE", "faults"):
            sandbox.faults.clear()
            return 200, {"ok": True}
        if (method, action) == ("POST", "revoke"):
            sandbox.revoke(body["token"])
            return 200, {"ok": True}
        if (method, action) == ("POST", "rate_limit"):
            return 200, _rate_limit(sandbox, body)
        if (method, action) == ("POST", "query_cap"):
            sandbox.state.query_cap = int(body["cap"])
            return 200, {"query_cap": sandbox.state.query_cap}
        if (method, action) == ("GET", "requests"):
            return 200, _requests(sandbox, query)
        if (method, action) == ("GET", "stats"):
            return 200, sandbox.stats()
        if (method, action) == ("POST", "webhooks"):
            return 200, _webhook_subscribe(sandbox, body)
        if (method, action) == ("POST", "webhooks/flush"):
            return 200, _webhook_flush(sandbox, body)
        if (method, action) == ("GET", "webhooks"):
            return 200, sandbox.webhooks.describe()
        if (method, action) == ("GET", "webhooks/events"):
            return 200, {"events": sandbox.webhook_events()}
        if (method, action) == ("DELETE", "webhooks"):
            sandbox.webhook_unsubscribe()
            return 200, {"ok": True}
        if (method, action) == ("POST", "save"):
            sandbox.save(body.get("path"))
            return 200, {"ok": True}
    except (KeyError, TypeError, ValueError) as exc:
        return 400, {"error": f"{exc.__class__.__name__}: {exc}"}
    return 404, {"error": f"unknown control endpoint {method} {path}"}
