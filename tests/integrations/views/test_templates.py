"""Phinite templates: list, create, edit, and a Markdown preview that never runs HTML."""

from django.urls import reverse

from integrations.models import ActionLog, Template
from integrations.services import template_create
from tests.fixtures.factories import SYSTEM

VALID = {
    "name": "Meeting notes",
    "description": "Weekly sync",
    "target_type": "page",
    "target_id": "59833787-2cf9-4fdf-8782-e53db20768a5",
    "title_pattern": "Meeting {date}",
    "body": "# Agenda\n\n- **{topic}**\n",
    "default_properties": '{"Status": {"select": {"name": "Draft"}}}',
}


def test_admin_creates_a_template_and_lands_on_its_page_with_a_preview(admin_client, workspace):
    response = admin_client.post(reverse("integrations:template_add"), VALID, follow=True)
    template = Template.objects.get(workspace=workspace, name="Meeting notes")
    assert response.redirect_chain[-1][0] == reverse(
        "integrations:template_edit", args=[template.pk]
    )
    assert template.default_properties == {"Status": {"select": {"name": "Draft"}}}
    html = response.content.decode()
    assert "<h1>Agenda</h1>" in html and "<strong>{topic}</strong>" in html
    assert ActionLog.objects.filter(action="template.create", actor_name="alice").exists()


def test_template_list_shows_the_workspace_templates(admin_client, workspace):
    template_create(workspace=workspace, name="Bug report", actor=SYSTEM, title_pattern="Bug {id}")
    html = admin_client.get(reverse("integrations:template_list")).content.decode()
    assert "Bug report" in html and "Bug {id}" in html


def test_preview_renders_the_posted_body_without_saving(admin_client, workspace):
    data = VALID | {"body": "Hello *world*", "preview": "1"}
    response = admin_client.post(reverse("integrations:template_add"), data)
    assert "<em>world</em>" in response.content.decode()
    assert not Template.objects.filter(workspace=workspace).exists()


def test_preview_escapes_html_and_refuses_javascript_links(admin_client, workspace):
    body = "<script>alert('x')</script>\n\n[click](javascript:alert(1))\n\n<img src=x onerror=y>"
    response = admin_client.post(
        reverse("integrations:template_add"), VALID | {"body": body, "preview": "1"}
    )
    preview = response.content.decode().split('class="markdown"')[1]
    assert "<script>" not in preview and "&lt;script&gt;" in preview
    assert 'href="javascript:' not in preview and "<img" not in preview


def test_edit_saves_changes_and_shows_the_new_preview(admin_client, workspace):
    template = template_create(workspace=workspace, name="Notes", actor=SYSTEM, body="Old")
    data = VALID | {"name": "Notes", "body": "New **body**"}
    response = admin_client.post(
        reverse("integrations:template_edit", args=[template.pk]), data, follow=True
    )
    template.refresh_from_db()
    assert template.body == "New **body**"
    assert "<strong>body</strong>" in response.content.decode()


def test_a_taken_name_and_bad_json_are_field_errors(admin_client, workspace):
    template_create(workspace=workspace, name="Notes", actor=SYSTEM)
    response = admin_client.post(
        reverse("integrations:template_add"),
        VALID | {"name": "notes", "default_properties": "{not json"},
    )
    html = response.content.decode()
    assert "This isn&#x27;t valid JSON" in html
    assert Template.objects.filter(workspace=workspace).count() == 1
    response = admin_client.post(reverse("integrations:template_add"), VALID | {"name": "notes"})
    assert "already exists" in response.content.decode()
    assert Template.objects.filter(workspace=workspace).count() == 1


def test_delete_needs_the_confirmation_box(admin_client, workspace):
    template = template_create(workspace=workspace, name="Scratch", actor=SYSTEM)
    url = reverse("integrations:template_delete", args=[template.pk])
    admin_client.post(url, {})
    assert Template.objects.filter(pk=template.pk).exists()
    admin_client.post(url, {"confirm": "1"})
    assert not Template.objects.filter(pk=template.pk).exists()


def test_template_form_labels_every_input(admin_client, workspace):
    html = admin_client.get(reverse("integrations:template_add")).content.decode()
    for field in ("name", "description", "target_type", "target_id", "title_pattern", "body"):
        assert f'<label for="id_{field}">' in html, field
