"""Personal API tokens: shown once, stored hashed, expiry, revocation, last use, rate limit."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.accounts.factories import UserFactory
from ticketdesk.api.models import ApiToken
from ticketdesk.api.services import create_token, revoke_token

from .conftest import Api

pytestmark = pytest.mark.django_db


def test_token_created_in_the_profile_is_shown_once_and_stored_hashed(
    agent, client: Client
) -> None:
    client.force_login(agent)
    assert 'href="/accounts/profile/api-tokens/"' in client.get("/accounts/profile/").text

    response = client.post(
        "/accounts/profile/api-tokens/", {"name": "CRM sync", "expires_on": ""}, follow=True
    )

    raw = re.search(r'value="(td_[^"]+)"', response.text)[1]
    token = ApiToken.objects.get(user=agent)
    assert token.name == "CRM sync"
    assert raw not in token.key_hash
    assert raw.startswith(f"td_{token.prefix}_")
    again = client.get("/accounts/profile/api-tokens/").text
    assert raw not in again
    assert "CRM sync" in again
    answer = Client().get("/api/v1/tickets", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 200


def test_token_form_refuses_a_past_expiry_and_keeps_the_name(agent, client: Client) -> None:
    client.force_login(agent)
    response = client.post(
        "/accounts/profile/api-tokens/", {"name": "Old", "expires_on": "2001-01-01"}
    )
    assert response.status_code == 200
    assert 'value="Old"' in response.text
    assert not ApiToken.objects.exists()


def test_the_token_page_in_german(client: Client) -> None:
    client.force_login(UserFactory(language="de"))
    assert "API-Tokens" in client.get("/accounts/profile/api-tokens/").text


def test_revoked_and_expired_tokens_are_refused_with_401(agent) -> None:
    token, raw = create_token(agent, name="old", expires_at=timezone.now() + datetime.timedelta(1))
    api = Api(token=raw, client=Client())
    assert api.get("/tickets").status_code == 200

    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        expired = api.get("/tickets")
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "not_authenticated"
    assert expired["WWW-Authenticate"] == "Bearer"

    revoke_token(token, by=agent)
    assert api.get("/tickets").status_code == 401
    assert Api(token=raw[:-1] + "x", client=Client()).get("/tickets").status_code == 401
    assert Client().get("/api/v1/tickets").status_code == 401


def test_last_use_is_recorded(api: Api, agent) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        api.get("/tickets")
    assert ApiToken.objects.get(user=agent).last_used_at == datetime.datetime(
        2026, 3, 2, 9, 0, tzinfo=datetime.UTC
    )


def test_rate_limit_answers_429_with_retry_after_then_recovers(api: Api, settings) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    start = datetime.datetime(2026, 3, 2, 9, 0, 15, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        answers = [api.get("/statuses").status_code for _ in range(4)]
        limited = api.get("/statuses")
    assert answers == [200, 200, 200, 429]
    assert limited.json()["error"]["code"] == "rate_limited"
    assert limited["Retry-After"] == "45"
    with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
        assert api.get("/statuses").status_code == 200


def test_tokens_of_one_user_are_limited_separately(agent, settings) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    first = Api(token=create_token(agent, name="a")[1], client=Client())
    second = Api(token=create_token(agent, name="b")[1], client=Client())
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)):
        assert first.get("/statuses").status_code == 200
        assert second.get("/statuses").status_code == 200
        assert first.get("/statuses").status_code == 429


def test_a_user_revokes_only_their_own_tokens(agent, client: Client) -> None:
    other = create_token(UserFactory(), name="theirs")[0]
    mine = create_token(agent, name="mine")[0]
    client.force_login(agent)

    assert client.post(f"/accounts/profile/api-tokens/{other.pk}/revoke/").status_code == 404
    assert client.post(f"/accounts/profile/api-tokens/{mine.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None


def test_a_deactivated_user_token_stops_working(agent) -> None:
    raw = create_token(agent, name="x")[1]
    agent.is_active = False
    agent.save()
    assert Api(token=raw, client=Client()).get("/tickets").status_code == 401


def test_session_auth_needs_the_csrf_token_for_writes(agent) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    assert client.get("/api/v1/statuses").status_code == 200
    refused = client.post("/api/v1/customers", data={}, content_type="application/json")
    assert refused.status_code == 403
