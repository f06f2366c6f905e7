"""`make demo`, then the curl lines it prints: a page appears in the sandbox and the action log
shows both calls; marking a task Done makes the demo automation comment once; Ctrl-C stops the
app and the sandbox."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings

from integrations.notion.sandbox.seed import SANDBOX_TOKEN
from tests.proof.conftest import free_port, port_is_free

ROOT = Path(django_settings.BASE_DIR)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Demo:
    """`python manage.py demo` as a newcomer runs it: SQLite, no Redis, its own state dir."""

    def __init__(self, tmp_path: Path):
        self.port, self.sandbox_port = free_port(), free_port()
        self.output = tmp_path / "demo.out"
        env = {
            k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")
        }
        env |= {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
            "PYTHONUNBUFFERED": "1",
        }
        self.proc = subprocess.Popen(
            [
                sys.executable, "manage.py", "demo", "--port", str(self.port),
                "--sandbox-port", str(self.sandbox_port), "--state-dir", str(tmp_path / "state"),
            ],
            cwd=ROOT, env=env, stdout=self.output.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    def text(self) -> str:
        return self.output.read_text()

    def wait_for(self, pattern: str, timeout: float = 90) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if found := re.search(pattern, self.text(), re.S):
                return found
            assert self.proc.poll() is None, f"the demo exited:\n{self.text()[-3000:]}"
            time.sleep(0.1)
        raise AssertionError(f"no {pattern!r} in the demo's output:\n{self.text()[-3000:]}")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
            try:
                return self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise
        return self.proc.returncode


@pytest.fixture
def demo(tmp_path):
    running = Demo(tmp_path)
    yield running
    running.stop()


def test_make_demo_then_the_printed_curl_lines_create_a_page_shown_in_the_action_log(demo):
    printed = demo.wait_for(r"Ctrl-C stops everything")
    text = demo.text()
    password = re.search(r"log in as\s+demo / (\S+)", text).group(1)
    create = re.search(r"^\s*(PAGE=\$\(curl .*?; echo \$PAGE)$", text, re.M).group(1)
    read = re.search(r"Read it back:\n\s*(curl .*)$", text, re.M).group(1)
    assert printed and f"127.0.0.1:{demo.port}" in create
    deadline = time.monotonic() + 30
    while not _port_open(demo.port):  # the app may still be starting when the lines print
        assert time.monotonic() < deadline, "the app never listened"
        time.sleep(0.1)

    shell = subprocess.run(
        ["bash", "-c", f"{create}\n{read}"], capture_output=True, text=True, timeout=60
    )
    assert shell.returncode == 0, shell.stderr
    page_id, answer = shell.stdout.split("\n", 1)
    assert re.fullmatch(r"[0-9a-f-]{36}", page_id), shell.stdout
    assert '"status": "succeeded"' in answer and "Hello from Phinite" in answer, answer

    # The page is in the sandbox, as Notion would show it.
    page = requests.get(
        f"http://127.0.0.1:{demo.sandbox_port}/v1/pages/{page_id}",
        headers={"Authorization": f"Bearer {SANDBOX_TOKEN}", "Notion-Version": "2025-09-03"},
        timeout=10,
    )
    assert page.status_code == 200
    title = page.json()["properties"]["title"]["title"][0]["plain_text"]
    assert title == "Hello from Phinite"

    # The action log, as the admin sees it after logging in with the printed password.
    browser = requests.Session()
    base = f"http://127.0.0.1:{demo.port}"
    login = browser.get(f"{base}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    browser.post(
        f"{base}/accounts/login/",
        {"username": "demo", "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    log = browser.get(f"{base}/integrations/logs/", timeout=10)
    assert log.status_code == 200 and "Log in" not in log.text
    assert "notion_create_page" in log.text and "notion_get_page" in log.text
    assert log.text.count("succeeded") >= 2

    # The automation: the printed curl marks a task Done as a colleague would; the sandbox
    # sends the signed webhook; the automation comments once.
    mark_done = re.search(r"^\s*(curl -s -o /dev/null -X PATCH .*)$", text, re.M).group(1)
    task_id = re.search(r"/v1/pages/([0-9a-f-]{36})", mark_done).group(1)
    assert subprocess.run(["bash", "-c", mark_done], timeout=30).returncode == 0
    comments_url = f"http://127.0.0.1:{demo.sandbox_port}/v1/comments?block_id={task_id}"
    headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}", "Notion-Version": "2025-09-03"}

    def closing_comments():
        found = requests.get(comments_url, headers=headers, timeout=10).json()["results"]
        texts = ["".join(t["plain_text"] for t in c["rich_text"]) for c in found]
        return texts.count("Closed by Phinite")

    deadline = time.monotonic() + 30
    while closing_comments() == 0:
        assert time.monotonic() < deadline, "the automation never commented"
        time.sleep(0.2)
    time.sleep(1.0)  # any duplicate would have arrived by now
    assert closing_comments() == 1
    automations = browser.get(f"{base}/integrations/automations/", timeout=10)
    assert "Close finished tasks" in automations.text and "succeeded" in automations.text.lower()

    assert demo.stop() == 0
    assert "Demo stopped" in demo.text()
    assert port_is_free(demo.port) and port_is_free(demo.sandbox_port)
    assert not _port_open(demo.port) and not _port_open(demo.sandbox_port)
