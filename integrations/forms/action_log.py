"""The action log's filters."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from assistants.models import Assistant
from integrations import selectors
from integrations.models import ActionLog, NotionConnection
from workspaces.models import Workspace


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
