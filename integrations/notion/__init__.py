"""Notion API client, its typed errors, pagination, size limits, rate limiter and sandbox. Knows nothing of our models."""
