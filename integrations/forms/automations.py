"""The automation form: a trigger (a schedule or Notion events) and an action (tool or template)."""

from functools import lru_cache

from django import forms

from integrations import selectors
from integrations.automations.events import EVENT_TYPES
from integrations.automations.schedule import timezone_names
from integrations.forms.common import json_object_clean, json_text
from integrations.models import Automation, NotionConnection, Template
from integrations.tools.registry import tool_list
from workspaces.models import Workspace

TEMPLATE_TOOL = "notion_create_page_from_template"
ACTION_TOOL = "tool"
ACTION_TEMPLATE = "template"
# The variables an admin may write in arguments, as the help beside the form lists them.
VARIABLES = (
    ("{event.page_id}", "id of the page the event is about"),
    ("{event.page.title}", "its title (read from Notion when the run starts)"),
    ("{event.page.properties.<Name>}", "the value of one of its properties"),
    ("{event.id}", "id of the Notion event"),
    ("{now}", "date and time of the run, in the automation's time zone"),
    ("{now:%Y-%m-%d}", "the same, formatted (strftime)"),
    ("{today}", "the date of the run"),
    ("{today+7d}", "a week later (m, h, d, w; + or -)"),
    ("{run.scheduled_for}", "the slot a scheduled run was planned for"),
    ("{automation.name}", "this automation's name"),
)


@lru_cache(maxsize=1)
def _timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in timezone_names()]


def _mono(rows: int | None = None, **attrs) -> dict:
    base = {"spellcheck": "false", "class": "mono", "autocomplete": "off"}
    if rows:
        base["rows"] = rows
    return base | attrs


class AutomationForm(forms.Form):
    """Add or edit an automation. Fields that don't belong to the chosen trigger are kept as
    typed on the page but saved empty."""

    name = forms.CharField(label="Name", max_length=100)
    connection = forms.ModelChoiceField(
        label="Connection",
        queryset=NotionConnection.objects.none(),
        empty_label="Choose a connection",
        help_text="The Notion connection the action runs through (and whose events it hears).",
    )
    trigger = forms.ChoiceField(
        label="Trigger",
        choices=Automation.Trigger.choices,
        widget=forms.RadioSelect,
        initial=Automation.Trigger.CRON,
    )
    cron = forms.CharField(
        label="Cron expression",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=_mono(placeholder="0 9 * * 1")),
        help_text="Five fields: minute hour day-of-month month day-of-week. "
        "“0 9 * * 1” is every Monday at 09:00.",
    )
    timezone = forms.ChoiceField(
        label="Time zone",
        initial="UTC",
        help_text="Cron times are read in this zone, across daylight-saving changes; "
        "{now} and {today} are filled in it too.",
    )
    interval_minutes = forms.IntegerField(
        label="Every … minutes",
        required=False,
        min_value=1,
        max_value=527_040,
        help_text="Minutes between runs; the first run is one interval after saving.",
    )
    event_types = forms.MultipleChoiceField(
        label="Notion events",
        required=False,
        choices=[(t, t) for t in EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
    )
    scope_id = forms.CharField(
        label="Only in database / data source / parent page (id)",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=_mono()),
        help_text="Optional: a Notion id or link. Leave empty for every page the integration "
        "can see.",
    )
    property_name = forms.CharField(
        label="When the property",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "Status"}),
    )
    property_value = forms.CharField(
        label="becomes",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "Done"}),
        help_text="Optional. “When Status becomes Done” runs once each time a page changes to "
        "Done; with no value, any change of the property counts.",
    )
    include_own_changes = forms.BooleanField(
        label="Also react to changes made by this integration itself",
        required=False,
        help_text="Off by default, so an automation that edits the pages it watches can't "
        "trigger itself again and again.",
    )
    action = forms.ChoiceField(
        label="Action",
        choices=[(ACTION_TOOL, "Run a tool"), (ACTION_TEMPLATE, "Create a page from a template")],
        widget=forms.RadioSelect,
        initial=ACTION_TOOL,
    )
    tool_name = forms.ChoiceField(label="Tool", required=False)
    arguments = forms.CharField(
        label="Arguments (JSON)",
        required=False,
        widget=forms.Textarea(attrs=_mono(6, placeholder='{"query": "Weekly report"}')),
        help_text="A JSON object of the tool's arguments; strings may use the variables listed "
        "beside the form.",
    )
    from_template = forms.ModelChoiceField(
        label="Template",
        required=False,
        queryset=Template.objects.none(),
        to_field_name="name",
        empty_label="Choose a template",
    )
    variables = forms.CharField(
        label="Variables (JSON)",
        required=False,
        widget=forms.Textarea(attrs=_mono(4, placeholder='{"title": "{event.page.title}"}')),
        help_text="Values for the template's {variables}, as a JSON object.",
    )
    enabled = forms.BooleanField(label="Enabled", required=False, initial=True)

    def __init__(self, *args, workspace: Workspace, automation: Automation | None = None, **kw):
        if automation is not None:
            kw.setdefault("initial", automation_initial(automation))
        super().__init__(*args, **kw)
        connections = selectors.connection_choices(workspace=workspace)
        self.fields["connection"].queryset = connections
        if not self.is_bound and "connection" not in self.initial:
            only = list(connections[:2])
            if len(only) == 1:
                self.initial["connection"] = only[0].pk
        self.fields["from_template"].queryset = selectors.template_list(workspace=workspace)
        self.fields["timezone"].choices = _timezone_choices()
        self.fields["tool_name"].choices = [("", "Choose a tool")] + [
            (tool.name, f"{tool.name} ({tool.access})") for tool in tool_list()
        ]

    @property
    def tools(self):
        return tool_list()

    @property
    def variables_help(self):
        return VARIABLES

    def _action(self) -> str:
        return self.cleaned_data.get("action") or ACTION_TOOL

    def clean_tool_name(self) -> str:
        value = self.cleaned_data.get("tool_name") or ""
        if self._action() == ACTION_TOOL and not value:
            raise forms.ValidationError("Choose a tool.")
        return value

    def clean_arguments(self) -> dict:
        if self._action() != ACTION_TOOL:
            return {}
        return json_object_clean(self.cleaned_data.get("arguments"))

    def clean_from_template(self) -> Template | None:
        value = self.cleaned_data.get("from_template")
        if self._action() == ACTION_TEMPLATE and value is None:
            raise forms.ValidationError("Choose a template.")
        return value

    def clean_variables(self) -> dict:
        if self._action() != ACTION_TEMPLATE:
            return {}
        return json_object_clean(self.cleaned_data.get("variables"))

    def clean_scope_id(self) -> str:
        # A pasted notion.so link counts as the id in it; anything else goes to the service,
        # which says what is wrong with it.
        value = (self.cleaned_data.get("scope_id") or "").strip()
        variants = selectors.notion_id_variants(value)
        return variants[0] if variants else ""

    def clean(self):
        cleaned = super().clean()
        trigger = cleaned.get("trigger")
        minutes_missing = (
            not cleaned.get("interval_minutes") and "interval_minutes" not in self.errors
        )
        if trigger == Automation.Trigger.INTERVAL and minutes_missing:
            self.add_error("interval_minutes", "Give the number of minutes between runs.")
        return cleaned

    def error_aliases(self) -> dict[str, str]:
        """Where the service's field errors belong on this form."""
        aliases = {"interval_seconds": "interval_minutes"}
        if self._action() == ACTION_TEMPLATE:
            aliases |= {"tool_name": "from_template", "arguments": "variables"}
        return aliases

    def service_fields(self) -> dict:
        """Keyword arguments for automation_create / automation_update (after is_valid())."""
        data = self.cleaned_data
        trigger = data["trigger"]
        event = trigger == Automation.Trigger.EVENT
        minutes = data.get("interval_minutes")
        if self._action() == ACTION_TEMPLATE:
            tool_name = TEMPLATE_TOOL
            arguments = {"template": data["from_template"].name, "variables": data["variables"]}
        else:
            tool_name, arguments = data["tool_name"], data["arguments"]
        return {
            "name": data["name"],
            "connection": data["connection"],
            "enabled": data["enabled"],
            "trigger": trigger,
            "timezone": data["timezone"],
            "cron": data["cron"] if trigger == Automation.Trigger.CRON else "",
            "interval_seconds": minutes * 60
            if trigger == Automation.Trigger.INTERVAL and minutes
            else None,
            "event_types": data["event_types"] if event else [],
            "scope_id": data["scope_id"] if event else "",
            "property_name": data["property_name"] if event else "",
            "property_value": data["property_value"] if event else "",
            "include_own_changes": data["include_own_changes"] if event else False,
            "tool_name": tool_name,
            "arguments": arguments,
        }


