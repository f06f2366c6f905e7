"""Shared set-up for the API benchmarks: a fresh database, Redis, the sandbox, gunicorn, Celery."""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import datetime
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DOCS = ROOT / "docs" / "benchmarks.md"
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
DB_NAME = "bench_api"
_PR_SET_PDEATHSIG = 1

# A what-if for the lead, not the project's configuration: Celery's Django fixup closes the
# worker's PostgreSQL connection before and after every task unless CELERY_DB_REUSE_MAX is set,
# so each task opens a new one. This keeps it and closes it only when Django would for a
# request (CONN_MAX_AGE reached, or an error made it unusable).
_CELERY_KEEPING_DB_CONNECTION = """
import sys
from celery.__main__ import main
from celery.signals import task_postrun, task_prerun
from django import db
from django.conf import settings

settings.CELERY_DB_REUSE_MAX = 1_000_000_000
for signal in (task_prerun, task_postrun):
    signal.connect(lambda **_: db.close_old_connections(), weak=False)
sys.argv = ["celery", *sys.argv[1:]]
main()
"""


# --- numbers and documentation -----------------------------------------------------------------


def percentile(samples: list[float], pct: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    """One line about where the figures come from (call it at the end: it has the load)."""
    import redis
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0].split(" ")[0]
    redis_version = redis.Redis.from_url(REDIS_URL).info("server")["redis_version"]
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return (
        f"nproc {len(os.sched_getaffinity(0))}, {cpu_model()}, load average {load} at the end, "
        f"Python {platform.python_version()}, PostgreSQL {pg}, Redis {redis_version}, "
        f"{platform.system()} {platform.release()}"
    )


def today() -> str:
    return datetime.date.today().isoformat()


def docs_section_write(title: str, section: str) -> None:
    """Replaces the section headed `title` in docs/benchmarks.md (or appends it)."""
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(title)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    section = section.rstrip("\n") + "\n"
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text.rstrip("\n") + "\n")


# --- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _dotenv(name: str) -> str | None:
    path = ROOT / ".env"
    if not path.exists():
        return None
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() == name:
            return value.strip().strip("'\"")
    return None


def _die_with_parent() -> None:
    # If the bench is SIGKILLed, its servers get SIGTERM instead of living on.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    """A server this bench started, in its own process group so it can be stopped whole."""

    name: str
    proc: subprocess.Popen
    log_path: Path

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text()[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=timeout)
        except ProcessLookupError:
            return
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            # Too slow, or a second Ctrl-C: no more waiting for a clean shutdown.
            self.kill()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)


@dataclass
class StackConfig:
    """How the measured servers run; every field ends up in the documented settings."""

    rate: float = 3.0
    burst: int = 10
    gunicorn_workers: int = 2
    gunicorn_threads: int = 4
    celery_pool: str = "threads"
    celery_concurrency: int = 4
    celery_processes: int = 1
    celery_keep_db_connection: bool = False
    conn_max_age: int = 60
    log_level: str = "INFO"
    extra_env: dict = field(default_factory=dict)

    def describe(self) -> str:
        return (
            f"gunicorn `--workers {self.gunicorn_workers} --threads {self.gunicorn_threads}` "
            f"(gthread); Celery worker processes: {self.celery_processes}, "
            f"`--pool={self.celery_pool} --concurrency={self.celery_concurrency}`"
            + (
                " keeping its database connection between tasks (what-if)"
                if self.celery_keep_db_connection
                else ""
            )
            + "; "
            f"DEBUG=false, CONN_MAX_AGE={self.conn_max_age}, LOG_LEVEL={self.log_level}; "
            f"NOTION_RATE_LIMIT_PER_SECOND={self.rate:g}, NOTION_RATE_LIMIT_BURST={self.burst}; "
            f"PostgreSQL and Redis (broker, limiter, `wait`) on the same machine"
        )


