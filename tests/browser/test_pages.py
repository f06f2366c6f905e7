"""The admin pages in a real browser against the live server and the Notion sandbox."""

import re

import pytest
from playwright.sync_api import expect

from assistants.models import Assignment
from assistants.services import assistant_create
from integrations.models import ActionLog, NotionConnection
from integrations.notion.sandbox.seed import (
    SANDBOX_READONLY_TOKEN,
    SANDBOX_REVOKED_TOKEN,
    SANDBOX_TOKEN,
    WORKSPACE_NAME,
)
from tests.fixtures.factories import SYSTEM
from tests.integrations.views.conftest import make_log

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_ID = "59833787-2cf9-4fdf-8782-e53db20768a5"


def _log_rows(page):
    return page.locator("table.log-table tbody tr")


def test_a_visitor_who_is_not_logged_in_lands_on_the_login_page(page, connection, shot):
    page.goto("/integrations/notion/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/integrations/notion/$"))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert connection.name not in page.content()
    shot("login")


def test_add_configuration_with_a_valid_token_shows_the_notion_workspace(
    signed_in, sandbox_settings, assistant, shot
):
    page = signed_in
    shot("notion-list-empty")
    page.get_by_role("link", name="+ Add Configuration").first.click()
    page.get_by_label("Name of the connection").fill("Notion Workspace")
    page.get_by_label("Integration Token").fill(SANDBOX_TOKEN)
    page.get_by_label("Helper", exact=True).check()
    page.get_by_label("Access level for Helper").select_option("full")
    shot("notion-add")
    page.get_by_role("button", name="Save Configuration").click()

    expect(page.locator(".notion-workspace")).to_have_text(WORKSPACE_NAME)
    expect(page.get_by_role("status")).to_contain_text("Connected to Notion workspace")
    expect(page.locator(".masked-token")).to_have_text("••••••••" + SANDBOX_TOKEN[-4:])
    assert SANDBOX_TOKEN not in page.content()
    shot("notion-detail")
    connection = NotionConnection.objects.get(name="Notion Workspace")
    assert Assignment.objects.get(connection=connection).access == "full"


def test_add_configuration_with_a_revoked_token_shows_the_error_and_saves_nothing(
    signed_in, sandbox_settings, shot
):
    page = signed_in
    page.goto("/integrations/notion/add/")
    page.get_by_label("Name of the connection").fill("Revoked")
    page.get_by_label("Integration Token").fill(SANDBOX_REVOKED_TOKEN)
    page.get_by_role("button", name="Save Configuration").click()

    expect(page.get_by_role("alert")).to_contain_text("Notion rejected this token")
    expect(page.get_by_role("alert")).to_contain_text("unauthorized")
    expect(page.get_by_label("Integration Token")).to_have_value("")
    assert SANDBOX_REVOKED_TOKEN not in page.content()
    shot("notion-add-revoked")
    assert not NotionConnection.objects.exists()
    page.goto("/integrations/notion/")
    expect(page.get_by_text("No Notion connection yet")).to_be_visible()


def test_rotate_a_token_and_test_the_connection(signed_in, sandbox_settings, connection, shot):
    page = signed_in
    page.goto("/integrations/notion/")
    shot("notion-list")
    page.get_by_role("link", name=connection.name).click()
    page.get_by_label("New Integration Token").fill(SANDBOX_READONLY_TOKEN)
    page.get_by_role("button", name="Rotate token").click()

    expect(page.get_by_role("status")).to_contain_text("Token rotated")
    expect(page.locator(".masked-token")).to_have_text("••••••••" + SANDBOX_READONLY_TOKEN[-4:])
    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_role("status")).to_contain_text("Test passed")
    shot("notion-detail-rotated")
    connection.refresh_from_db()
    assert connection.token == SANDBOX_READONLY_TOKEN


def test_filter_the_action_log_by_status_and_by_assistant(
    signed_in, workspace, connection, assistant, shot
):
    page = signed_in
    scribe, _ = assistant_create(workspace=workspace, name="Scribe", actor=SYSTEM)
    make_log(
        connection,
        assistant=assistant,
        action="tool.notion_update_page",
        status=ActionLog.Status.FAILED,
        error_code="object_not_found",
        minutes_ago=50,
    )
    make_log(connection, assistant=scribe, action="tool.notion_create_page", minutes_ago=20)
    make_log(connection, assistant=assistant, action="tool.notion_search", minutes_ago=130)

    page.get_by_role("link", name="Action log").click()
    expect(page.locator("svg.chart-svg")).to_be_visible()
    shot("action-log")

    page.get_by_label("Status", exact=True).select_option("failed")
    page.get_by_role("button", name="Filter").click()
    expect(_log_rows(page)).to_have_count(1)
    expect(_log_rows(page).first).to_contain_text("notion_update_page")
    expect(_log_rows(page).first.locator(".badge")).to_have_text("Failed")
    shot("action-log-failed")

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("Assistant", exact=True).select_option(label="Scribe")
    page.get_by_role("button", name="Filter").click()
    expect(_log_rows(page)).to_have_count(1)
    expect(_log_rows(page).first).to_contain_text("notion_create_page")
    expect(_log_rows(page).first).to_contain_text("Scribe")


