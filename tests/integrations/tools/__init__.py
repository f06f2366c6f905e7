"""Tests of the Notion tools against the sandbox over HTTP."""
