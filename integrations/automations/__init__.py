"""Automations: what triggers them (schedules, Notion events) and how their arguments are filled."""
