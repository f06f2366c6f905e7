"""Phinite Notion: connect Notion to Phinite's workspace assistants."""

from .celery import app as celery_app

__all__ = ("celery_app",)
