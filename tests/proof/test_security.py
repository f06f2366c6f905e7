"""Security proofs: the permission matrix over the API, isolation, secrets that never leak,
keys compared in constant time, throttled logins, and a clean `check --deploy`."""

import hmac
import json
import os
import secrets
import subprocess
import sys
import textwrap

import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection as db
from django.test import Client
from django.urls import reverse

from assistants.models import ACCESS_RANK, Access, Assistant
from assistants.selectors import assistant_authenticate
from assistants.services import assistant_create, assistant_rotate_key
from integrations.api import auth as api_auth
from integrations.forms import ConnectionAddForm
from integrations.models import ActionLog, NotionConnection
from integrations.notion.client import NotionClient
from integrations.notion.errors import NotionError
from integrations.notion.ratelimit import get_limiter
from integrations.notion.sandbox.seed import PRIVATE_PAGE_ID, ROOT_PAGE_ID
from integrations.pacing import PacedNotionClient
from integrations.services import ConnectionCheckFailed, connection_create
from integrations.tools.base import ToolContext
from integrations.tools.errors import explain_notion_error
from integrations.tools.registry import tool_list
from tests.fixtures.factories import SYSTEM, make_user
from tests.integrations.api.conftest import ApiClient
from tests.proof import leaks
from tests.proof.conftest import free_port, wait_all_final

ROOT = django_settings.BASE_DIR
LEVELS = ["read", "write", "full"]


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


# --- the permission matrix ----------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
def test_every_tool_is_refused_exactly_when_it_needs_more_than_the_access_level(
    api, set_access, notion_sandbox, level
):
    set_access(level)
    refused, allowed = {}, {}
    for tool in tool_list():
        before = len(notion_sandbox.requests)
        response = api.call(tool.name, {})
        if response.status_code == 403:
            refused[tool.name] = _error(response)["code"]
            assert len(notion_sandbox.requests) == before, f"{tool.name} reached Notion"
        else:
            allowed[tool.name] = response.status_code
    expected_refused = {
        t.name for t in tool_list() if ACCESS_RANK[Access(t.access)] > ACCESS_RANK[Access(level)]
    }
    assert set(refused) == expected_refused
    assert set(refused.values()) <= {"access_too_low"}
    # Allowed calls either ran or were turned down for their (empty) arguments, never for access.
    assert set(allowed.values()) <= {200, 202, 400}
    listed = {t["name"] for t in api.get("/api/v1/tools").json()["tools"]}
    assert listed == {t.name for t in tool_list()} - expected_refused


def test_an_assistant_not_assigned_to_a_connection_is_refused_every_tool(
    workspace, live_connection, notion_sandbox
):
    _, key = assistant_create(workspace=workspace, name="Unassigned", actor=SYSTEM)
    stranger = ApiClient(key)
    before = len(notion_sandbox.requests)
    codes = {
        tool.name: (response.status_code, _error(response)["code"])
        for tool in tool_list()
        if (response := stranger.call(tool.name, {}, connection=live_connection.pk))
    }
    assert set(codes.values()) == {(403, "not_assigned")}
    assert stranger.get("/api/v1/connections").json() == {"connections": []}
    assert stranger.get("/api/v1/tools").json() == {"tools": []}
    assert len(notion_sandbox.requests) == before


def test_another_workspaces_connection_is_unknown_for_every_tool_by_id_and_by_name(
    api, other_connection, notion_sandbox
):
    before = len(notion_sandbox.requests)
    for ref in (other_connection.pk, other_connection.name, str(other_connection.pk)):
        for tool in tool_list():
            response = api.call(tool.name, {}, connection=ref)
            assert response.status_code == 404, (tool.name, ref)
            assert _error(response)["code"] == "unknown_connection"
    assert len(notion_sandbox.requests) == before


