"""HTTP helpers for sandbox tests: plain `requests`, no project client."""

from __future__ import annotations

import pytest
import requests

from integrations.notion.sandbox import SANDBOX_TOKEN

VERSION = "2025-09-03"


class Api:
    """A tiny Notion caller: api.get("/v1/pages/…"), api.post(path, json=…, token=…)."""

    def __init__(self, base_url: str, token: str = SANDBOX_TOKEN) -> None:
        self.base_url = base_url
        self.token = token
        self.session = requests.Session()

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        version: str | None = VERSION,
        headers: dict | None = None,
        **kwargs,
    ) -> requests.Response:
        sent = {"Authorization": f"Bearer {token or self.token}"}
        if version:
            sent["Notion-Version"] = version
        sent.update(headers or {})
        return self.session.request(
            method, self.base_url + path, headers=sent, timeout=10, **kwargs
        )

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.call("POST", path, **kwargs)

    def patch(self, path: str, **kwargs) -> requests.Response:
        return self.call("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.call("DELETE", path, **kwargs)


@pytest.fixture
def api(notion_sandbox):
    client = Api(notion_sandbox.url)
    yield client
    client.session.close()


def text(content: str) -> list[dict]:
    return [{"text": {"content": content}}]


def paragraph(content: str) -> dict:
    return {"paragraph": {"rich_text": text(content)}}
