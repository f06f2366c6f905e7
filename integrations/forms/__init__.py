"""Forms of the admin pages: connections, the action-log filters, templates and automations."""

from integrations.forms.action_log import ActionLogFilterForm
from integrations.forms.automations import AutomationForm
from integrations.forms.common import apply_service_errors, json_object_clean
from integrations.forms.connections import (
    ConnectionAddForm,
    ConnectionEditForm,
    DeleteConnectionForm,
    RotateTokenForm,
)
from integrations.forms.templates import TemplateForm

__all__ = [
    "ActionLogFilterForm",
    "AutomationForm",
    "ConnectionAddForm",
    "ConnectionEditForm",
    "DeleteConnectionForm",
    "RotateTokenForm",
    "TemplateForm",
    "apply_service_errors",
    "json_object_clean",
]
