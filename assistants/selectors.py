"""Reads about assistants shared by the API, views and admin."""

from assistants.keys import VISIBLE_CHARS, key_matches
from assistants.models import Assignment, Assistant


def assistant_authenticate(*, key: str) -> Assistant | None:
    """The active assistant holding `key`, or None. Candidates are found by the visible prefix,
    then the digest is compared in constant time."""
    if not key or len(key) < VISIBLE_CHARS or len(key) > 200:
        return None
    for assistant in Assistant.objects.select_related("workspace").filter(
        key_prefix=key[:VISIBLE_CHARS]
    ):
        if key_matches(key, assistant.key_digest):
            return assistant if assistant.is_active else None
    return None


def assignment_list_for_assistant(*, assistant: Assistant):
    return (
        Assignment.objects.filter(assistant=assistant, connection__workspace=assistant.workspace)
        .select_related("connection")
        .order_by("connection__name")
    )
