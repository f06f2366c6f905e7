"""The Notion tools: every predefined action, declared once, read by the API, admin, tasks and audit."""
