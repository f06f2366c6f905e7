"""Assistant API keys: shown once, stored as digest, compared in constant time."""

import hashlib

from assistants.models import Assistant
from assistants.selectors import assistant_authenticate
from assistants.services import assistant_deactivate, assistant_rotate_key
from integrations.audit import Actor


def test_key_is_returned_once_and_stored_only_as_a_digest(assistant_with_key):
    assistant, key = assistant_with_key
    stored = Assistant.objects.filter(pk=assistant.pk).values().get()
    assert key not in str(stored)
    assert stored["key_digest"] == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(stored["key_prefix"]) and len(stored["key_prefix"]) < len(key) // 3


def test_a_key_authenticates_its_assistant_and_nothing_else(assistant_with_key):
    assistant, key = assistant_with_key
    assert assistant_authenticate(key=key) == assistant
    assert assistant_authenticate(key=key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert assistant_authenticate(key="") is None


def test_rotating_the_key_stops_the_old_one(assistant_with_key):
    assistant, old = assistant_with_key
    new = assistant_rotate_key(assistant=assistant, actor=Actor.system("t"))
    assert assistant_authenticate(key=old) is None
    assert assistant_authenticate(key=new) == assistant


def test_a_deactivated_assistant_cannot_authenticate(assistant_with_key):
    assistant, key = assistant_with_key
    assistant_deactivate(assistant=assistant, actor=Actor.system("t"))
    assert assistant_authenticate(key=key) is None
