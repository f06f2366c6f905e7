"""Automation pages: the form, the list and detail, enable, run now, delete, kept per workspace."""

import html as html_lib
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from integrations.models import ActionLog, Automation
from integrations.notion.sandbox.seed import TASKS_DATA_SOURCE_ID
from integrations.services import template_create
from integrations.services.automations import automation_create
from tests.fixtures.factories import SYSTEM, make_connection

CRON = {
    "name": "Monday search",
    "trigger": "cron",
    "cron": "0 9 * * 1",
    "timezone": "Europe/Berlin",
    "action": "tool",
    "tool_name": "notion_search_pages",
    "arguments": '{"query": "Report {today}"}',
    "enabled": "on",
}


def _post(client, data, *, url=None, connection):
    return client.post(
        url or reverse("integrations:automation_add"), data | {"connection": connection.pk}
    )


def _schedule(connection, name="Nightly", **fields) -> Automation:
    values = {
        "trigger": "cron",
        "cron": "0 2 * * *",
        "tool_name": "notion_search_pages",
        "arguments": {"query": "Roadmap"},
    }
    return automation_create(
        workspace=connection.workspace,
        connection=connection,
        name=name,
        actor=SYSTEM,
        **(values | fields),
    )


def _on_status_done(connection, name="On done", **fields) -> Automation:
    values = {
        "trigger": "event",
        "event_types": ["page.properties_updated"],
        "property_name": "Status",
        "property_value": "Done",
        "tool_name": "notion_add_comment",
        "arguments": {"page_id": "{event.page_id}", "text": "Done, thanks!"},
    }
    return automation_create(
        workspace=connection.workspace,
        connection=connection,
        name=name,
        actor=SYSTEM,
        **(values | fields),
    )