def _template_of(automation: Automation) -> Template | None:
    """The workspace template a "create from template" action names, when its arguments are
    exactly what the template choice on the form produces."""
    args = automation.arguments if isinstance(automation.arguments, dict) else {}
    ref = args.get("template")
    if automation.tool_name != TEMPLATE_TOOL or not isinstance(ref, str) or not ref:
        return None
    if set(args) - {"template", "variables"} or not isinstance(args.get("variables", {}), dict):
        return None
    templates = selectors.template_list(workspace=automation.workspace)
    found = templates.filter(name=ref).first()
    if found is None and ref.isdigit():
        found = templates.filter(pk=int(ref)).first()
    return found


def automation_initial(automation: Automation) -> dict:
    """The form's initial values for an existing automation."""
    seconds = automation.interval_seconds
    initial = {
        "name": automation.name,
        "connection": automation.connection_id,
        "trigger": automation.trigger,
        "cron": automation.cron,
        "timezone": automation.timezone,
        "interval_minutes": max(1, round(seconds / 60)) if seconds else None,
        "event_types": list(automation.event_types or []),
        "scope_id": automation.scope_id,
        "property_name": automation.property_name,
        "property_value": automation.property_value,
        "include_own_changes": automation.include_own_changes,
        "enabled": automation.enabled,
        "action": ACTION_TOOL,
        "tool_name": automation.tool_name,
        "arguments": json_text(automation.arguments or {}),
    }
    template = _template_of(automation)
    if template is not None:
        # Shown as the template choice; anything else stays as raw tool arguments.
        initial |= {
            "action": ACTION_TEMPLATE,
            "from_template": template.name,
            "variables": json_text(automation.arguments.get("variables") or {}),
            "arguments": "",
        }
    return initial
