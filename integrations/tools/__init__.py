"""The Notion tools: each declared once, read by the API, admin, tasks and audit log."""
