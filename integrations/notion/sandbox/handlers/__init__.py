"""Endpoint handlers, one module per Notion resource."""
