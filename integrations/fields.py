"""An encrypted text field that fails loudly on a wrong key instead of leaking ciphertext."""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from encrypted_model_fields.fields import EncryptedCharField


class DecryptionError(Exception):
    """A stored secret could not be decrypted with any configured FIELD_ENCRYPTION_KEY."""


@lru_cache(maxsize=8)
def _crypter(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def crypter() -> MultiFernet:
    """The MultiFernet for the configured keys, newest first (read per call so rotation and
    tests that override settings take effect without re-importing)."""
    keys = settings.FIELD_ENCRYPTION_KEY
    if isinstance(keys, str):
        keys = [keys]
    return _crypter(tuple(keys))


def encrypt(value: str) -> str:
    return crypter().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    try:
        return crypter().decrypt(value.encode()).decode()
    except InvalidToken:
        # Never include the stored value: it is ciphertext of a secret.
        raise DecryptionError(
            "A stored secret could not be decrypted with any FIELD_ENCRYPTION_KEY; "
            "was the key that encrypted it removed?"
        ) from None


class SecretField(EncryptedCharField):
    """django-encrypted-model-fields 0.6.5 returns the ciphertext itself when decryption fails,
    which would hand a wrong value to Notion and to anyone who reads it; this raises instead.
    It also reads the keys at call time rather than at import, so rotation works in-process."""

    def to_python(self, value):
        # Values from forms and assignments are plaintext; decryption happens only on load.
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return decrypt(value)

    def get_db_prep_save(self, value, connection):
        if value is None:
            return None
        return encrypt(str(value))