def test_assistants_see_only_their_own_calls_and_connections_across_workspaces(
    api, workspace, other_connection
):
    spy = Assistant.objects.get(name="Spy")
    spy_api = ApiClient(assistant_rotate_key(assistant=spy, actor=SYSTEM))
    _, neighbour_key = assistant_create(workspace=workspace, name="Neighbour", actor=SYSTEM)
    neighbour = ApiClient(neighbour_key)

    mine = api.call("notion_get_user", {"user_id": "me"}).json()["id"]
    rejected = _error(api.call("notion_fly", {}))["call_id"]
    theirs = spy_api.call("notion_get_user", {"user_id": "me"}, connection=other_connection.pk)
    theirs = theirs.json()["id"]

    for outsider in (spy_api, neighbour):
        for call_id in (mine, rejected):
            response = outsider.get(f"/api/v1/tool-calls/{call_id}")
            assert response.status_code == 404 and _error(response)["code"] == "not_found"
    assert api.get(f"/api/v1/tool-calls/{theirs}").status_code == 404
    assert [c["name"] for c in api.get("/api/v1/connections").json()["connections"]] == [
        "Notion Workspace"
    ]
    assert [c["name"] for c in spy_api.get("/api/v1/connections").json()["connections"]] == [
        "Globex Notion"
    ]
    # Acme's assistant can't use Globex's connection; Globex's can't use Acme's.
    acme = api.get("/api/v1/connections").json()["connections"][0]["id"]
    assert spy_api.call("notion_get_user", {"user_id": "me"}, connection=acme).status_code == 404


