"""API test helpers: users per role with tokens, and a client that speaks JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from ticketdesk.accounts.models import User
from ticketdesk.api.services import create_token


@dataclass
class Api:
    """A client for /api/v1 with one token."""

    token: str
    client: Client

    def request(self, method: str, path: str, body: Any = None, **extra: Any) -> Any:
        kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **extra}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method.lower())(f"/api/v1{path}", **kwargs)

    def get(self, path: str, **extra: Any) -> Any:
        return self.request("GET", path, **extra)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, {} if body is None else body)

    def patch(self, path: str, body: Any) -> Any:
        return self.request("PATCH", path, body)


def api_for(user: User) -> Api:
    return Api(token=create_token(user, name="test")[1], client=Client())


@pytest.fixture
def agent() -> User:
    return UserFactory(email="agent@example.com", full_name="Ann Agent")


@pytest.fixture
def api(agent: User) -> Api:
    return api_for(agent)


@pytest.fixture(autouse=True)
def _keep_test_connection(keep_test_connection: None) -> None:
    """Requests here close their answers themselves (see tests/conftest.py)."""
