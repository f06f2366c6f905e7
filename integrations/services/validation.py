"""Input checks shared by services: blank and duplicate names, tokens."""

from django.core.exceptions import ValidationError

TOKEN_PREFIXES = ("ntn_", "secret_")


def clean_name(value: str | None, *, field: str = "name", max_length: int = 100) -> str:
    name = (value or "").strip()
    if not name:
        raise ValidationError({field: "This name can't be blank."})
    if len(name) > max_length:
        raise ValidationError({field: f"Keep the name to {max_length} characters or fewer."})
    return name


def check_name_free(queryset, name: str, *, noun: str, exclude_pk: int | None = None) -> None:
    """A field error when `queryset` (one workspace's rows) already holds `name`, ignoring case.
    `noun` reads in the message: "A connection named “X” already exists here."."""
    taken = queryset.filter(name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": f"{noun} named “{name}” already exists here."})


def clean_token(value: str | None, *, field: str = "token") -> str:
    token = (value or "").strip()
    if not token:
        raise ValidationError({field: "Paste the Internal Integration Token from Notion."})
    if any(ch.isspace() for ch in token):
        raise ValidationError({field: "The token can't contain spaces or line breaks."})
    if len(token) > 400:
        raise ValidationError({field: "That is too long to be a Notion token."})
    return token


def token_format_warning(token: str) -> str:
    """Notion advises against validating tokens by pattern, so an unusual shape only warns."""
    if token.startswith(TOKEN_PREFIXES):
        return ""
    return (
        "This token doesn't start with ntn_ or secret_, the usual prefixes of Notion "
        "integration tokens. It was accepted because Notion confirmed it."
    )