def _field_errors(html: str, field: str) -> str:
    """The text of a field's error list (Django renders it with id="id_<field>_error")."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return html_lib.unescape(match.group(1)) if match else ""


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- creating through the form -------------------------------------------------------------------


def test_admin_creates_a_cron_automation_and_sees_its_next_runs(admin_client, connection):
    response = _post(admin_client, CRON, connection=connection)
    automation = Automation.objects.get(name="Monday search")
    assert response.status_code == 302
    assert response["Location"] == reverse("integrations:automation_detail", args=[automation.pk])
    assert (automation.trigger, automation.cron, automation.timezone) == (
        "cron",
        "0 9 * * 1",
        "Europe/Berlin",
    )
    assert automation.arguments == {"query": "Report {today}"}
    assert automation.workspace == connection.workspace and automation.enabled
    assert automation.next_run_at is not None
    assert ActionLog.objects.filter(action="automation.create", actor_name="alice").exists()

    page = admin_client.get(response["Location"]).content.decode()
    assert "Next 5 runs" in page
    # Monday 09:00 in Berlin, and the same moment in UTC (07:00 or 08:00 with DST).
    assert page.count("Mon, ") == 5 and re.search(r"Mon, \w+ \d+, \d{4} 09:00 CES?T", page)
    assert re.search(r"<td>\w+ \d+, 0[78]:00</td>", page)


def test_admin_creates_an_event_automation_from_a_template_with_a_condition(
    admin_client, connection, workspace
):
    template_create(workspace=workspace, name="Review", actor=SYSTEM, title_pattern="{title}")
    data = {
        "name": "Review when done",
        "trigger": "event",
        "timezone": "UTC",
        "event_types": ["page.properties_updated", "page.created"],
        "scope_id": f"https://www.notion.so/acme/Tasks-{TASKS_DATA_SOURCE_ID.replace('-', '')}",
        "property_name": "Status",
        "property_value": "Done",
        "action": "template",
        "from_template": "Review",
        "variables": '{"title": "Review of {event.page.title}"}',
        "enabled": "on",
        # Typed while "tool" was chosen; not what this automation does, so not saved.
        "tool_name": "notion_search_pages",
        "cron": "0 9 * * 1",
    }
    response = _post(admin_client, data, connection=connection)
    automation = Automation.objects.get(name="Review when done")
    assert response.status_code == 302
    assert automation.trigger == "event" and automation.cron == ""
    assert automation.event_types == ["page.properties_updated", "page.created"]
    assert automation.scope_id == TASKS_DATA_SOURCE_ID
    assert (automation.property_name, automation.property_value) == ("Status", "Done")
    assert automation.tool_name == "notion_create_page_from_template"
    assert automation.arguments == {
        "template": "Review",
        "variables": {"title": "Review of {event.page.title}"},
    }
    assert automation.next_run_at is None and not automation.include_own_changes

    listing = html_lib.unescape(
        admin_client.get(reverse("integrations:automation_list")).content.decode()
    )
    assert "when Status becomes Done" in listing
    assert "Create page from template “Review”" in listing
    detail = admin_client.get(response["Location"]).content.decode()
    hook = f"http://testserver/integrations/notion/webhooks/{connection.pk}/"
    assert hook in detail and "Not set up" in detail


def test_the_form_lists_this_workspaces_connections_tools_templates_and_variables(
    admin_client, connection, other_connection, workspace
):
    template_create(workspace=workspace, name="Weekly", actor=SYSTEM)
    template_create(workspace=other_connection.workspace, name="Globex plan", actor=SYSTEM)
    page = html_lib.unescape(
        admin_client.get(reverse("integrations:automation_add")).content.decode()
    )
    assert connection.name in page and "Globex" not in page
    assert '<option value="Weekly">' in page
    assert '<option value="notion_search_pages">' in page
    assert '<option value="Europe/Berlin">' in page and '<option value="UTC" selected>' in page
    assert 'value="page.properties_updated"' in page
    for variable in ("{event.page.properties.<Name>}", "{today+7d}", "{run.scheduled_for}"):
        assert variable in page, variable
    assert "{{" in page and "}}" in page
    assert "Also react to changes made by this integration itself" in page


def test_an_interval_in_minutes_is_saved_in_seconds(admin_client, connection):
    data = CRON | {"name": "Every quarter hour", "trigger": "interval", "interval_minutes": "15"}
    _post(admin_client, data, connection=connection)
    automation = Automation.objects.get(name="Every quarter hour")
    assert automation.interval_seconds == 900 and automation.cron == ""
    page = admin_client.get(reverse("integrations:automation_list")).content.decode()
    assert "every 15 minutes" in page


# --- errors keep what was typed ------------------------------------------------------------------


def test_a_bad_cron_is_a_field_error_and_everything_typed_stays(admin_client, connection):
    data = CRON | {"cron": "every monday", "arguments": '{"query": "Keep me {today}"}'}
    response = _post(admin_client, data, connection=connection)
    page = response.content.decode()
    assert response.status_code == 200
    assert "five fields" in _field_errors(page, "cron")
    assert 'value="every monday"' in page and "Keep me {today}" in html_lib.unescape(page)
    assert 'value="Monday search"' in page
    assert '<option value="Europe/Berlin" selected>' in page
    assert not Automation.objects.exists()
    assert not ActionLog.objects.filter(action__startswith="automation.").exists()


def test_an_unknown_variable_is_an_arguments_error(admin_client, connection):
    data = CRON | {"arguments": '{"query": "{nope}"}'}
    page = _post(admin_client, data, connection=connection).content.decode()
    assert "Unknown variable {nope}" in _field_errors(page, "arguments")
    assert "{nope}" in html_lib.unescape(page.split('name="arguments"')[1])
    assert not Automation.objects.exists()


def test_an_event_variable_on_a_schedule_is_an_arguments_error(admin_client, connection):
    data = CRON | {"arguments": '{"query": "{event.page.title}"}'}
    page = _post(admin_client, data, connection=connection).content.decode()
    assert "runs on a schedule" in _field_errors(page, "arguments")
    assert not Automation.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [("{not json", "This isn't valid JSON"), ('["a", "b"]', "Give a JSON object")],
)
def test_arguments_that_are_not_a_json_object_are_a_field_error(
    admin_client, connection, arguments, message
):
    page = _post(admin_client, CRON | {"arguments": arguments}, connection=connection)
    text = page.content.decode()
    assert message in _field_errors(text, "arguments")
    assert escape(arguments) in text
    assert not Automation.objects.exists()


def test_template_variables_errors_land_on_the_variables_field(admin_client, connection, workspace):
    template_create(workspace=workspace, name="Review", actor=SYSTEM)
    data = CRON | {
        "action": "template",
        "from_template": "Review",
        "variables": '{"title": "{event.page.title}"}',
    }
    page = _post(admin_client, data, connection=connection).content.decode()
    assert "runs on a schedule" in _field_errors(page, "variables")
    assert not Automation.objects.exists()


def test_a_taken_name_and_a_missing_tool_are_field_errors(admin_client, connection):
    _schedule(connection, name="Monday search")
    page = _post(admin_client, CRON | {"tool_name": ""}, connection=connection).content.decode()
    assert "Choose a tool" in _field_errors(page, "tool_name")
    page = _post(admin_client, CRON | {"name": "monday SEARCH"}, connection=connection)
    assert "already exists" in _field_errors(page.content.decode(), "name")
    assert Automation.objects.count() == 1


# --- edit ----------------------------------------------------------------------------------------


def test_edit_shows_the_saved_settings_and_saves_changes(admin_client, connection, workspace):
    template_create(workspace=workspace, name="Review", actor=SYSTEM)
    automation = _on_status_done(
        connection,
        tool_name="notion_create_page_from_template",
        arguments={"template": "Review", "variables": {"title": "{event.page.title}"}},
    )
    url = reverse("integrations:automation_edit", args=[automation.pk])
    page = html_lib.unescape(admin_client.get(url).content.decode())
    assert 'value="template" required id="id_action_1" checked' in page
    assert '<option value="Review" selected>' in page and '"title": "{event.page.title}"' in page
    assert 'value="Status"' in page and 'value="Done"' in page

    data = {
        "name": "On done",
        "connection": connection.pk,
        "trigger": "event",
        "timezone": "UTC",
        "event_types": ["page.properties_updated"],
        "property_name": "Status",
        "property_value": "Shipped",
        "action": "template",
        "from_template": "Review",
        "variables": '{"title": "Shipped: {event.page.title}"}',
        "enabled": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    automation.refresh_from_db()
    assert automation.property_value == "Shipped"
    assert automation.arguments["variables"] == {"title": "Shipped: {event.page.title}"}


def test_a_failed_edit_keeps_the_input_and_changes_nothing(admin_client, connection):
    automation = _schedule(connection)
    url = reverse("integrations:automation_edit", args=[automation.pk])
    page = _post(admin_client, CRON | {"cron": "99 * * * *"}, url=url, connection=connection)
    text = page.content.decode()
    assert "not a valid cron expression" in _field_errors(text, "cron")
    assert 'value="99 * * * *"' in text and "Edit “Nightly”" in html_lib.unescape(text)
    automation.refresh_from_db()
    assert automation.cron == "0 2 * * *" and automation.name == "Nightly"


# --- who may do what -----------------------------------------------------------------------------

ACTIONS = [
    "integrations:automation_toggle",
    "integrations:automation_run",
    "integrations:automation_delete",
    "integrations:automation_edit",
]


def test_another_workspaces_automation_is_404_everywhere(
    admin_client, connection, other_connection
):
    theirs = _schedule(other_connection, name="Globex nightly")
    for name in ("integrations:automation_detail", "integrations:automation_edit"):
        assert admin_client.get(reverse(name, args=[theirs.pk])).status_code == 404, name
    for name in ACTIONS:
        data = CRON | {"connection": connection.pk, "enable": "0", "confirm": "1"}
        assert admin_client.post(reverse(name, args=[theirs.pk]), data).status_code == 404, name
    theirs.refresh_from_db()
    assert theirs.name == "Globex nightly" and theirs.enabled
    assert not theirs.runs.exists()
    listing = admin_client.get(reverse("integrations:automation_list")).content.decode()
    assert "Globex" not in listing


def test_a_connection_of_another_workspace_cannot_be_chosen(
    admin_client, connection, other_connection
):
    page = _post(admin_client, CRON, connection=other_connection).content.decode()
    assert "Select a valid choice" in _field_errors(page, "connection")
    assert not Automation.objects.exists()


def test_a_member_may_view_but_not_change(member_client, connection):
    automation = _schedule(connection)
    listing = member_client.get(reverse("integrations:automation_list")).content.decode()
    assert "Nightly" in listing and "+ Add automation" not in listing
    detail = member_client.get(reverse("integrations:automation_detail", args=[automation.pk]))
    assert detail.status_code == 200
    assert "Run now" not in detail.content.decode() and "Delete automation" not in (
        detail.content.decode()
    )
    assert member_client.get(reverse("integrations:automation_add")).status_code == 403
    edit = reverse("integrations:automation_edit", args=[automation.pk])
    assert member_client.get(edit).status_code == 403
    for name in ACTIONS:
        response = member_client.post(reverse(name, args=[automation.pk]), {"enable": "0"})
        assert response.status_code == 403, name
    automation.refresh_from_db()
    assert automation.enabled and not automation.runs.exists()


def test_every_form_on_the_automation_pages_carries_a_csrf_token(admin_client, connection):
    automation = _schedule(connection)
    for url in (
        reverse("integrations:automation_add"),
        reverse("integrations:automation_edit", args=[automation.pk]),
        reverse("integrations:automation_detail", args=[automation.pk]),
    ):
        page = admin_client.get(url).content.decode()
        posts = page.count('method="post"')
        assert posts and page.count('name="csrfmiddlewaretoken"') == posts, url


# --- enable, run now, delete ---------------------------------------------------------------------


def test_toggle_disables_and_enabling_resumes_a_paused_automation(admin_client, connection):
    automation = _schedule(connection)
    url = reverse("integrations:automation_toggle", args=[automation.pk])
    admin_client.post(url, {"enable": "0"})
    automation.refresh_from_db()
    assert not automation.enabled and automation.next_run_at is None

    Automation.objects.filter(pk=automation.pk).update(
        enabled=True, consecutive_failures=5, paused_reason="Paused after 5 failed runs in a row"
    )
    detail = admin_client.get(reverse("integrations:automation_detail", args=[automation.pk]))
    assert "Paused after 5 failed runs" in detail.content.decode()
    response = admin_client.post(url, {"enable": "1"})
    automation.refresh_from_db()
    assert automation.enabled and not automation.is_paused and automation.consecutive_failures == 0
    assert automation.next_run_at is not None
    assert any("Resumed" in m for m in _messages(response))


def test_run_now_runs_a_schedule_as_the_automation_and_shows_it_in_the_history(
    admin_client, workspace, sandbox_settings, django_capture_on_commit_callbacks
):
    connection = make_connection(workspace)
    automation = _schedule(connection, arguments={"query": "Project"})
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("integrations:automation_run", args=[automation.pk]))
    assert response.status_code == 302
    run = ActionLog.objects.get(actor_automation=automation)
    assert run.actor_type == "automation" and run.actor_name == "Nightly"
    assert run.action == "tool.notion_search_pages" and run.trigger_event_id.startswith("manual:")
    assert run.status == ActionLog.Status.SUCCEEDED, run.error_message
    assert ActionLog.objects.filter(action="automation.run_now", actor_name="alice").exists()

    page = admin_client.get(response["Location"]).content.decode()
    assert reverse("integrations:action_log_detail", args=[run.pk]) in page
    assert run.trigger_event_id in page and "notion_search_pages" in page
    assert "automation.create" in page and "automation.run_now" in page


def test_run_now_of_an_event_automation_using_event_variables_is_refused(admin_client, connection):
    automation = _on_status_done(connection)
    response = admin_client.post(
        reverse("integrations:automation_run", args=[automation.pk]), follow=True
    )
    page = html_lib.unescape(response.content.decode())
    assert "can't run without one" in page and "message-error" in page
    assert not automation.runs.exists()


def _run_row(automation, **fields) -> ActionLog:
    """A finished run of the automation's tool, as the worker leaves it."""
    return ActionLog.objects.create(
        workspace=automation.workspace,
        actor_type=ActionLog.ActorType.AUTOMATION,
        actor_automation=automation,
        actor_name=automation.name,
        connection=automation.connection,
        action="tool.notion_search_pages",
        **fields,
    )


