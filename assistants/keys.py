"""Assistant API keys: random, shown once, stored as a SHA-256 digest plus a short prefix."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

KEY_PREFIX = "pn_"
VISIBLE_CHARS = 10


@dataclass(frozen=True)
class NewKey:
    key: str
    prefix: str
    digest: str


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_generate() -> NewKey:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    return NewKey(key=key, prefix=key[:VISIBLE_CHARS], digest=key_digest(key))


def key_matches(key: str, digest: str) -> bool:
    # Constant-time comparison, so response time says nothing about how much of a key matched.
    return hmac.compare_digest(key_digest(key), digest)
