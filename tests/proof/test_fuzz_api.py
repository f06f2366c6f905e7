"""Fuzzing the assistants' API from its OpenAPI description: no 5xx, every 4xx the error shape."""

import functools
import itertools
import json
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from integrations.models import ActionLog
from integrations.notion.sandbox import seed
from integrations.tools.registry import tool_list
from phinite_notion.wsgi import application

ARTIFACTS = Path(django_settings.BASE_DIR) / "artifacts"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
ERROR_FIELDS = {"code", "message", "details", "call_id"}
CONNECTION = "Notion Workspace"
# Ids the sandbox knows, so that some fuzzed calls reach real Notion paths instead of 404s.
KNOWN_IDS = [
    seed.ROOT_PAGE_ID,
    seed.PROJECT_PLAN_PAGE_ID,
    seed.MEETING_NOTES_PAGE_ID,
    seed.SCRATCHPAD_PAGE_ID,
    seed.PRIVATE_PAGE_ID,
    seed.TASKS_DATABASE_ID,
    seed.TASKS_DATA_SOURCE_ID,
    seed.TASK_ROW_IDS[1],
    seed.DISCUSSION_ID,
    seed.ALICE_ID,
    "me",
]
FUZZ_SETTINGS = {
    "deadline": None,
    "database": None,
    "suppress_health_check": list(HealthCheck),
}


