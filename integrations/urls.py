"""URLs of the admin-facing pages."""

from django.urls import path

from integrations import views

app_name = "integrations"

urlpatterns = [
    path("", views.index, name="index"),
]
