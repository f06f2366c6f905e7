"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from workspaces import views as workspace_views

workspace_patterns = ([path("switch/", workspace_views.switch, name="switch")], "workspaces")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="integrations:index", permanent=False)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("integrations/", include("integrations.urls")),
    path("workspaces/", include(workspace_patterns)),
    path("api/v1/", include("integrations.api.urls")),
]