def test_history_lists_runs_newest_first_with_their_errors(admin_client, connection):
    automation = _schedule(connection)
    for n in range(3):
        _run_row(
            automation,
            status=ActionLog.Status.FAILED,
            error_code="object_not_found",
            error_message=f"Run {n} could not find the page.",
            trigger_event_id=f"schedule:2026-01-0{n + 1}T02:00:00+00:00",
        )
    page = admin_client.get(reverse("integrations:automation_detail", args=[automation.pk]))
    text = page.content.decode()
    assert text.index("Run 2 could not") < text.index("Run 1 could not") < text.index("Run 0")
    assert "schedule:2026-01-03T02:00:00+00:00" in text


def test_the_strip_of_recent_runs_shows_each_run_oldest_first(admin_client, connection):
    automation = _schedule(connection)
    for status in ("succeeded", "failed", "succeeded", "rejected"):
        _run_row(automation, status=status)
    page = admin_client.get(reverse("integrations:automation_detail", args=[automation.pk]))
    text = page.content.decode()
    strip = text[text.index('class="run-strip"') : text.index("</span>", text.index("run-strip"))]
    marks = re.findall(r"run-mark run-(\w+)", strip)
    assert marks == ["succeeded", "failed", "succeeded", "rejected"]
    assert "2 of the last 4 finished runs succeeded" in text


