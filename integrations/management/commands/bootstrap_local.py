"""For `make run`: makes sure a local admin and workspace exist and says how to log in."""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from integrations.audit import Actor
from workspaces.models import Membership, Workspace
from workspaces.services import workspace_create

ENV_KEY = "LOCAL_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = "Create the local admin user and workspace once (development only) and print the login."

    def handle(self, *args, **options):
        env_file = settings.BASE_DIR / ".env"
        User = get_user_model()
        # settings read .env into the environment, so a password written earlier is here.
        password = os.environ.get(ENV_KEY, "")
        user = User.objects.filter(username="admin").first()
        if user is None:
            password = password or secrets.token_urlsafe(12)
            user = User.objects.create_superuser("admin", "admin@example.com", password)
            if env_file.exists() and ENV_KEY not in env_file.read_text():
                with env_file.open("a") as fh:
                    fh.write(f"{ENV_KEY}={password}\n")
        workspace = Workspace.objects.filter(memberships__user=user).first()
        if workspace is None:
            workspace = workspace_create(
                name="My workspace", admin=user, actor=Actor.system("make run")
            )
        Membership.objects.get_or_create(
            workspace=workspace, user=user, defaults={"role": Membership.Role.ADMIN}
        )
        shown = password or "(the password you set for admin)"
        self.stdout.write(
            "\n  Phinite Notion is starting at http://127.0.0.1:8000/\n"
            f"  Log in as: admin / {shown}\n"
            "  Admin (assistants, keys): http://127.0.0.1:8000/admin/\n"
            "  Add a Notion connection:  http://127.0.0.1:8000/integrations/notion/add/\n"
        )
