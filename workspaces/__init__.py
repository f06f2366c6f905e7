"""Phinite workspaces: the tenants that own assistants, connections, templates and audit rows."""
