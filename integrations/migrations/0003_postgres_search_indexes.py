"""PostgreSQL-only indexes for the action log: id search (GIN) and the hourly chart (covering)."""

from django.db import migrations

INDEXES = [
    (
        "log_object_ids_gin",
        "CREATE INDEX IF NOT EXISTS log_object_ids_gin ON integrations_actionlog "
        "USING gin (notion_object_ids jsonb_path_ops)",
    ),
    (
        "log_request_ids_gin",
        "CREATE INDEX IF NOT EXISTS log_request_ids_gin ON integrations_actionlog "
        "USING gin (notion_request_ids jsonb_path_ops)",
    ),
    (
        "log_ws_created_status",
        "CREATE INDEX IF NOT EXISTS log_ws_created_status ON integrations_actionlog "
        "(workspace_id, created_at) INCLUDE (status)",
    ),
]


def create(apps, schema_editor):
    # SQLite (the embedded default) has neither GIN nor INCLUDE; it does without.
    if schema_editor.connection.vendor != "postgresql":
        return
    for _, sql in INDEXES:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("integrations", "0002_slot_reserved")]

    operations = [migrations.RunPython(create, drop)]
