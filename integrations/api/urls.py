"""URLs of the assistants' API."""

from django.urls import path

from integrations.api import views

app_name = "api"

urlpatterns = [
    path("tools", views.tools, name="tools"),
    path("connections", views.connections, name="connections"),
    path("tool-calls", views.tool_calls, name="tool_calls"),
    path("tool-calls/<int:call_id>", views.tool_call_detail, name="tool_call_detail"),
    path("openapi.json", views.openapi_json, name="openapi"),
    path("docs", views.api_docs, name="docs"),
]
