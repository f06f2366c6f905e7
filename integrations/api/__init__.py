"""The assistants' HTTP API (JSON, bearer keys)."""
