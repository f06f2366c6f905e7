"""Replay every recorded Notion interaction the sandbox serves and compare answer shapes.

Each cassette in tests/data/notion_recorded (real api.notion.com answers, 2025-09-03) is
replayed in order against a freshly reset sandbox. Recorded ids are mapped to sandbox ids as
they appear (the recordings' shared parent page becomes "Phinite Sandbox Home"), so later
requests address the objects the sandbox created. For every interaction the sandbox must
answer with the recorded status, the recorded error code, and a body with the same keys and
value types, recursively.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import requests
import yaml

from integrations.notion.sandbox import seed
from integrations.notion.sandbox.util import parse_id
from tests.recordings import RECORDED as RECORDINGS_DIR

RECORDED = Path(os.environ.get("NOTION_RECORDINGS_DIR", str(RECORDINGS_DIR)))
CASSETTES = sorted(RECORDED.glob("*.yaml")) if RECORDED.is_dir() else []

# Endpoints the sandbox does not serve, with the reason. Interactions on them are skipped.
SKIPPED_ENDPOINTS = [
    (r"^https://mock\.httpstatus\.io/", "not the Notion API (an HTTP-status mock host)"),
    (r"/v1/file_uploads", "file uploads are not served (multipart send, upload lifecycle)"),
    (r"/v1/views", "database views and view queries are not served"),
    (r"/v1/custom_emojis", "custom emojis are not served"),
]
# Whole cassettes whose every interaction is skipped for the reasons above.
SKIPPED_CASSETTES = {
    "test_api_async_request_bad_request_error.yaml": "mock.httpstatus.io only",
    "test_api_http_response_error.yaml": "mock.httpstatus.io only",
    "test_custom_emojis_list.yaml": "custom emojis are not served",
    "test_file_uploads_create.yaml": "file uploads are not served",
    "test_file_uploads_create_external.yaml": "file uploads are not served",
    "test_file_uploads_list.yaml": "file uploads are not served",
    "test_file_uploads_list_with_pagination.yaml": "file uploads are not served",
    "test_file_uploads_list_with_start_cursor.yaml": "file uploads are not served",
    "test_file_uploads_list_with_status_filter.yaml": "file uploads are not served",
    "test_file_uploads_retrieve.yaml": "file uploads are not served",
    "test_file_uploads_send.yaml": "file uploads are not served",
}
# Documented differences: these fields are nullable in Notion; a recording with null and a
# sandbox answer with a value (or the reverse) are both valid shapes. The sandbox's seeded
# workspace holds more objects than the recording's, so a list may continue (next_cursor).
NULLABLE_KEYS = {"next_cursor", "icon", "cover", "avatar_url"}

UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
TASK = re.compile(r"task_([0-9a-f]{32})")
KNOWN_IDS = {
    "393abc1e-edcd-80f3-813b-e205934558c6": seed.ROOT_PAGE_ID,  # the shared parent page
    "7775f3a3-893f-43fa-b625-460c61094c78": seed.BOT_ID,  # the recording's integration bot
    "a4f789cc-7bc8-4cf0-82b9-a8ba7d985ecf": seed.ALICE_ID,  # the workspace's person
    "231674b6-2cc1-46bc-b742-c5c9fe4b9c73": seed.WORKSPACE_ID,
}


class IdMap:
    """Recorded id -> sandbox id, learned by walking recorded and sandbox answers together."""

    def __init__(self) -> None:
        self.ids = dict(KNOWN_IDS)
        self.tasks: dict[str, str] = {}

    def substitute(self, text: str) -> str:
        text = TASK.sub(lambda m: "task_" + self.tasks.get(m.group(1), m.group(1)), text)

        def replace(match: re.Match) -> str:
            canonical = parse_id(match.group(0))
            return self.ids.get(canonical, match.group(0)) if canonical else match.group(0)

        return UUID.sub(replace, text)

    def learn(self, recorded: object, actual: object) -> None:
        if isinstance(recorded, dict) and isinstance(actual, dict):
            for key in recorded.keys() & actual.keys():
                self.learn(recorded[key], actual[key])
        elif isinstance(recorded, list) and isinstance(actual, list):
            for left, right in zip(recorded, actual, strict=False):
                self.learn(left, right)
        elif isinstance(recorded, str) and isinstance(actual, str):
            task_left, task_right = TASK.fullmatch(recorded), TASK.fullmatch(actual)
            if task_left and task_right:
                self.tasks[task_left.group(1)] = task_right.group(1)
            left, right = parse_id(recorded), parse_id(actual)
            if left and right and left not in self.ids:
                self.ids[left] = right


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def shape_diff(recorded: object, actual: object, path: str = "$") -> list[str]:
    """Differences in keys and value types; lists match if every recorded item has a twin."""
    key = path.rsplit(".", 1)[-1]
    if key in NULLABLE_KEYS and (recorded is None or actual is None):
        return []
    if isinstance(recorded, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected object, got {_kind(actual)}"]
        if key == "properties":
            return _properties_diff(recorded, actual, path)
        if recorded.get("type") != actual.get("type") and "type" in recorded and "type" in actual:
            # A different member of a tagged union (parent, user, mention): same tag layout.
            tag = actual["type"]
            return [] if tag in actual or not isinstance(tag, str) else [f"{path}: no {tag} key"]
        diffs = [f"{path}: missing key {k!r}" for k in recorded.keys() - actual.keys()]
        diffs += [f"{path}: unexpected key {k!r}" for k in actual.keys() - recorded.keys()]
        for name in recorded.keys() & actual.keys():
            diffs += shape_diff(recorded[name], actual[name], f"{path}.{name}")
        return diffs
    if isinstance(recorded, list):
        if not isinstance(actual, list):
            return [f"{path}: expected array, got {_kind(actual)}"]
        if recorded and not actual:
            return [f"{path}: empty, the recording had {len(recorded)} items"]
        diffs = []
        for index, item in enumerate(recorded):
            tries = [shape_diff(item, candidate, f"{path}[{index}]") for candidate in actual]
            if tries and all(tries):
                diffs += min(tries, key=len)
        return diffs
    if _kind(recorded) != _kind(actual):
        return [f"{path}: expected {_kind(recorded)}, got {_kind(actual)}"]
    return []


def _properties_diff(recorded: dict, actual: dict, path: str) -> list[str]:
    """Property maps are keyed by user-chosen names: match each recorded value by its type."""
    diffs = []
    for name, value in recorded.items():
        kind = value.get("type") if isinstance(value, dict) else None
        twins = [
            item for item in actual.values() if isinstance(item, dict) and item.get("type") == kind
        ]
        tries = [shape_diff(value, twin, f"{path}.{name}") for twin in twins]
        if not tries:
            diffs.append(f"{path}: no {kind} property like {name!r}")
        elif all(tries):
            diffs += min(tries, key=len)
    return diffs


def _skip_reason(uri: str) -> str | None:
    return next((reason for pattern, reason in SKIPPED_ENDPOINTS if re.search(pattern, uri)), None)


def _body(response: dict) -> object:
    text = response["body"]["string"]
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def _replay(sandbox, interaction: dict, ids: IdMap, session: requests.Session) -> list[str]:
    request, recorded = interaction["request"], interaction["response"]
    status = recorded["status"]["code"]
    uri = ids.substitute(request["uri"]).replace("https://api.notion.com", sandbox.url)
    body = request.get("body")
    headers = {
        "Authorization": "Bearer "
        + ("ntn_not_a_real_token_0000" if status == 401 else seed.SANDBOX_TOKEN),
        "Notion-Version": request["headers"].get("notion-version", ["2025-09-03"])[0],
    }
    if body:
        headers["Content-Type"] = "application/json"
    answer = session.request(
        request["method"],
        uri,
        headers=headers,
        timeout=10,
        data=ids.substitute(body).encode() if body else None,
    )
    where = f"{request['method']} {request['uri']}"
    if answer.status_code != status:
        return [f"{where}: status {answer.status_code} != recorded {status}: {answer.text[:300]}"]
    expected, actual = _body(recorded), answer.json()
    ids.learn(expected, actual)
    is_error = isinstance(expected, dict) and expected.get("object") == "error"
    if is_error and actual.get("code") != expected["code"]:
        return [f"{where}: code {actual.get('code')} != recorded {expected['code']}"]
    if "x-notion-request-id" not in answer.headers:
        return [f"{where}: no x-notion-request-id header"]
    return [f"{where}: {diff}" for diff in shape_diff(expected, actual)]


@pytest.mark.skipif(not CASSETTES, reason=f"no recordings at {RECORDED} (NOTION_RECORDINGS_DIR)")
@pytest.mark.parametrize("cassette", CASSETTES, ids=[path.stem for path in CASSETTES])
def test_sandbox_answers_recorded_interactions_with_the_same_shapes(notion_sandbox, cassette):
    if cassette.name in SKIPPED_CASSETTES:
        pytest.skip(SKIPPED_CASSETTES[cassette.name])
    interactions = yaml.safe_load(cassette.read_text())["interactions"]
    ids, problems, replayed = IdMap(), [], 0
    with requests.Session() as session:
        for interaction in interactions:
            if _skip_reason(interaction["request"]["uri"]):
                continue
            problems += _replay(notion_sandbox, interaction, ids, session)
            replayed += 1
    assert replayed, "every interaction was skipped; list the cassette in SKIPPED_CASSETTES"
    assert problems == []


def test_every_skipped_cassette_exists_and_is_really_unserved():
    if not CASSETTES:
        pytest.skip(f"no recordings at {RECORDED}")
    names = {path.name for path in CASSETTES}
    assert set(SKIPPED_CASSETTES) <= names
    for name in SKIPPED_CASSETTES:
        uris = [
            i["request"]["uri"]
            for i in yaml.safe_load((RECORDED / name).read_text())["interactions"]
        ]
        assert all(_skip_reason(uri) for uri in uris), name


def test_shape_diff_reports_a_missing_key_and_a_type_change():
    recorded = {"object": "page", "in_trash": False, "properties": {"title": {"title": []}}}
    actual = {"object": "page", "in_trash": "no", "extra": 1, "properties": {"title": {}}}
    diffs = shape_diff(recorded, actual)
    assert "$.in_trash: expected boolean, got str" in diffs
    assert "$: unexpected key 'extra'" in diffs
    assert "$.properties.title: missing key 'title'" in diffs
