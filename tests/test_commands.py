"""Management commands for scripted set-up: output, token handling and bad input."""

import io

import pytest
from django.core.management import CommandError, call_command

from assistants.models import Assistant
from assistants.selectors import assistant_authenticate
from integrations.models import ActionLog, NotionConnection
from workspaces.models import Workspace


def run(*args, stdin: str | None = None, monkeypatch=None) -> str:
    out = io.StringIO()
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_workspace_create_with_an_admin(admin_user):
    out = run("workspace_create", "--name", "Initech", "--admin", "alice")
    workspace = Workspace.objects.get(slug="initech")
    assert "initech" in out
    assert workspace.memberships.get().user == admin_user


def test_assistant_create_prints_the_key_alone_on_the_last_line(workspace):
    out = run("assistant_create", "--workspace", "acme", "--name", "Writer", "--description", "d")
    key = out.strip().splitlines()[-1]
    assert assistant_authenticate(key=key) == Assistant.objects.get(name="Writer")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--workspace", "acme", "--name", ""], "can't be blank"),
        (["--workspace", "acme", "--name", "Helper"], "already exists"),
        (["--workspace", "nope", "--name", "X"], "No workspace"),
    ],
)
def test_assistant_create_rejects_bad_input_and_writes_nothing(assistant, args, message):
    before = (Assistant.objects.count(), ActionLog.objects.count())
    with pytest.raises(CommandError, match=message):
        run("assistant_create", *args)
    assert (Assistant.objects.count(), ActionLog.objects.count()) == before


def test_connection_create_reads_the_token_from_the_environment_and_checks_it_with_notion(
    workspace, assistant, notion_sandbox, sandbox_settings, monkeypatch
):
    from integrations.notion.sandbox.seed import SANDBOX_TOKEN

    monkeypatch.setenv("NOTION_TOKEN", SANDBOX_TOKEN)
    out = run(
        "connection_create",
        "--workspace",
        "acme",
        "--name",
        "Team Notion",
        "--assistant",
        "Helper",
        "--access",
        "read",
    )
    connection = NotionConnection.objects.get(name="Team Notion")
    assert "Acme Sandbox" in out and SANDBOX_TOKEN not in out
    assert connection.notion_workspace_name == "Acme Sandbox"
    assert connection.assignments.get().access == "read"


def test_connection_create_reads_the_token_from_stdin(
    workspace, notion_sandbox, sandbox_settings, monkeypatch
):
    from integrations.notion.sandbox.seed import SANDBOX_TOKEN

    monkeypatch.delenv("NOTION_TOKEN", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(SANDBOX_TOKEN + "\n"))
    run("connection_create", "--workspace", "acme", "--name", "Piped")
    assert NotionConnection.objects.get(name="Piped").token == SANDBOX_TOKEN


@pytest.mark.parametrize(
    "args, token, message",
    [
        (["--name", ""], "ntn_x", "can't be blank"),
        (["--name", "Notion Workspace"], "ntn_x", "already exists"),
        (["--name", "New", "--assistant", "Ghost"], "ntn_x", "Unknown assistant"),
        (["--name", "New"], "", "No token"),
    ],
)
def test_connection_create_rejects_bad_input_and_writes_nothing(
    connection, args, token, message, monkeypatch
):
    monkeypatch.setenv("NOTION_TOKEN", token)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    before = (NotionConnection.objects.count(), ActionLog.objects.count())
    with pytest.raises(CommandError, match=message):
        run("connection_create", "--workspace", "acme", *args)
    assert (NotionConnection.objects.count(), ActionLog.objects.count()) == before


def test_connection_create_with_a_revoked_token_says_so_and_saves_nothing(
    workspace, notion_sandbox, sandbox_settings, monkeypatch
):
    from integrations.notion.sandbox.seed import SANDBOX_REVOKED_TOKEN

    monkeypatch.setenv("NOTION_TOKEN", SANDBOX_REVOKED_TOKEN)
    with pytest.raises(CommandError, match="unauthorized") as excinfo:
        run("connection_create", "--workspace", "acme", "--name", "Bad")
    assert SANDBOX_REVOKED_TOKEN not in str(excinfo.value)
    assert not NotionConnection.objects.exists()
