"""The Phinite template form."""

from django import forms

from integrations.forms.common import json_object_clean, json_text
from integrations.models import Template


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
            self.initial["default_properties"] = json_text(self.instance.default_properties or {})

    def validate_unique(self):
        # The service checks the name within the workspace and says so in its own words.
        pass

    def clean_default_properties(self) -> dict:
        return json_object_clean(self.cleaned_data.get("default_properties"))

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
