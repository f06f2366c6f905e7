"""`make demo`: the Notion sandbox and the app, offline, with demo data and an automation."""

import json
import os
import secrets
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from assistants.models import Assistant
from assistants.services import assistant_create, assistant_rotate_key
from integrations.audit import Actor
from integrations.automations.examples import (
    CLOSE_FINISHED_TASKS,
    CLOSING_COMMENT,
    close_finished_tasks,
)
from integrations.models import Automation, NotionConnection
from integrations.services import connection_create
from workspaces.models import Membership, Workspace
from workspaces.services import workspace_create

DEMO_DIR = Path(settings.BASE_DIR) / ".demo"
ACTOR = Actor.system("make demo")
CONNECTION_NAME = "Notion Sandbox"
AUTOMATION_NAME = CLOSE_FINISHED_TASKS


class Command(BaseCommand):
    help = "Run the offline demo: the Notion sandbox plus the app, with demo data created once."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--sandbox-port", type=int, default=8765)
        parser.add_argument(
            "--setup-only", action="store_true", help="Create the demo data and exit."
        )
        parser.add_argument(
            "--state-dir",
            type=Path,
            default=DEMO_DIR,
            help="Where the sandbox's state and the demo password are kept (default .demo/).",
        )

    def handle(self, *args, port, sandbox_port, setup_only, state_dir, **options):
        from integrations.notion.sandbox import NotionSandbox
        from integrations.notion.sandbox.seed import ROOT_PAGE_ID, SANDBOX_TOKEN

        state_dir.mkdir(parents=True, exist_ok=True)
        sandbox = NotionSandbox(
            port=sandbox_port, state_file=str(state_dir / "sandbox-state.json"), rate_limit=None
        )
        sandbox.start()
        settings.NOTION_API_BASE_URL = sandbox.url
        server = None
        try:
            call_command("migrate", interactive=False, verbosity=0)
            password, key = self._demo_data(SANDBOX_TOKEN, state_dir / "credentials.json")
            if setup_only:
                self._print(port, password, key, ROOT_PAGE_ID, sandbox.url)
                return
            env = {**os.environ, "NOTION_API_BASE_URL": sandbox.url}
            env.pop("REDIS_URL", None)  # the demo runs tasks in-process, like `make run`
            server = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=settings.BASE_DIR,
                env=env,
            )
            time.sleep(1.5)
            self._webhooks_subscribe(sandbox, port)
            self._print(port, password, key, ROOT_PAGE_ID, sandbox.url)
            self._print_automation(sandbox, port)
            self.stdout.write("  Ctrl-C stops everything.\n")
            signal.signal(signal.SIGTERM, lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
            server.wait()
        except KeyboardInterrupt:
            self.stdout.write("\nStopping the demo…")
        finally:
            if server is not None and server.poll() is None:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
            sandbox.stop()
            self.stdout.write("Demo stopped (the app and the Notion sandbox).")

    def _demo_data(self, token: str, credentials: Path) -> tuple[str, str]:
        """Creates the demo admin, workspace, assistant and connection once; the assistant's key
        is rotated on each start because a key is only ever shown when it is made."""
        stored = json.loads(credentials.read_text()) if credentials.exists() else {}
        User = get_user_model()
        user = User.objects.filter(username="demo").first()
        password = stored.get("password") or secrets.token_urlsafe(10)
        if user is None:
            user = User.objects.create_superuser("demo", "demo@example.com", password)
        elif not user.check_password(password):
            user.set_password(password)
            user.save()
        workspace = Workspace.objects.filter(slug="demo").first() or workspace_create(
            name="Demo", slug="demo", admin=user, actor=ACTOR
        )
        Membership.objects.get_or_create(
            workspace=workspace, user=user, defaults={"role": Membership.Role.ADMIN}
        )
        assistant = Assistant.objects.filter(workspace=workspace, name="Demo assistant").first()
        if assistant is None:
            assistant, key = assistant_create(
                workspace=workspace,
                name="Demo assistant",
                description="Created by make demo",
                actor=ACTOR,
            )
        else:
            key = assistant_rotate_key(assistant=assistant, actor=ACTOR)
        if not NotionConnection.objects.filter(workspace=workspace, name=CONNECTION_NAME).exists():
            connection_create(
                workspace=workspace,
                name=CONNECTION_NAME,
                token=token,
                assignments={assistant: "full"},
                actor=ACTOR,
            )
        connection = NotionConnection.objects.get(workspace=workspace, name=CONNECTION_NAME)
        if not Automation.objects.filter(workspace=workspace, name=AUTOMATION_NAME).exists():
            from integrations.notion.sandbox.seed import TASKS_DATABASE_ID

            close_finished_tasks(connection, actor=ACTOR, scope_id=TASKS_DATABASE_ID)
        credentials.write_text(json.dumps({"password": password}))
        return password, key

    def _webhooks_subscribe(self, sandbox, port) -> None:
        """The sandbox delivers signed events to the demo connection's endpoint, as Notion
        would: a handshake the first time, the stored verification token afterwards."""
        connection = NotionConnection.objects.get(workspace__slug="demo", name=CONNECTION_NAME)
        url = f"http://127.0.0.1:{port}/integrations/notion/webhooks/{connection.pk}/"
        if connection.webhook_token:
            sandbox.webhook_subscribe(
                url, verification_token=connection.webhook_token, handshake=False
            )
            return
        for _ in range(20):  # the server may still be starting
            if sandbox.webhook_subscribe(url).get("handshake_status") == 200:
                return
            time.sleep(0.5)
        self.stderr.write("The sandbox could not reach the app's webhook endpoint.")

    def _print_automation(self, sandbox, port) -> None:
        from integrations.notion.client import NotionClient
        from integrations.notion.sandbox.seed import SANDBOX_LEGACY_TOKEN, TASKS_DATA_SOURCE_ID

        # A task that is not Done yet, so marking it Done is a change the automation acts on.
        open_tasks = NotionClient(SANDBOX_LEGACY_TOKEN, base_url=sandbox.url).data_sources_query(
            TASKS_DATA_SOURCE_ID,
            filter={"property": "Status", "status": {"does_not_equal": "Done"}},
            page_size=1,
        )
        if not open_tasks.get("results"):
            return
        task = open_tasks["results"][0]["id"]
        body = json.dumps({"properties": {"Status": {"status": {"name": "Done"}}}})
        headers = (
            f"-H 'Authorization: Bearer {SANDBOX_LEGACY_TOKEN}' -H 'Notion-Version: 2025-09-03' "
            "-H 'Content-Type: application/json'"
        )
        self.stdout.write(
            f"  Automation “{AUTOMATION_NAME}”: when a task's Status becomes Done, it comments "
            f"“{CLOSING_COMMENT}”.\n"
            "  Mark a task Done as a colleague would (another integration, in the sandbox):\n"
            f"    curl -s -o /dev/null -X PATCH {sandbox.url}/v1/pages/{task} {headers} "
            f"-d {shlex.quote(body)}\n"
            "  The sandbox sends Notion's signed webhook; see the run at "
            f"http://127.0.0.1:{port}/integrations/automations/\n"
        )

    def _print(self, port, password, key, parent_id, sandbox_url):
        base = f"http://127.0.0.1:{port}"
        create = {
            "connection": CONNECTION_NAME,
            "tool": "notion_create_page",
            "arguments": {
                "parent_id": parent_id,
                "title": "Hello from Phinite",
                "markdown": "# Hello\n\nWritten by the **demo assistant**.\n\n- [ ] try it",
            },
            "wait": 10,
        }
        auth = f"-H 'Authorization: Bearer {key}' -H 'Content-Type: application/json'"
        create_line = (
            f"curl -s -X POST {base}/api/v1/tool-calls {auth} -d {shlex.quote(json.dumps(create))}"
        )
        read_line = (
            f"curl -s -X POST {base}/api/v1/tool-calls {auth} -d "
            f'"{{\\"connection\\": \\"{CONNECTION_NAME}\\", \\"tool\\": \\"notion_get_page\\", '
            f'\\"arguments\\": {{\\"page_id\\": \\"$PAGE\\"}}, \\"wait\\": 10}}"'
        )
        self.stdout.write(
            "\n"
            "  Phinite Notion demo (offline: Notion is the bundled sandbox)\n"
            f"  App:     {base}/   log in as  demo / {password}\n"
            f"  Sandbox: {sandbox_url}  (a Notion-compatible API)\n"
            f"  Assistant key (new on every start): {key}\n\n"
            "  Create a page through the API:\n"
            f"    PAGE=$({create_line} | python3 -c 'import json,sys; print(json.load(sys.stdin)"
            '["result"]["id"])\'); echo $PAGE\n\n'
            "  Read it back:\n"
            f"    {read_line}\n\n"
            f"  Then open {base}/integrations/logs/ to see both calls in the action log.\n"
        )
