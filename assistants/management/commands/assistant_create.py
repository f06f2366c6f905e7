"""Creates an assistant and prints its API key alone on the last line."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assistants.services import assistant_create
from integrations.audit import Actor
from integrations.management.command_helpers import workspace_by_slug


class Command(BaseCommand):
    help = "Create an assistant; its API key is printed once, alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("--workspace", required=True, metavar="SLUG")
        parser.add_argument("--name", required=True)
        parser.add_argument("--description", default="")

    def handle(self, *args, workspace, name, description, **options):
        ws = workspace_by_slug(workspace)
        try:
            assistant, key = assistant_create(
                workspace=ws,
                name=name,
                description=description,
                actor=Actor.system("manage.py assistant_create"),
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            f"Created assistant “{assistant.name}” in {ws.slug}. Its API key follows; "
            "it is shown only this once:"
        )
        self.stdout.write(key)
