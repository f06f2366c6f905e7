"""The Notion side: connections, the Notion client, tools, tool calls and the audit log."""
