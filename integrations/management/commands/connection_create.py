"""Creates a Notion connection; the token comes from NOTION_TOKEN or standard input, never argv."""

import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assistants.models import Access, Assistant
from integrations.audit import Actor
from integrations.management.command_helpers import workspace_by_slug
from integrations.services import ConnectionCheckFailed, connection_create
from integrations.services.validation import token_format_warning


class Command(BaseCommand):
    help = (
        "Create a Notion connection. The token is read from the NOTION_TOKEN environment "
        "variable or from standard input (never from the command line, which other users of "
        "the machine can read), checked with Notion, and stored encrypted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workspace", required=True, metavar="SLUG")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--assistant", action="append", default=[], metavar="NAME", dest="assistants"
        )
        parser.add_argument("--access", choices=Access.values, default=Access.WRITE)

    def _read_token(self) -> str:
        token = os.environ.get("NOTION_TOKEN", "")
        if not token and not sys.stdin.isatty():
            token = sys.stdin.readline()
        return token.strip()

    def handle(self, *args, workspace, name, assistants, access, **options):
        ws = workspace_by_slug(workspace)
        chosen = {}
        for assistant_name in assistants:
            assistant = Assistant.objects.filter(workspace=ws, name=assistant_name).first()
            if assistant is None:
                known = ", ".join(ws.assistants.values_list("name", flat=True)) or "none yet"
                raise CommandError(
                    f"Unknown assistant “{assistant_name}” in {ws.slug} (known: {known})."
                )
            chosen[assistant] = access
        token = self._read_token()
        if not token:
            raise CommandError(
                "No token: set NOTION_TOKEN or pipe the token on standard input "
                "(e.g. `printenv MY_TOKEN | manage.py connection_create …`)."
            )
        try:
            connection = connection_create(
                workspace=ws,
                name=name,
                token=token,
                assignments=chosen,
                actor=Actor.system("manage.py connection_create"),
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except ConnectionCheckFailed as exc:
            raise CommandError(f"{exc} [{exc.code}] Nothing was saved.") from None
        warning = token_format_warning(token)
        if warning:
            self.stderr.write(warning)
        self.stdout.write(
            f"Created connection “{connection.name}” (token …{connection.token_last4}) to the "
            f"Notion workspace “{connection.notion_workspace_name}” as bot "
            f"“{connection.bot_name}”."
        )
