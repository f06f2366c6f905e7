"""Assistants (AI agents), their API keys and their access to Notion connections."""

from django.db import models

from workspaces.models import Workspace


class Assistant(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="assistants")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    # The key itself is shown once at creation; only its SHA-256 digest is stored, plus a short
    # prefix so an admin can tell keys apart.
    key_prefix = models.CharField(max_length=16, db_index=True)
    key_digest = models.CharField(max_length=64, unique=True)
    key_created_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    connections = models.ManyToManyField(
        "integrations.NotionConnection", through="Assignment", related_name="assistants"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_assistant_name"),
            models.UniqueConstraint(fields=["workspace", "slug"], name="unique_assistant_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Access(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Write (read, create, update)"
    FULL = "full", "Full (write, delete)"


ACCESS_RANK = {Access.READ: 1, Access.WRITE: 2, Access.FULL: 3}


class Assignment(models.Model):
    assistant = models.ForeignKey(Assistant, on_delete=models.CASCADE, related_name="assignments")
    connection = models.ForeignKey(
        "integrations.NotionConnection", on_delete=models.CASCADE, related_name="assignments"
    )
    access = models.CharField(max_length=5, choices=Access.choices, default=Access.WRITE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assistant", "connection"], name="unique_assistant_connection"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assistant} → {self.connection} ({self.access})"

    def allows(self, required: str) -> bool:
        return ACCESS_RANK[Access(self.access)] >= ACCESS_RANK[Access(required)]
