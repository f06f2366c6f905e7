"""Writes a local .env with a fresh SECRET_KEY and FIELD_ENCRYPTION_KEY when none exists."""

import secrets
from pathlib import Path

from cryptography.fernet import Fernet

ENV = Path(__file__).resolve().parent.parent / ".env"

if not ENV.exists():
    ENV.write_text(
        "# Written by `make`: local development values. Never commit this file.\n"
        "DEBUG=true\n"
        f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
        f"FIELD_ENCRYPTION_KEY={Fernet.generate_key().decode()}\n"
    )
    print(f"Wrote {ENV.name} with a new local SECRET_KEY and FIELD_ENCRYPTION_KEY.")