def report(name: str, figures: dict, capsys) -> None:
    """Prints the run's figures and keeps them in artifacts/ for docs/reliability.md."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(figures, indent=2))
    with capsys.disabled():
        print(f"\n{name}: {json.dumps(figures)}")


@functools.cache
def api_schema():
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def _content_type(response) -> str:
    value = response.headers.get("content-type") or response.headers.get("Content-Type") or ""
    return value[0] if isinstance(value, list) else value


def assert_documented_error(response) -> None:
    """A 4xx is JSON: {"error": {"code", "message", "details"?, "call_id"?}} and nothing else."""
    status = response.status_code
    assert status < 500, f"{status}: {response.text[:300]}"
    if status < 400:
        return
    assert _content_type(response).startswith("application/json"), (status, response.text[:300])
    body = json.loads(response.text)
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) <= ERROR_FIELDS, error
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str) and error["message"], error
    if "details" in error:
        assert isinstance(error["details"], list) and error["details"], error
        assert all(
            isinstance(d, dict) and isinstance(d.get("message"), str) for d in error["details"]
        )
    if "call_id" in error:
        assert isinstance(error["call_id"], int), error


class Fuzzer:
    """Sends generated cases with a valid key, each from its own address (negative cases drop or
    break the key, and failed logins from one address would soon be throttled), and checks them."""

    def __init__(self, key: str):
        self.key = key
        self.addresses = (f"10.77.{n // 250}.{n % 250 + 1}" for n in itertools.count())
        self.statuses: Counter = Counter()

    @property
    def sent(self) -> int:
        return sum(self.statuses.values())

    def send(self, case):
        response = case.call(
            headers={"Authorization": f"Bearer {self.key}"},
            environ_overrides={"REMOTE_ADDR": next(self.addresses)},
        )
        self.statuses[(case.operation.label, response.status_code)] += 1
        assert_documented_error(response)
        case.validate_response(response, checks=CHECKS)
        return response

    def run(self, operation, mode: GenerationMode, examples: int) -> None:
        strategy = operation.as_strategy(generation_mode=mode)
        tool_names = [tool.name for tool in tool_list()]
        aim_at_notion = mode == GenerationMode.POSITIVE and operation.method.upper() == "POST"

        @settings(max_examples=examples, **FUZZ_SETTINGS)
        @given(case=strategy, data=st.data())
        def fuzz(case, data):
            if aim_at_notion and isinstance(case.body, dict) and data.draw(st.booleans()):
                # Still schema-valid, but now naming a real connection and a real tool.
                case.body["connection"] = CONNECTION
                case.body["tool"] = data.draw(st.sampled_from(tool_names))
            self.send(case)

        fuzz()


def _operations() -> dict:
    return {op.label: op for op in (r.ok() for r in api_schema().get_all_operations())}


def fuzz_the_api(key: str, total: int) -> Fuzzer:
    """Runs every operation in positive and negative mode until `total` cases were sent; most of
    them go to POST /tool-calls, the only operation with a body."""
    fuzzer = Fuzzer(key)
    operations = _operations()
    small = max(5, total // 40)
    for label, operation in operations.items():
        if not label.startswith("POST"):
            for mode in GenerationMode:
                fuzzer.run(operation, mode, small if "{id}" not in label else total // 8)
    create = operations["POST /api/v1/tool-calls"]
    while fuzzer.sent < total:
        left = total - fuzzer.sent
        fuzzer.run(create, GenerationMode.POSITIVE, max(10, left // 2))
        fuzzer.run(create, GenerationMode.NEGATIVE, max(10, left // 2))
    return fuzzer


@pytest.fixture
def fuzz_key(api, settings):
    # A transient Notion error would only add backoff sleeps to the in-process run.
    settings.TOOL_CALL_MAX_ATTEMPTS = 1
    return api.key


def test_the_description_lists_every_operation_the_fuzzer_covers():
    assert set(_operations()) == {
        "GET /api/v1/tools",
        "GET /api/v1/connections",
        "POST /api/v1/tool-calls",
        "GET /api/v1/tool-calls/{id}",
    }


def test_a_thousand_fuzzed_requests_get_no_5xx_and_only_documented_errors(fuzz_key, capsys):
    fuzzer = fuzz_the_api(fuzz_key, total=1000)
    assert fuzzer.sent >= 1000
    assert not [k for k in fuzzer.statuses if k[1] >= 500]
    assert {status for _, status in fuzzer.statuses} >= {200, 400, 401, 404}
    ran = ActionLog.objects.filter(action__startswith="tool.").exclude(status="rejected").count()
    report(
        "fuzz-api",
        {
            "cases": fuzzer.sent,
            "by_operation_and_status": {
                f"{op} {code}": n for (op, code), n in sorted(fuzzer.statuses.items())
            },
            "calls_that_ran_against_the_sandbox": ran,
        },
        capsys,
    )


# --- what the fuzzer found answered in HTML or with a 500, pinned -------------------------


def test_a_nul_character_anywhere_in_a_call_is_a_400_naming_the_field(api):
    for body, field in [
        ({"connection": "Notion\u0000", "tool": "notion_get_user"}, "connection"),
        (
            {"connection": 1, "tool": "notion_get_user", "arguments": {"user_id": "m\u0000"}},
            "arguments.user_id",
        ),
        ({"connection": 1, "tool": "x", "idempotency_key": "\ud800"}, "idempotency_key"),
    ]:
        response = api.post("/api/v1/tool-calls", body)
        assert response.status_code == 400, body
        error = response.json()["error"]
        assert error["code"] == "invalid_request" and error["details"][0]["field"] == field


def test_a_nul_in_the_key_is_an_ordinary_401(client, db):
    response = client.get("/api/v1/tools", HTTP_AUTHORIZATION="Bearer pn_\x00abc")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


def test_a_body_over_djangos_upload_limit_is_a_json_413(api):
    big = json.dumps({"connection": 1, "tool": "t", "arguments": {"x": "a" * 3_000_000}})
    response = api.http.post(
        "/api/v1/tool-calls",
        big,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.key}",
    )
    assert response.status_code == 413 and response.json()["error"]["code"] == "body_too_large"


def test_a_wrong_method_is_a_json_405_with_allow(api):
    response = api.post("/api/v1/tools", {})
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert api.get("/api/v1/tool-calls").status_code == 405


def test_a_redis_outage_is_a_json_503_with_retry_after_not_an_html_500(api, monkeypatch):
    from redis.exceptions import ConnectionError as RedisDown

    def down(**kwargs):
        raise RedisDown("Connection refused")

    monkeypatch.setattr("integrations.api.views.tool_call_request", down)
    response = api.call("notion_get_user", {"user_id": "me"})
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["error"]["code"] == "temporarily_unavailable"


def test_a_cache_outage_does_not_lock_assistants_out(api, monkeypatch):
    from django.core.cache import cache
    from redis.exceptions import ConnectionError as RedisDown

    def down(*args, **kwargs):
        raise RedisDown("Connection refused")

    for method in ("get", "add", "incr", "set"):
        monkeypatch.setattr(cache, method, down)
    assert api.get("/api/v1/tools").status_code == 200
    assert api.http.get("/api/v1/tools", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/tool-calls/abc", "/api/v1/tool-calls/-4", "/api/v1/x"])
def test_an_unknown_api_path_is_a_json_404(api, path):
    response = api.get(path)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


# --- arguments fuzzed per tool, from each tool's own input schema --------------------------


@functools.cache
def tools_schema():
    """A synthetic description with one operation per tool whose body is the tool's arguments:
    schemathesis then generates arguments that mostly pass the tool's own validation."""
    paths = {
        f"/{tool.name}": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": tool.input_schema()}},
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
        for tool in tool_list()
    }
    return schemathesis.openapi.from_dict(
        {"openapi": "3.1.0", "info": {"title": "tools", "version": "1"}, "paths": paths}
    )