def test_a_globex_admin_sees_nothing_of_acme_on_any_page(
    api, live_connection, other_connection, client
):
    """The pages and the admin of one Phinite workspace, opened by the other's admin (who is
    staff but no superuser): nothing of Acme shows, and Acme's objects are 404."""
    api.call("notion_get_user", {"user_id": "me"})
    acme_row = ActionLog.objects.filter(action="tool.notion_get_user").get()
    acme_secrets = ("Notion Workspace", "Helper", *acme_row.notion_request_ids)
    assert acme_row.notion_request_ids
    client.force_login(get_user_model().objects.get(username="bob"))
    pages = [
        reverse(name)
        for name in (
            "integrations:notion_list",
            "integrations:action_log",
            "integrations:action_log_csv",
            "integrations:template_list",
        )
    ] + leaks.admin_urls()
    acme_pages = [
        reverse("integrations:notion_detail", args=[live_connection.pk]),
        reverse("integrations:action_log_detail", args=[acme_row.pk]),
    ]
    for url in pages:
        response = client.get(url)
        text = leaks.page_text(response)
        assert response.status_code < 500, url
        for secret in acme_secrets:
            assert secret not in text, (url, secret)
    for url in acme_pages:
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("admin:integrations_notionconnection_change", args=[live_connection.pk]),
        reverse("admin:integrations_actionlog_change", args=[acme_row.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 404), url  # the admin redirects unknown objects
        assert "Notion Workspace" not in leaks.page_text(client.get(url, follow=True))


# --- the token never leaks ----------------------------------------------------------------


def _new_token(sandbox, name: str, *, revoked: bool = False) -> str:
    token = f"ntn_proof_{secrets.token_hex(20)}"
    sandbox.add_token(token, name=name)
    if revoked:
        sandbox.revoke(token)
    return token


def _raw_token_column(pk: int) -> str:
    with db.cursor() as cursor:
        cursor.execute("SELECT token FROM integrations_notionconnection WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _admin_flow(admin_client, sandbox, assistant, tokens) -> tuple[NotionConnection, list[str]]:
    """Add Configuration with a revoked token, then a valid one; test; rotate (revoked, then
    valid). Returns the connection and every page the admin saw."""
    add = reverse("integrations:notion_add")
    pages = [admin_client.get(add)]
    form = {"name": "Leak check", f"use_{assistant.pk}": "on", f"access_{assistant.pk}": "full"}
    refused = admin_client.post(add, {**form, "token": tokens["revoked"]}, follow=True)
    assert "Notion rejected this token" in leaks.page_text(refused)
    pages.append(refused)
    pages.append(admin_client.post(add, {**form, "token": tokens["first"]}, follow=True))
    connection = NotionConnection.objects.get(name="Leak check")
    detail = reverse("integrations:notion_detail", args=[connection.pk])
    pages.append(
        admin_client.post(reverse("integrations:notion_test", args=[connection.pk]), follow=True)
    )
    rotate = reverse("integrations:notion_rotate", args=[connection.pk])
    pages.append(admin_client.post(rotate, {"token": tokens["revoked"]}, follow=True))
    pages.append(admin_client.post(rotate, {"token": tokens["current"]}, follow=True))
    connection.refresh_from_db()
    assert connection.token == tokens["current"], "the rotation did not happen"
    pages.append(admin_client.get(detail))
    return connection, [leaks.page_text(p) for p in pages]


def _assistant_calls(key: str, sandbox, connection, tokens, *, wait: float) -> list[int]:
    """Calls that succeed, fail, retry after a 503, and fail on a revoked token (401)."""
    api = ApiClient(key)
    ids = []

    def call(tool, arguments):
        body = api.call(tool, arguments, connection=connection.name, wait=wait).json()
        ids.append(body["id"])
        return body

    call("notion_get_user", {"user_id": "me"})
    call("notion_create_page", {"parent_id": ROOT_PAGE_ID, "title": "Leak check page"})
    call("notion_get_page", {"page_id": PRIVATE_PAGE_ID})
    # Settled first, so that only the next call can meet the injected 503.
    wait_all_final(ids, timeout=60)
    sandbox.inject(path=f"/v1/pages/{ROOT_PAGE_ID}", method="GET", status=503, count=1)
    call("notion_get_page", {"page_id": ROOT_PAGE_ID})
    wait_all_final(ids, timeout=60)
    sandbox.revoke(tokens["current"])
    call("notion_get_page", {"page_id": ROOT_PAGE_ID})
    wait_all_final(ids, timeout=60)
    call("notion_search_pages", {"query": "Home"})
    rows = wait_all_final(ids, timeout=60)
    codes = [row.error_code or row.status for row in rows]
    assert codes == [
        "succeeded",
        "succeeded",
        "not_shared",
        "succeeded",
        "invalid_token",
        "connection_invalid",
    ], codes
    assert rows[3].attempts == 2  # the 503 was retried
    return ids


def _client_exceptions(sandbox, tokens, workspace) -> list[str]:
    """What the Notion client raises for a revoked token, a 404, a 503, a dropped socket and an
    unreachable host, and the same errors as an assistant reads them."""
    texts = []
    clients = [
        NotionClient(tokens["revoked"], base_url=sandbox.url),
        NotionClient(tokens["first"], base_url=sandbox.url),
        NotionClient(tokens["first"], base_url=f"http://127.0.0.1:{free_port()}"),
    ]
    sandbox.inject(path="/v1/users/me", status=503, count=1, token=tokens["first"])
    sandbox.inject(path="/v1/users", drop=True, count=1, token=tokens["first"])
    attempts = [
        (clients[0], "/v1/users/me"),
        (clients[1], "/v1/users/me"),
        (clients[1], "/v1/users"),
        (clients[1], f"/v1/pages/{PRIVATE_PAGE_ID}"),
        (clients[2], "/v1/users/me"),
    ]
    for client, path in attempts:
        with pytest.raises(NotionError) as caught:
            client.request("GET", path)
        texts += leaks.exception_texts(caught.value)
        explained = explain_notion_error(caught.value, integration="Leak check")
        texts += [explained.message, explained.hint or "", repr(explained)]
    with pytest.raises(ConnectionCheckFailed) as failed:
        connection_create(
            workspace=workspace, name="never", token=tokens["revoked"], assignments={}, actor=SYSTEM
        )
    texts += leaks.exception_texts(failed.value)
    texts += [repr(c) for c in clients] + [str(c) for c in clients]
    return texts


def _reprs(connection, tokens) -> list[str]:
    paced = PacedNotionClient(
        connection.token, limiter=get_limiter(), limiter_key=f"connection:{connection.pk}"
    )
    form = ConnectionAddForm(
        {"name": "x", "token": tokens["current"]}, workspace=connection.workspace
    )
    form.is_valid()
    objects = [
        connection,
        NotionConnection.objects.get(pk=connection.pk),
        paced,
        ToolContext(client=paced, connection_name=connection.name),
        form,
        *ActionLog.objects.all(),
        *connection.assignments.all(),
    ]
    return [repr(o) for o in objects] + [str(o) for o in objects] + [str(form)]


def _every_page(admin_client, superuser_client, key: str, call_ids: list[int]) -> list[str]:
    urls = [
        reverse(name)
        for name in (
            "integrations:index",
            "integrations:notion_list",
            "integrations:notion_add",
            "integrations:action_log",
            "integrations:action_log_csv",
            "integrations:action_log_chart",
            "integrations:template_list",
        )
    ]
    urls += [
        reverse("integrations:notion_detail", args=[c.pk]) for c in NotionConnection.objects.all()
    ]
    urls += [
        reverse("integrations:action_log_detail", args=[r.pk]) for r in ActionLog.objects.all()
    ]
    urls.append(reverse("integrations:action_log_status") + "?ids=" + ",".join(map(str, call_ids)))
    texts = []
    for url in urls:
        response = admin_client.get(url, follow=True)
        assert response.status_code == 200, url
        texts.append(leaks.page_text(response))
    for url in leaks.admin_urls():
        response = superuser_client.get(url)
        assert response.status_code < 500, url
        texts.append(leaks.page_text(response))
    api = ApiClient(key)
    texts += [api.get(f"/api/v1/tool-calls/{i}").content.decode() for i in call_ids]
    texts += [api.get(path).content.decode() for path in ("/api/v1/connections", "/api/v1/tools")]
    texts += [Client().get(p).content.decode() for p in ("/api/v1/docs", "/api/v1/openapi.json")]
    return texts


def _prove_the_token_never_leaks(
    *, settings, monkeypatch, capfd, notion_sandbox, admin_user, assistant_with_key, redis_db, wait
):
    settings.DEBUG = True  # so Django logs every SQL query too
    assistant, key = assistant_with_key
    tokens = {
        "revoked": _new_token(notion_sandbox, "Revoked", revoked=True),
        "first": _new_token(notion_sandbox, "Phinite Leak Check"),
        "current": _new_token(notion_sandbox, "Phinite Leak Check (rotated)"),
    }
    admin_client = Client()
    admin_client.force_login(admin_user)
    superuser_client = Client()
    superuser_client.force_login(make_user("root", superuser=True))

    with leaks.every_log_record() as logs, leaks.every_celery_message(monkeypatch) as messages:
        connection, pages = _admin_flow(admin_client, notion_sandbox, assistant, tokens)
        call_ids = _assistant_calls(key, notion_sandbox, connection, tokens, wait=wait)
        exceptions = _client_exceptions(notion_sandbox, tokens, connection.workspace)
    pages += _every_page(admin_client, superuser_client, key, call_ids)
    ciphertext = _raw_token_column(connection.pk)
    tables = leaks.database_dump()
    console, console_sql = leaks.split_sql_lines("".join(capfd.readouterr()).splitlines())
    sql_log = logs.sql + console_sql
    stored = {
        "HTML pages and API answers": pages,
        "log records": logs.lines,
        "ActionLog rows (every column)": [repr(r) for r in ActionLog.objects.values()],
        "exceptions and explained errors": exceptions,
        "reprs and strs": _reprs(connection, tokens),
        "Celery messages": messages,
        "Redis": leaks.redis_dump(redis_db) if redis_db is not None else [],
        "stdout and stderr": console,
        "database tables other than the token column": [
            text.replace(ciphertext, "<the token column>") for text in tables.values()
        ],
    }
    secrets_ = {**tokens, "assistant key": key, "ciphertext": ciphertext}
    leaked = [
        (where, name, leaks.context(text, secret, name))
        for where, texts in stored.items()
        for name, secret in secrets_.items()
        for text in texts
        if secret in text
    ]
    # The SQL log shows what is stored: the ciphertext (in the token column's parameters), and
    # never the token itself.
    leaked += [
        ("SQL query log", name, leaks.context(line, secret, name))
        for name, secret in secrets_.items()
        for line in sql_log
        if secret in line and name != "ciphertext"
    ]
    assert leaked == []

    # The searches looked where the secrets would be: DEBUG logs of the client, of urllib3 and of
    # every SQL query (whose parameters carry the ciphertext, never the token).
    assert {"integrations.notion.client", "urllib3.connectionpool", "django.db.backends"} <= (
        logs.loggers
    ), logs.loggers
    assert any(ciphertext in line for line in logs.sql)
    assert ciphertext in tables["integrations_notionconnection"]
    assert ciphertext.startswith("gAAAA") and connection.token == tokens["current"]
    return messages


def test_no_token_or_key_leaks_anywhere_while_calls_run_in_process(
    transactional_db, settings, monkeypatch, capfd, notion_sandbox, sandbox_settings,
    admin_user, workspace, assistant_with_key,
):  # fmt: skip
    _prove_the_token_never_leaks(
        settings=settings, monkeypatch=monkeypatch, capfd=capfd, notion_sandbox=notion_sandbox,
        admin_user=admin_user, assistant_with_key=assistant_with_key,
        redis_db=_redis_of_the_app() if settings.REDIS_URL else None, wait=0,
    )  # fmt: skip


@pytest.mark.redis
def test_no_token_or_key_leaks_anywhere_while_a_celery_worker_runs_the_calls(
    settings, monkeypatch, capfd, notion_sandbox, sandbox_settings, admin_user, workspace,
    assistant_with_key, celery_live_worker, redis_client,
):  # fmt: skip
    messages = _prove_the_token_never_leaks(
        settings=settings, monkeypatch=monkeypatch, capfd=capfd, notion_sandbox=notion_sandbox,
        admin_user=admin_user, assistant_with_key=assistant_with_key,
        redis_db=_redis_of_the_app(), wait=20,
    )  # fmt: skip
    assert len(messages) >= 6  # the calls really went through the broker


def _redis_of_the_app():
    return redis.Redis.from_url(django_settings.REDIS_URL)


# --- assistant keys -----------------------------------------------------------------------


def test_keys_are_checked_with_a_constant_time_comparison_of_digests(
    assistant_with_key, monkeypatch
):
    assistant, key = assistant_with_key
    compared = []
    original = hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return original(a, b)

    monkeypatch.setattr("assistants.keys.hmac.compare_digest", spy)
    assert assistant_authenticate(key=key) == assistant
    assert assistant_authenticate(key=key[:-2] + "zz") is None
    assert len(compared) == 2
    assert all(key not in (a, b) and len(a) == len(b) == 64 for a, b in compared)


def test_no_table_holds_an_assistant_key(assistant_with_key):
    _, key = assistant_with_key
    assert [t for t, rows in leaks.database_dump().items() if key in rows] == []


# --- failed API logins --------------------------------------------------------------------


def test_a_throttled_address_is_refused_even_with_a_valid_key_and_others_are_not(api, monkeypatch):
    address = f"10.66.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    cache.delete(f"api:auth-failures:{address}")

    def get(key, addr=address):
        return api.http.get("/api/v1/tools", HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR=addr)

    codes = [get("pn_guess" + str(i)).status_code for i in range(api_auth.FAILURES_ALLOWED)]
    assert codes == [401] * api_auth.FAILURES_ALLOWED
    blocked = get(api.key)
    assert blocked.status_code == 429
    assert _error(blocked)["code"] == "too_many_failed_logins"
    assert blocked["Retry-After"] == str(api_auth.FAILURE_WINDOW_SECONDS)
    assert get(api.key, addr=address + "1").status_code == 200
    cache.delete(f"api:auth-failures:{address}")  # what the window's expiry does
    assert get(api.key).status_code == 200


# --- production settings ------------------------------------------------------------------


def _production_env(tmp_path) -> dict:
    # A production process starts from a clean slate: nothing the test run itself set (the
    # browser tests allow async-unsafe calls for Playwright, for one) may leak into it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "example.com,testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "STATIC_MANIFEST": "false",
        "REDIS_URL": "",
    }


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION_PROBE = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from tests.fixtures.factories import make_user
    call_command("migrate", verbosity=0)
    make_user("prod-admin")
    c = Client()
    plain = c.get("/accounts/login/")
    login = c.get("/accounts/login/", secure=True)
    done = c.post("/accounts/login/", {"username": "prod-admin", "password": "pw-prod-admin"},
                  secure=True)
    api = c.get("/api/v1/tools", secure=True)
    print(json.dumps({
        "plain": [plain.status_code, plain.get("Location")],
        "headers": dict(login.headers),
        "api_headers": dict(api.headers),
        "cookies": {k: {a: str(m[a]) for a in ("secure", "httponly", "samesite")}
                    for k, m in c.cookies.items()},
        "login": done.status_code,
    }))
    """
)


def test_production_settings_send_https_only_cookies_hsts_and_secure_headers(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env={**_production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "phinite_notion.settings"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://testserver/accounts/login/"]
    for headers in (seen["headers"], seen["api_headers"]):
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "includeSubDomains" in headers["Strict-Transport-Security"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
    assert seen["login"] == 302
    cookies = seen["cookies"]
    assert {"csrftoken", "sessionid"} <= set(cookies)
    assert all(c["secure"] == "True" for c in cookies.values()), cookies
    assert cookies["sessionid"]["httponly"] == "True"
