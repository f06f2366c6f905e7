"""URLs of the admin-facing pages."""

from django.urls import path

from integrations import views
from integrations.views import action_log, automations, connections, templates, webhooks

app_name = "integrations"

urlpatterns = [
    path("", views.index, name="index"),
    path("notion/", connections.notion_list, name="notion_list"),
    path("notion/add/", connections.notion_add, name="notion_add"),
    path("notion/<int:pk>/", connections.notion_detail, name="notion_detail"),
    path("notion/<int:pk>/test/", connections.notion_test, name="notion_test"),
    path("notion/<int:pk>/rotate/", connections.notion_rotate, name="notion_rotate"),
    path("notion/<int:pk>/edit/", connections.notion_edit, name="notion_edit"),
    path("notion/<int:pk>/toggle/", connections.notion_toggle, name="notion_toggle"),
    path("notion/<int:pk>/delete/", connections.notion_delete, name="notion_delete"),
    path("notion/webhooks/<int:connection_id>/", webhooks.notion_webhook, name="notion_webhook"),
    path(
        "notion/<int:pk>/webhook/reveal/",
        connections.notion_webhook_reveal,
        name="notion_webhook_reveal",
    ),
    path(
        "notion/<int:pk>/webhook/reset/",
        connections.notion_webhook_reset,
        name="notion_webhook_reset",
    ),
    path("automations/", automations.automation_list, name="automation_list"),
    path("automations/add/", automations.automation_add, name="automation_add"),
    path("automations/<int:pk>/", automations.automation_detail, name="automation_detail"),
    path("automations/<int:pk>/edit/", automations.automation_edit, name="automation_edit"),
    path("automations/<int:pk>/toggle/", automations.automation_toggle, name="automation_toggle"),
    path("automations/<int:pk>/run/", automations.automation_run, name="automation_run"),
    path("automations/<int:pk>/delete/", automations.automation_delete, name="automation_delete"),
    path("logs/", action_log.action_log, name="action_log"),
    path("logs/export.csv", action_log.action_log_csv, name="action_log_csv"),
    path("logs/chart.json", action_log.action_log_chart, name="action_log_chart"),
    path("logs/status.json", action_log.action_log_status, name="action_log_status"),
    path("logs/<int:pk>/", action_log.action_log_detail, name="action_log_detail"),
    path("templates/", templates.template_list, name="template_list"),
    path("templates/add/", templates.template_add, name="template_add"),
    path("templates/<int:pk>/", templates.template_edit, name="template_edit"),
    path("templates/<int:pk>/delete/", templates.template_delete, name="template_delete"),
]
