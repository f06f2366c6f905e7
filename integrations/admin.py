"""Admin for connections (token masked, never re-rendered), templates and the read-only log."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from integrations import services
from integrations.audit import Actor
from integrations.models import ActionLog, NotionConnection, Template
from workspaces.admin_scoping import ServiceBackedAdmin, WorkspaceScopedAdmin


class ConnectionAdminForm(forms.ModelForm):
    """The token is write-only: a password input that never renders a value. On change it is
    optional and, when given, rotates the token with the same live check."""

    new_token = forms.CharField(
        label="Integration Token",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = NotionConnection
        fields = ["workspace", "name"]

    def clean(self):
        cleaned = super().clean()
        token = cleaned.get("new_token", "")
        if self.instance.pk is None and not token:
            self.add_error("new_token", "Paste the Internal Integration Token from Notion.")
        if token:
            try:
                token = services.validation.clean_token(token)
                self.identity = services.connection_check_token(token=token)
            except ValidationError as exc:
                self.add_error("new_token", exc.messages[0])
            except services.ConnectionCheckFailed as exc:
                self.add_error("new_token", f"{exc} [{exc.code}]")
        return cleaned

    def validate_unique(self):
        # The service's name check below gives the message users should read.
        pass

    def clean_name(self):
        workspace = self.cleaned_data.get("workspace") or getattr(self.instance, "workspace", None)
        try:
            name = services.validation.clean_name(self.cleaned_data.get("name"))
            if workspace is not None:
                services.connection_name_check(
                    workspace=workspace, name=name, exclude_pk=self.instance.pk
                )
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0]) from None
        return name


@admin.register(NotionConnection)
class NotionConnectionAdmin(ServiceBackedAdmin):
    form = ConnectionAdminForm
    list_display = ["name", "workspace", "status", "notion_workspace_name", "masked_token"]
    list_filter = ["status"]
    search_fields = ["name", "notion_workspace_name"]
    readonly_fields = [
        "masked_token",
        "status",
        "status_detail",
        "notion_workspace_name",
        "notion_workspace_id",
        "bot_name",
        "bot_id",
        "last_verified_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    actions = ["disable_connections", "enable_connections"]

    def get_fields(self, request, obj=None):
        editable = ["workspace", "name", "new_token"]
        return editable if obj is None else [*editable, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    @admin.display(description="Token")
    def masked_token(self, obj):
        return obj.masked_token

    def save_model(self, request, obj, form, change):
        actor = Actor.for_user(request.user)
        token = form.cleaned_data.get("new_token")
        if not change:
            created = services.connection_create(
                workspace=form.cleaned_data["workspace"],
                name=form.cleaned_data["name"],
                token=token,
                actor=actor,
                identity=form.identity,
            )
            obj.pk = created.pk
            return
        services.connection_update(connection=obj, name=form.cleaned_data["name"], actor=actor)
        if token:
            services.connection_rotate_token(connection=obj, token=token, actor=actor)

    def delete_model(self, request, obj):
        services.connection_delete(connection=obj, actor=Actor.for_user(request.user))

    @admin.action(description="Disable selected connections")
    def disable_connections(self, request, queryset):
        for obj in queryset:
            services.connection_set_enabled(
                connection=obj, enabled=False, actor=Actor.for_user(request.user)
            )
        messages.success(request, f"Disabled {queryset.count()} connection(s).")

    @admin.action(description="Enable selected connections")
    def enable_connections(self, request, queryset):
        for obj in queryset:
            services.connection_set_enabled(
                connection=obj, enabled=True, actor=Actor.for_user(request.user)
            )
        messages.success(request, f"Enabled {queryset.count()} connection(s).")


@admin.register(Template)
class TemplateAdmin(ServiceBackedAdmin):
    list_display = ["name", "workspace", "target_type", "target_id", "updated_at"]
    search_fields = ["name", "description"]
    fields = [
        "workspace",
        "name",
        "description",
        "target_type",
        "target_id",
        "title_pattern",
        "body",
        "default_properties",
    ]

    def save_model(self, request, obj, form, change):
        actor = Actor.for_user(request.user)
        data = {f: form.cleaned_data[f] for f in self.fields if f != "workspace"}
        if change:
            services.template_update(template=obj, actor=actor, **data)
        else:
            created = services.template_create(
                workspace=form.cleaned_data["workspace"], actor=actor, **data
            )
            obj.pk = created.pk

    def delete_model(self, request, obj):
        services.template_delete(template=obj, actor=Actor.for_user(request.user))


@admin.register(ActionLog)
class ActionLogAdmin(WorkspaceScopedAdmin):
    """Read-only: the audit log can be read, never added to, edited or deleted from here."""

    list_display = [
        "created_at",
        "action",
        "status",
        "actor_name",
        "connection_name",
        "attempts",
        "duration_ms",
    ]
    list_filter = ["status", "actor_type"]
    search_fields = ["action", "actor_name", "connection_name", "idempotency_key"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
