"""Collectors for the token-leak proof: log records, Celery messages, pages, rows, Redis keys."""

import contextlib
import logging
import re
import traceback
from collections.abc import Iterator

from django.apps import apps
from django.contrib import admin
from django.db import connection as db
from django.urls import NoReverseMatch, reverse

# Every logger that could see a request, a query or a task, turned up to DEBUG for the flow.
LOGGERS = ["", "django", "django.db.backends", "django.request", "celery", "kombu", "urllib3",
           "requests", "integrations", "assistants", "workspaces"]  # fmt: skip


class _Everything(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []
        self.sql: list[str] = []
        self.loggers: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        # The formatted line with any traceback, and the raw arguments as well: a handler with
        # another format could print those.
        line = self.format(record) + f" args={record.args!r}"
        (self.sql if record.name == "django.db.backends" else self.lines).append(line)
        self.loggers.add(record.name)


@contextlib.contextmanager
def every_log_record() -> Iterator[_Everything]:
    handler = _Everything()
    levels = {name: logging.getLogger(name).level for name in LOGGERS}
    root = logging.getLogger()
    root.addHandler(handler)
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


@contextlib.contextmanager
def every_celery_message(monkeypatch) -> Iterator[list[str]]:
    """What this process publishes to the broker: body, headers and options, as sent."""
    from kombu.messaging import Producer

    published: list[str] = []
    original = Producer.publish

    def publish(self, body, *args, **kwargs):
        published.append(repr(body) + repr(args) + repr(kwargs))
        return original(self, body, *args, **kwargs)

    monkeypatch.setattr(Producer, "publish", publish)
    yield published


SQL_MESSAGE = "Message: '(%.3f) %s; args=%s; alias=%s'"
# Django's SQL debug line, whatever handler format prints it (Celery's worker has its own).
SQL_LINE = re.compile(r"\(\d+\.\d{3}\) .*; args=.*; alias=\w+")


def split_sql_lines(lines: list[str]) -> tuple[list[str], list[str]]:
    """Console lines apart from those that print an SQL query (a django.db.backends record, or
    one printed by logging's own "--- Logging error ---" report), and those."""
    other, sql = [], []
    after_sql_message = False
    for line in lines:
        is_sql = (
            "django.db.backends" in line
            or SQL_LINE.search(line) is not None
            or (after_sql_message and line.startswith("Arguments:"))
        )
        (sql if is_sql else other).append(line)
        after_sql_message = line.startswith(SQL_MESSAGE)
    return other, sql


def redis_dump(client) -> list[str]:
    """Every key of the Redis database with its value, whatever its type."""
    out = []
    for key in client.scan_iter(count=500):
        kind = client.type(key).decode()
        value = {
            "string": lambda k: client.get(k),
            "list": lambda k: client.lrange(k, 0, -1),
            "hash": lambda k: client.hgetall(k),
            "set": lambda k: client.smembers(k),
            "zset": lambda k: client.zrange(k, 0, -1, withscores=True),
        }.get(kind, lambda k: b"")(key)
        out.append(f"{key!r} {kind} {value!r}")
    return out


def database_dump() -> dict[str, str]:
    """Every table's rows as stored (raw SQL, so encrypted fields stay encrypted)."""
    tables = {}
    with db.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            cursor.execute(f"SELECT * FROM {db.ops.quote_name(table)}")  # noqa: S608
            tables[table] = repr(cursor.fetchall())
    return tables


def context(text: str, secret: str, name: str) -> str:
    """Where in `text` a secret was found, with the secret itself masked."""
    at = text.index(secret)
    return (
        text[max(0, at - 150) : at] + f"<{name}>" + text[at + len(secret) : at + len(secret) + 50]
    )


def exception_texts(exc: BaseException) -> list[str]:
    return [str(exc), repr(exc), "".join(traceback.format_exception(exc))]


def admin_urls() -> list[str]:
    """Each registered model's list and add pages, and the change page of each of its rows."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        base = f"admin:{meta.app_label}_{meta.model_name}"
        urls.append(reverse(f"{base}_changelist"))
        with contextlib.suppress(NoReverseMatch):
            urls.append(reverse(f"{base}_add"))
        for pk in model._default_manager.values_list("pk", flat=True)[:50]:
            urls.append(reverse(f"{base}_change", args=[pk]))
    return urls


def page_text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")
