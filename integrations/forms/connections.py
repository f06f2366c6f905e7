"""Forms of the connection pages: Add Configuration, edit, rotate the token, delete."""

from django import forms
from django.core.exceptions import ValidationError

from assistants.models import Access, Assistant
from integrations import selectors, services
from integrations.models import NotionConnection
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
