"""Admin for workspaces and their members."""

from django.contrib import admin

from workspaces.admin_scoping import WorkspaceScopedAdmin
from workspaces.models import Membership, Workspace


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(WorkspaceScopedAdmin):
    workspace_path = "pk"
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        return qs.filter(memberships__user=request.user)

    def _obj_workspace_id(self, obj):
        return obj.pk

    def has_add_permission(self, request):
        return request.user.is_superuser
