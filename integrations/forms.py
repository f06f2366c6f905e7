"""Forms of the admin pages: Add Configuration, edit, rotate, action-log filters, templates."""

import json
from datetime import datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from assistants.models import Access, Assistant
from integrations import selectors, services
from integrations.models import ActionLog, NotionConnection, Template
from workspaces.models import Workspace

DEFAULT_ACCESS = Access.WRITE


def token_field(label: str = "Integration Token") -> forms.CharField:
    """A write-only secret: a password input that never renders the submitted value back."""
    return forms.CharField(
        label=label,
        max_length=400,
        strip=True,
        widget=forms.PasswordInput(
            render_value=False,
            attrs={"autocomplete": "off", "spellcheck": "false", "placeholder": "ntn_…"},
        ),
        help_text="Starts with ntn_ (or secret_ for integrations made before September 2024).",
    )


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Puts a service's ValidationError on the matching fields, the rest on the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.error_dict.items():
        target = name if name in form.fields else None
        for error in errors:
            form.add_error(target, error.messages)


class AssignmentsMixin:
    """Per workspace assistant: a "use this connection" checkbox and an access level."""

    def _add_assignment_fields(self, assistants, current: dict[int, str]) -> None:
        self.assistants = list(assistants)
        for assistant in self.assistants:
            self.fields[f"use_{assistant.pk}"] = forms.BooleanField(
                label=assistant.name, required=False, initial=assistant.pk in current
            )
            self.fields[f"access_{assistant.pk}"] = forms.ChoiceField(
                label=f"Access level for {assistant.name}",
                choices=Access.choices,
                initial=current.get(assistant.pk, DEFAULT_ACCESS),
            )

    def assistant_rows(self):
        """(assistant, checkbox, access select) for the template, in name order."""
        return [(a, self[f"use_{a.pk}"], self[f"access_{a.pk}"]) for a in self.assistants]

    def cleaned_assignments(self) -> dict[Assistant, str]:
        return {
            a: self.cleaned_data[f"access_{a.pk}"]
            for a in self.assistants
            if self.cleaned_data.get(f"use_{a.pk}")
        }


class ConnectionAddForm(AssignmentsMixin, forms.Form):
    """Add Configuration, labelled as the setup guide labels it."""

    name = forms.CharField(
        label="Name of the connection",
        max_length=100,
        initial="Notion Workspace",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    token = token_field()

    def __init__(self, *args, workspace: Workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self._add_assignment_fields(selectors.assistant_list(workspace=workspace), {})

    def clean_name(self) -> str:
        # Checked before the token goes to Notion, so a taken name costs no API call.
        try:
            name = services.validation.clean_name(self.cleaned_data["name"])
            services.connection_name_check(workspace=self.workspace, name=name)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        return name

    def clean_token(self) -> str:
        try:
            return services.validation.clean_token(self.cleaned_data["token"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None


class ConnectionEditForm(AssignmentsMixin, forms.Form):
    name = forms.CharField(label="Name of the connection", max_length=100)

    def __init__(self, *args, connection: NotionConnection, **kwargs):
        kwargs.setdefault("initial", {"name": connection.name})
        super().__init__(*args, **kwargs)
        self.connection = connection
        current = {a.assistant_id: a.access for a in connection.assignments.all()}
        self._add_assignment_fields(
            selectors.assistant_list(workspace=connection.workspace), current
        )

    def clean_name(self) -> str:
        try:
            name = services.validation.clean_name(self.cleaned_data["name"])
            services.connection_name_check(
                workspace=self.connection.workspace, name=name, exclude_pk=self.connection.pk
            )
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        return name


class RotateTokenForm(forms.Form):
    token = token_field("New Integration Token")

    def clean_token(self) -> str:
        try:
            return services.validation.clean_token(self.cleaned_data["token"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None


class DeleteConnectionForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, delete this connection. Its assistants lose access; its audit rows are kept.",
        required=True,
        error_messages={"required": "Tick the box to confirm the deletion."},
    )


class ActionLogFilterForm(forms.Form):
    """GET filters of the action log; connection and assistant choices are this workspace's."""

    connection = forms.ModelChoiceField(
        label="Connection",
        queryset=NotionConnection.objects.none(),
        required=False,
        empty_label="All connections",
    )
    assistant = forms.ModelChoiceField(
        label="Assistant",
        queryset=Assistant.objects.none(),
        required=False,
        empty_label="All assistants",
    )
    action = forms.CharField(
        label="Tool or action",
        required=False,
        max_length=80,
        widget=forms.TextInput(
            attrs={"list": "known-actions", "placeholder": "e.g. notion_create_page"}
        ),
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *ActionLog.Status.choices],
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(
        label="Notion object or request id",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "id or notion.so link"}),
    )

    def __init__(self, data=None, *, workspace: Workspace, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["connection"].queryset = selectors.connection_choices(workspace=workspace)
        self.fields["assistant"].queryset = selectors.assistant_list(workspace=workspace)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def filters(self) -> selectors.ActionLogFilters:
        """The validated filters; call only after is_valid()."""
        data = self.cleaned_data
        return selectors.ActionLogFilters(
            connection_id=data["connection"].pk if data.get("connection") else None,
            assistant_id=data["assistant"].pk if data.get("assistant") else None,
            action=(data.get("action") or "").strip(),
            status=data.get("status") or "",
            since=_day_start(data.get("date_from")),
            until=_day_start(data["date_to"] + timedelta(days=1)) if data.get("date_to") else None,
            query=(data.get("q") or "").strip(),
        )

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


def _day_start(day) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


class TemplateForm(forms.ModelForm):
    default_properties = forms.CharField(
        label="Default properties (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "class": "mono"}),
        help_text='A JSON object of Notion property values, e.g. {"Status": {"select": '
        '{"name": "Draft"}}}.',
    )

    class Meta:
        model = Template
        fields = [
            "name",
            "description",
            "target_type",
            "target_id",
            "title_pattern",
            "body",
            "default_properties",
        ]
        labels = {
            "target_type": "Created under",
            "target_id": "Parent page, database or data source id",
            "title_pattern": "Title pattern",
            "body": "Body (Markdown)",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 14, "spellcheck": "true", "class": "mono"}),
        }
        help_texts = {
            "title_pattern": "Use {variables}, e.g. “Meeting notes {date}”.",
            "body": "Markdown with {variables}; HTML is shown as text.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["default_properties"] = json.dumps(
                self.instance.default_properties or {}, indent=2, ensure_ascii=False
            )

    def validate_unique(self):
        # The service checks the name within the workspace and says so in its own words.
        pass

    def clean_default_properties(self) -> dict:
        text = (self.cleaned_data.get("default_properties") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"This isn't valid JSON ({exc.msg}, line {exc.lineno})."
            ) from None
        if not isinstance(value, dict):
            raise forms.ValidationError("Give a JSON object: {…}.")
        return value

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
