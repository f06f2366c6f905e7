"""Admin for assistants (key shown once) and their assignments; writes go through services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from assistants import services
from assistants.models import Assignment, Assistant
from integrations.audit import Actor
from integrations.models import NotionConnection
from workspaces.admin_scoping import ServiceBackedAdmin, _workspace_ids


def _show_key_once(request, assistant, key):
    messages.warning(
        request,
        f"API key for “{assistant.name}”: {key} — copy it now; it will not be shown again.",
    )


class AssistantForm(forms.ModelForm):
    class Meta:
        model = Assistant
        fields = ["workspace", "name", "description", "is_active"]

    def validate_unique(self):
        # The service's checks below give the messages users should read.
        pass

    def clean(self):
        cleaned = super().clean()
        workspace = cleaned.get("workspace") or getattr(self.instance, "workspace", None)
        if workspace is not None and "name" in cleaned:
            try:
                cleaned["name"] = services.assistant_name_check(
                    workspace=workspace, name=cleaned["name"], exclude_pk=self.instance.pk
                )
            except ValidationError as exc:
                self.add_error("name", exc.messages[0])
        return cleaned


@admin.register(Assistant)
class AssistantAdmin(ServiceBackedAdmin):
    form = AssistantForm
    list_display = ["name", "workspace", "key_prefix", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "key_prefix"]
    readonly_fields = ["slug", "key_prefix", "key_created_at", "created_at", "updated_at"]
    actions = ["rotate_keys", "deactivate"]

    def get_fields(self, request, obj=None):
        base = ["workspace", "name", "description", "is_active"]
        return base if obj is None else [*base, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        actor = Actor.for_user(request.user)
        data = form.cleaned_data
        if change:
            services.assistant_update(
                assistant=obj,
                actor=actor,
                name=data["name"],
                description=data["description"],
                is_active=data["is_active"],
            )
        else:
            created, key = services.assistant_create(
                workspace=data["workspace"],
                name=data["name"],
                description=data["description"],
                is_active=data["is_active"],
                actor=actor,
            )
            obj.pk = created.pk
            _show_key_once(request, created, key)

    def delete_model(self, request, obj):
        services.assistant_delete(assistant=obj, actor=Actor.for_user(request.user))

    @admin.action(description="Rotate API key (shows the new key once)")
    def rotate_keys(self, request, queryset):
        for assistant in queryset:
            key = services.assistant_rotate_key(
                assistant=assistant, actor=Actor.for_user(request.user)
            )
            _show_key_once(request, assistant, key)

    @admin.action(description="Deactivate (the API refuses its key)")
    def deactivate(self, request, queryset):
        for assistant in queryset:
            services.assistant_deactivate(assistant=assistant, actor=Actor.for_user(request.user))
        messages.success(request, f"Deactivated {queryset.count()} assistant(s).")


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["assistant", "connection", "access"]

    def validate_unique(self):
        # Setting an existing pair updates its access level (assignment_set), never duplicates.
        pass

    def clean(self):
        cleaned = super().clean()
        assistant, connection = cleaned.get("assistant"), cleaned.get("connection")
        if assistant and connection and assistant.workspace_id != connection.workspace_id:
            raise ValidationError(
                "The assistant and the connection belong to different workspaces."
            )
        return cleaned


@admin.register(Assignment)
class AssignmentAdmin(ServiceBackedAdmin):
    form = AssignmentForm
    workspace_path = "connection__workspace"
    list_display = ["assistant", "connection", "access", "created_at"]
    list_filter = ["access"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            ids = _workspace_ids(request, admin_only=True)
            if db_field.name == "assistant":
                kwargs["queryset"] = Assistant.objects.filter(workspace_id__in=ids)
            elif db_field.name == "connection":
                kwargs["queryset"] = NotionConnection.objects.filter(workspace_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.assignment_set(
            assistant=data["assistant"],
            connection=data["connection"],
            access=data["access"],
            actor=Actor.for_user(request.user),
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.assignment_delete(assignment=obj, actor=Actor.for_user(request.user))
