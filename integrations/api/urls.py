"""URLs of the assistants' API."""

from django.urls import path, re_path

from integrations.api import views
from integrations.api.http import unknown_path

app_name = "api"

urlpatterns = [
    path("tools", views.tools, name="tools"),
    path("connections", views.connections, name="connections"),
    path("tool-calls", views.tool_calls, name="tool_calls"),
    path("tool-calls/<int:call_id>", views.tool_call_detail, name="tool_call_detail"),
    path("openapi.json", views.openapi_json, name="openapi"),
    path("docs", views.api_docs, name="docs"),
    # Last: whatever else is under /api/v1/ answers a JSON 404 rather than Django's HTML page.
    re_path(r"^(?P<path>.*)$", unknown_path, name="unknown"),
]