def test_delete_needs_the_confirmation_and_keeps_the_runs(admin_client, connection):
    automation = _schedule(connection)
    url = reverse("integrations:automation_delete", args=[automation.pk])
    admin_client.post(url, {})
    assert Automation.objects.filter(pk=automation.pk).exists()
    response = admin_client.post(url, {"confirm": "1"})
    assert response["Location"] == reverse("integrations:automation_list")
    assert not Automation.objects.filter(pk=automation.pk).exists()
    assert ActionLog.objects.filter(action="automation.delete", actor_name="alice").exists()


def test_paused_automations_are_flagged_on_the_list_and_the_connection(admin_client, connection):
    automation = _schedule(connection)
    Automation.objects.filter(pk=automation.pk).update(
        consecutive_failures=5,
        paused_reason="Paused after 5 failed runs in a row; last error: page not shared",
    )
    listing = admin_client.get(reverse("integrations:automation_list")).content.decode()
    assert "1 automation is paused" in listing and "last error: page not shared" in listing
    detail = admin_client.get(reverse("integrations:notion_detail", args=[connection.pk]))
    text = detail.content.decode()
    assert "1 automation of this connection is paused" in text
    assert "Paused after 5 failed runs" in text and 'role="alert"' in text


def test_the_nav_links_to_automations(admin_client, connection):
    page = admin_client.get(reverse("integrations:automation_list")).content.decode()
    assert f'<a href="{reverse("integrations:automation_list")}" aria-current="page">' in page
