"""What every form shares: service errors put on the fields they concern, JSON object inputs."""

import json

from django import forms
from django.core.exceptions import ValidationError


def apply_service_errors(
    form: forms.Form, exc: ValidationError, *, aliases: dict[str, str] | None = None
) -> None:
    """Puts a service's ValidationError on the matching fields, the rest on the form.
    `aliases` maps a service's field name to the form field that holds it (interval_seconds is
    typed in minutes, say)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.error_dict.items():
        name = (aliases or {}).get(name, name)
        target = name if name in form.fields else None
        for error in errors:
            form.add_error(target, error.messages)


def json_object_clean(text: str | None) -> dict:
    """The JSON object typed into a textarea ({} when empty), or a ValidationError that says
    what is wrong and where."""
    text = (text or "").strip()
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


def json_text(value) -> str:
    """A JSON value as an admin reads and edits it in a textarea."""
    return json.dumps(value, indent=2, ensure_ascii=False)
