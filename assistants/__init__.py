"""Assistants, their API keys and their assignments to Notion connections."""
