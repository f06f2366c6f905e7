"""Run the local Notion API sandbox until Ctrl-C: `manage.py notion_sandbox --port 8765`."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandParser

from integrations.notion.sandbox import NotionSandbox
from integrations.notion.sandbox.seed import TOKENS


class Command(BaseCommand):
    help = "Serve a local fake of the Notion API (Notion-Version 2025-09-03) for demos and tests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--state",
            dest="state_file",
            default=None,
            help="JSON file to load at start (if present) and save on exit.",
        )
        parser.add_argument(
            "--rate-limit",
            type=float,
            default=3.0,
            help="Average requests per second per token (default 3).",
        )
        parser.add_argument(
            "--burst", type=int, default=10, help="Token bucket burst (default 10)."
        )
        parser.add_argument("--no-rate-limit", action="store_true", help="Disable rate limiting.")

    def handle(self, *args, **options) -> None:
        rate = None if options["no_rate_limit"] else (options["rate_limit"], options["burst"])
        sandbox = NotionSandbox(
            port=options["port"],
            host=options["host"],
            state_file=options["state_file"],
            rate_limit=rate,
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        sandbox.start()
        self.stdout.write(f"Notion sandbox listening on {sandbox.url} (clients append /v1/...)")
        limit = "off" if rate is None else f"{rate[0]:g} req/s, burst {rate[1]}"
        self.stdout.write(f"Rate limit: {limit}. Control endpoints: {sandbox.url}/__sandbox__/")
        self.stdout.write("Tokens (sandbox only, never real):")
        for token, name in TOKENS.items():
            self.stdout.write(f"  {name:<22} {token}")
        self.stdout.flush()
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            sandbox.stop()
            saved = f" (state saved to {options['state_file']})" if options["state_file"] else ""
            self.stdout.write(f"Notion sandbox stopped{saved}.")