def test_open_a_calls_detail(signed_in, connection, assistant, shot):
    page = signed_in
    row = make_log(
        connection,
        assistant=assistant,
        action="tool.notion_update_page",
        status=ActionLog.Status.FAILED,
        arguments={"page_id": PAGE_ID, "properties": {"Status": "Done"}},
        error_code="object_not_found",
        error_message="Could not find page with ID: " + PAGE_ID,
        error_hint="Share the page with the integration in Notion, then try again.",
        notion_object_ids=[PAGE_ID],
        notion_request_ids=["8d3e7b6a-0000-4000-8000-000000000001"],
        http_status=404,
        attempts=1,
        duration_ms=312,
    )
    page.goto("/integrations/logs/")
    page.locator(f'a[href="/integrations/logs/{row.pk}/"]').click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("notion_update_page")
    expect(page.get_by_text("Share the page with the integration")).to_be_visible()
    expect(page.get_by_role("link", name=PAGE_ID)).to_have_attribute(
        "href", "https://www.notion.so/" + PAGE_ID.replace("-", "")
    )
    expect(page.get_by_text("8d3e7b6a-0000-4000-8000-000000000001")).to_be_visible()
    shot("action-log-detail")


def test_a_running_call_updates_itself_on_the_page(signed_in, connection, assistant):
    page = signed_in
    row = make_log(
        connection,
        assistant=assistant,
        action="tool.notion_query_database",
        status=ActionLog.Status.RUNNING,
        progress="pages fetched: 1",
    )
    page.goto("/integrations/logs/")
    line = page.locator(f'a[href="/integrations/logs/{row.pk}/"]').locator("xpath=ancestor::tr")
    expect(line).to_contain_text("pages fetched: 1")
    ActionLog.objects.filter(pk=row.pk).update(progress="pages fetched: 3")
    expect(line).to_contain_text("pages fetched: 3")
    ActionLog.objects.filter(pk=row.pk).update(status="succeeded", progress="", duration_ms=910)
    expect(line.locator(".badge")).to_have_text("Succeeded")
    expect(line).to_contain_text("910 ms")


def test_add_configuration_can_be_filled_with_the_keyboard_alone(
    signed_in, sandbox_settings, assistant
):
    page = signed_in
    page.goto("/integrations/notion/add/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_name":
            break
    assert page.evaluate("document.activeElement.id") == "id_name"
    page.keyboard.press("Control+A")
    page.keyboard.type("Keyboard Notion")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_token"
    page.keyboard.type(SANDBOX_TOKEN)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"id_use_{assistant.pk}"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"id_access_{assistant.pk}"
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#id_access_{assistant.pk}")).to_have_value("full")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Save Configuration")
    page.keyboard.press("Enter")

    expect(page.locator(".notion-workspace")).to_have_text(WORKSPACE_NAME)
    connection = NotionConnection.objects.get(name="Keyboard Notion")
    assert Assignment.objects.get(connection=connection, assistant=assistant).access == "full"


def test_create_a_template_with_a_markdown_preview(signed_in, shot):
    page = signed_in
    page.get_by_role("link", name="Templates").click()
    shot("templates-empty")
    page.get_by_role("link", name="+ New template").first.click()
    page.get_by_label("Name", exact=True).fill("Meeting notes")
    page.get_by_label("Title pattern").fill("Meeting {date}")
    page.get_by_label("Body (Markdown)").fill(
        "# Agenda\n\n- **{topic}**\n- Decisions\n\n<script>alert(1)</script>"
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".markdown h1")).to_have_text("Agenda")
    expect(page.locator(".markdown")).to_contain_text("<script>alert(1)</script>")
    shot("template-preview")
    page.get_by_role("button", name="Create template").click()
    expect(page.get_by_role("status")).to_contain_text("Created the template")
    shot("template-edit")
    page.get_by_role("link", name="Templates").first.click()
    expect(page.get_by_role("link", name="Meeting notes")).to_be_visible()
    shot("templates")


def test_an_admin_sets_up_an_event_automation_and_sees_it_run_once(
    signed_in, connection, sandbox_settings, notion_sandbox, live_server, shot
):
    from integrations.notion.sandbox.seed import TASK_ROW_IDS, TASKS_DATABASE_ID
    from tests.integrations.automations.conftest import PersonInNotion, comments_saying

    page = signed_in
    page.goto("/integrations/automations/")
    page.get_by_role("link", name="+ Add automation").first.click()
    page.get_by_label("Name", exact=True).fill("Close finished tasks")
    page.get_by_label("Connection").select_option(label=connection.name)
    page.get_by_label("Notion event").check()
    # Only the event settings show once the trigger is an event.
    expect(page.get_by_label("Cron expression")).to_be_hidden()
    page.get_by_label("page.properties_updated").check()
    page.get_by_label("Only in database / data source / parent page (id)").fill(TASKS_DATABASE_ID)
    page.get_by_label("When the property").fill("Status")
    page.get_by_label("becomes", exact=True).fill("Done")
    page.get_by_label("Tool", exact=True).select_option("notion_add_comment")
    page.get_by_label("Arguments (JSON)").fill(
        '{"page_id": "{event.page_id}", "text": "Closed by Phinite"}'
    )
    shot("automation-add")
    page.get_by_role("button", name="Create automation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Close finished tasks")

    # Notion (the sandbox) verifies the endpoint and delivers each event twice.
    hook = f"{live_server.url}/integrations/notion/webhooks/{connection.pk}/"
    notion_sandbox.webhook_subscribe(hook, duplicate=True)
    person = PersonInNotion(notion_sandbox.url)
    person.set_status(TASK_ROW_IDS[0], "Done")
    notion_sandbox.webhook_flush(wait=True)
    notion_sandbox.webhook_flush(wait=True)  # the comment's own event, heard and ignored

    page.reload()
    expect(page.locator(".run-strip .run-mark.run-succeeded")).to_have_count(1)
    expect(page.locator("table.log-table")).to_contain_text("notion_add_comment")
    shot("automation-detail")
    assert len(comments_saying(person, TASK_ROW_IDS[0])) == 1
    notion_sandbox.webhook_unsubscribe()
