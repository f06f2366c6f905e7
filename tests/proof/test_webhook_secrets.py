"""The webhook verification token is a secret too: through the handshake, good and bad
deliveries, automation runs and every page, it appears only in the one reveal response."""

import json
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from integrations.automations.events import signature_for
from integrations.models import ActionLog, NotionConnection, WebhookEvent
from integrations.notion.sandbox.seed import BOT_ID, TASK_ROW_IDS
from tests.fixtures.factories import make_connection
from tests.integrations.automations.conftest import (
    PersonInNotion,
    close_on_done,
    status_event,
)
from tests.proof import leaks

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "secret_proof_webhook_0f1e2d3c4b5a69788796a5b4c3d2e1f0"


def test_the_webhook_token_appears_only_in_its_one_reveal(
    settings, admin_user, workspace, sandbox_settings, notion_sandbox, capfd
):
    settings.DEBUG = True  # every SQL query is logged too
    connection = make_connection(workspace)
    NotionConnection.objects.filter(pk=connection.pk).update(bot_id=BOT_ID)
    automation = close_on_done(connection)
    person = PersonInNotion(notion_sandbox.url)
    notion = Client()
    admin = Client()
    admin.force_login(admin_user)
    hook = reverse("integrations:notion_webhook", args=[connection.pk])
    detail = reverse("integrations:notion_detail", args=[connection.pk])

    with leaks.every_log_record() as logs:
        notion.post(hook, json.dumps({"verification_token": TOKEN}), "application/json")
        refused = notion.post(
            hook, json.dumps({"verification_token": TOKEN + "x"}), "application/json"
        )
        reveal = admin.post(reverse("integrations:notion_webhook_reveal", args=[connection.pk]))
        person.set_status(TASK_ROW_IDS[0], "Done")
        event = status_event(person, TASK_ROW_IDS[0], at=datetime.now(UTC))
        body = json.dumps(event).encode()
        answers = [
            notion.post(hook, body, "application/json", HTTP_X_NOTION_SIGNATURE=signature)
            for signature in (signature_for(TOKEN, body), "sha256=00", signature_for("x", body))
        ]
        pages = [
            admin.get(url)
            for url in (
                detail,
                reverse("integrations:notion_list"),
                reverse("integrations:automation_list"),
                reverse("integrations:automation_detail", args=[automation.pk]),
                reverse("integrations:action_log"),
                reverse("integrations:action_log_csv"),
                *[
                    reverse("integrations:action_log_detail", args=[pk])
                    for pk in ActionLog.objects.values_list("pk", flat=True)
                ],
            )
        ]
        second_reveal = admin.post(
            reverse("integrations:notion_webhook_reveal", args=[connection.pk]), follow=True
        )

    assert refused.status_code == 409
    assert [a.status_code for a in answers] == [200, 403, 403]
    assert automation.runs.get(action="tool.notion_add_comment").status == "succeeded"
    assert TOKEN in leaks.page_text(reveal)  # the one place it is shown
    stored = {
        "pages": [leaks.page_text(p) for p in [*pages, second_reveal]],
        "log records": logs.lines,
        "SQL log": logs.sql,
        "audit rows": [repr(row) for row in ActionLog.objects.values()],
        "webhook inbox": [repr(row) for row in WebhookEvent.objects.values()],
        "console": ["".join(capfd.readouterr())],
        "tables": list(leaks.database_dump().values()),
    }
    leaked = [
        (where, leaks.context(text, TOKEN, "token"))
        for where, texts in stored.items()
        for text in texts
        if TOKEN in text
    ]
    assert leaked == []
    # The SQL log was searched where the token would be written: the encrypted column.
    assert any("webhook_token" in line for line in logs.sql)
