"""Notion API client, typed errors, pagination, size limits, rate limiter and sandbox."""