def _with_known_ids(arguments, data):
    """Swaps some *_id strings for ids the sandbox knows, so calls get past object_not_found."""
    if not isinstance(arguments, dict):
        return arguments
    for name, value in list(arguments.items()):
        if name.endswith("_id") and isinstance(value, str) and data.draw(st.booleans()):
            arguments[name] = data.draw(st.sampled_from(KNOWN_IDS))
    return arguments


def _fuzz_one_tool(api, tool, examples: int, outcomes: Counter) -> None:
    operation = tools_schema()[f"/{tool.name}"]["POST"]

    @settings(max_examples=examples, **FUZZ_SETTINGS)
    @given(case=operation.as_strategy(), data=st.data())
    def fuzz(case, data):
        arguments = _with_known_ids(case.body, data)
        response = api.call(tool.name, arguments, connection=CONNECTION)
        assert_documented_error(response)
        body = response.json()
        if response.status_code == 200:
            # The call ran: a failure must be one the assistant can act on, never our bug.
            assert body["status"] in ("succeeded", "failed"), body
            code = (body["error"] or {}).get("code")
            assert code != "internal_error", (tool.name, arguments, body)
            outcomes[(tool.name, body["status"], code)] += 1
        else:
            assert response.status_code == 400, (tool.name, arguments, body)
            assert body["error"]["code"] in ("invalid_arguments", "invalid_request"), body
            outcomes[(tool.name, "rejected", body["error"]["code"])] += 1

    fuzz()


def fuzz_tool_arguments(api, examples_per_tool: int) -> Counter:
    outcomes: Counter = Counter()
    for tool in tool_list():
        _fuzz_one_tool(api, tool, examples_per_tool, outcomes)
    return outcomes


def test_fuzzed_arguments_for_every_tool_never_fail_with_an_internal_error(api, settings):
    settings.TOOL_CALL_MAX_ATTEMPTS = 1
    outcomes = fuzz_tool_arguments(api, examples_per_tool=5)
    assert {name for name, _, _ in outcomes} == {tool.name for tool in tool_list()}


@pytest.mark.slow
def test_fuzzed_arguments_at_length_never_fail_with_an_internal_error(api, settings, capsys):
    settings.TOOL_CALL_MAX_ATTEMPTS = 1
    outcomes = fuzz_tool_arguments(api, examples_per_tool=60)
    ran = sum(n for (_, status, _), n in outcomes.items() if status != "rejected")
    assert ran > 0
    by_outcome = Counter()
    for (_, status, code), n in outcomes.items():
        by_outcome[f"{status} {code or ''}".strip()] += n
    report(
        "fuzz-tool-arguments",
        {"calls": sum(outcomes.values()), "ran": ran, "by_outcome": dict(by_outcome)},
        capsys,
    )
