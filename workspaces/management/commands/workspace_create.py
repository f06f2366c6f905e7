"""Creates a Phinite workspace, optionally with an existing user as its admin."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from integrations.audit import Actor
from workspaces.services import workspace_create


class Command(BaseCommand):
    help = "Create a Phinite workspace (the tenant that owns assistants and connections)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", help="Defaults to a slug of the name.")
        parser.add_argument("--admin", metavar="USERNAME", help="An existing user to make admin.")

    def handle(self, *args, name, slug, admin, **options):
        user = None
        if admin:
            user = get_user_model().objects.filter(username=admin).first()
            if user is None:
                raise CommandError(f"No user named “{admin}”: create it first (createsuperuser).")
        try:
            workspace = workspace_create(
                name=name, slug=slug, admin=user, actor=Actor.system("manage.py workspace_create")
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"Created workspace “{workspace.name}” (slug: {workspace.slug}).")