class Stack:
    """PostgreSQL database `bench_api` (recreated), Redis db 14 (flushed), gunicorn serving
    phinite_notion.wsgi and Celery workers, all pointed at `notion_url` (the sandbox).

    The bench process itself is set up as one more Django process on the same settings, to
    create the fixtures and read results."""

    def __init__(self, config: StackConfig, notion_url: str):
        self.config = config
        self.notion_url = notion_url
        self.port = free_port()
        self.children: list[Child] = []
        self.log_dir = Path(tempfile.mkdtemp(prefix="phinite-bench-"))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        c = self.config
        values = {
            "DJANGO_SETTINGS_MODULE": "phinite_notion.settings",
            "DATABASE_URL": f"{PG_SERVER}/{DB_NAME}",
            "REDIS_URL": REDIS_URL,
            "NOTION_API_BASE_URL": self.notion_url,
            "NOTION_RATE_LIMIT_PER_SECOND": str(c.rate),
            "NOTION_RATE_LIMIT_BURST": str(c.burst),
            "DEBUG": "false",
            "STATIC_MANIFEST": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CONN_MAX_AGE": str(c.conn_max_age),
            "LOG_LEVEL": c.log_level,
            **{k: str(v) for k, v in c.extra_env.items()},
        }
        key = os.environ.get("FIELD_ENCRYPTION_KEY") or _dotenv("FIELD_ENCRYPTION_KEY")
        if key:
            values["FIELD_ENCRYPTION_KEY"] = key  # unchanged, so every process decrypts tokens
        return values

    # -- set-up ----------------------------------------------------------------------------
    def prepare(self) -> None:
        """Fresh database and broker, this process's Django configured and migrated."""
        import psycopg
        import redis

        os.environ.update(self.env())
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        redis.Redis.from_url(REDIS_URL).flushdb()

        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)

    def start(self) -> None:
        atexit.register(self.stop)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        started = [self._gunicorn_start()]
        started += [self._celery_start(index) for index in range(self.config.celery_processes)]
        self._wait_ready(started)

    def workers_restart(self, *, keep_db_connection: bool | None = None) -> None:
        """New Celery workers on an empty broker: what the old ones held back is dropped."""
        for child in self.workers():
            child.stop()
        self.children = [child for child in self.children if child not in self.workers()]
        self.purge()
        if keep_db_connection is not None:
            self.config.celery_keep_db_connection = keep_db_connection
        started = [self._celery_start(index) for index in range(self.config.celery_processes)]
        self._wait_ready(started)

    def workers(self) -> list[Child]:
        return [child for child in self.children if child.name.startswith("celery")]

    def _spawn(self, name: str, argv: list[str]) -> Child:
        log_path = self.log_dir / f"{name}.log"
        log = log_path.open("w")
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, **self.env()},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own group: Ctrl-C reaches the bench, which stops it
            preexec_fn=_die_with_parent,
        )
        log.close()
        child = Child(name, proc, log_path)
        self.children.append(child)
        return child

    def _gunicorn_start(self) -> Child:
        c = self.config
        return self._spawn(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "phinite_notion.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(c.gunicorn_workers),
                "--threads",
                str(c.gunicorn_threads),
                "--worker-class",
                "gthread",
                "--keep-alive",
                "30",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
            ],
        )

    def _celery_start(self, index: int) -> Child:
        c = self.config
        launcher = (
            ["-c", _CELERY_KEEPING_DB_CONNECTION]
            if c.celery_keep_db_connection
            else ["-m", "celery"]
        )
        return self._spawn(
            f"celery-{index}-{len(self.children)}",
            [
                sys.executable,
                *launcher,
                "-A",
                "phinite_notion",
                "worker",
                f"--pool={c.celery_pool}",
                f"--concurrency={c.celery_concurrency}",
                f"--hostname=bench{index}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
        )

    def _wait_ready(self, children: list[Child], timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        pending = {child.name for child in children}
        while pending and time.monotonic() < deadline:
            for child in children:
                if child.name not in pending:
                    continue
                if child.proc.poll() is not None:
                    raise RuntimeError(f"{child.name} exited early:\n{child.log_tail()}")
                if child.name == "gunicorn":
                    try:
                        requests.get(f"{self.base_url}/api/v1/openapi.json", timeout=2)
                        pending.discard(child.name)
                    except requests.RequestException:
                        pass
                elif "ready." in child.log_tail(100_000):
                    pending.discard(child.name)
            time.sleep(0.2)
        if pending:
            raise RuntimeError(f"not ready after {timeout:.0f} s: {sorted(pending)}")

    def purge(self) -> int:
        """Drops every message still queued or held back (countdown) in the broker."""
        import redis

        from phinite_notion.celery import app

        purged = app.control.purge() or 0
        client = redis.Redis.from_url(REDIS_URL)
        for key in ("unacked", "unacked_index"):
            client.delete(key)
        return purged

    def stop(self) -> None:
        """Stops every server; safe to call again (atexit does, after a Ctrl-C). The servers'
        logs are deleted unless BENCH_KEEP_LOGS is set."""
        for child in reversed(self.children):
            child.stop()
        for child in self.children:  # whatever a second Ctrl-C left behind
            if child.proc.poll() is None:
                child.kill()
        if not os.environ.get("BENCH_KEEP_LOGS"):
            shutil.rmtree(self.log_dir, ignore_errors=True)

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# --- fixtures and API calls --------------------------------------------------------------------


@dataclass(frozen=True)
class Fixtures:
    key: str
    connections: dict[str, int]


def fixtures_create(connections: dict[str, str]) -> Fixtures:
    """One workspace, one assistant with `full` access to a connection per (name -> token)."""
    from assistants.services import assistant_create
    from integrations.audit import Actor
    from integrations.services.connections import connection_create
    from workspaces.services import workspace_create

    actor = Actor.system("bench")
    workspace = workspace_create(name="Bench", actor=actor)
    assistant, key = assistant_create(workspace=workspace, name="Bench assistant", actor=actor)
    created = {
        name: connection_create(
            workspace=workspace,
            name=name,
            token=token,
            assignments={assistant: "full"},
            actor=actor,
        ).pk
        for name, token in connections.items()
    }
    return Fixtures(key=key, connections=created)


def page_small_create(notion_url: str, token: str, parent_id: str) -> str:
    """A page with a title and three short paragraphs: Notion's time stays small, and
    notion_get_page reads it with two requests (the page, then its blocks)."""
    from integrations.notion.client import NotionClient

    client = NotionClient(token, base_url=notion_url)
    paragraphs = [
        "Overhead benchmark page.",
        "Small on purpose, so the API's own time shows.",
        "Third and last paragraph.",
    ]
    page = client.pages_create(
        parent={"type": "page_id", "page_id": parent_id},
        properties={"title": {"title": [{"type": "text", "text": {"content": "Bench page"}}]}},
        children=[
            {
                "object": "block",
                "type": "paragraph",
                "paragraph": {"rich_text": [{"type": "text", "text": {"content": text}}]},
            }
            for text in paragraphs
        ],
    )
    return page["id"]


def api_session(key: str) -> requests.Session:
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    return session


def install_interrupt_handler() -> None:
    """Ctrl-C raises KeyboardInterrupt in the main thread; SIGTERM exits so atexit runs."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
