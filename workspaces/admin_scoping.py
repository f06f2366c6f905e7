"""Admin base class that confines staff who are not superusers to their own workspaces."""

from django.contrib import admin

from workspaces.models import Membership, Workspace


def _workspace_ids(request, *, admin_only: bool = False) -> set[int]:
    cache_attr = "_admin_ws_ids" if admin_only else "_member_ws_ids"
    if not hasattr(request, cache_attr):
        rows = Membership.objects.filter(user=request.user)
        if admin_only:
            rows = rows.filter(role=Membership.Role.ADMIN)
        setattr(request, cache_attr, set(rows.values_list("workspace_id", flat=True)))
    return getattr(request, cache_attr)


class WorkspaceScopedAdmin(admin.ModelAdmin):
    """Members see their workspaces' rows; workspace admins may change them; superusers see all.
    `workspace_path` is the lookup from the model to its Workspace."""

    workspace_path = "workspace"

    def _obj_workspace_id(self, obj) -> int | None:
        target = obj
        for part in self.workspace_path.split("__"):
            target = getattr(target, part, None)
            if target is None:
                return None
        return target.pk if isinstance(target, Workspace) else target

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.workspace_path}__in": _workspace_ids(request)})

    def has_module_permission(self, request):
        return request.user.is_active and (
            request.user.is_superuser or bool(_workspace_ids(request))
        )

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        ids = _workspace_ids(request)
        return bool(ids) if obj is None else self._obj_workspace_id(obj) in ids

    def _may_change(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        ids = _workspace_ids(request, admin_only=True)
        return bool(ids) if obj is None else self._obj_workspace_id(obj) in ids

    def has_add_permission(self, request):
        return self._may_change(request)

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Workspace and not request.user.is_superuser:
            kwargs["queryset"] = Workspace.objects.filter(
                pk__in=_workspace_ids(request, admin_only=True)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ServiceBackedAdmin(WorkspaceScopedAdmin):
    """The model form only validates; saving is the service's job (called in save_model), so
    the admin writes nothing of its own and every change is audited like the web form."""

    def save_form(self, request, form, change):
        if change:
            return type(form.instance).objects.get(pk=form.instance.pk)
        return form.instance

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
