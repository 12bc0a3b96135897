"""Sign-in protection: lockout per account and per client address, cool-off, equal cost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.accounts.hashers import CountingArgon2Hasher
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WRONG = "wrong"


def post_login(client, email: str, password: str = WRONG, *, ip: str = "192.0.2.1"):
    # Anonymous pages default to German; these tests read the English texts.
    return client.post(
        LOGIN,
        {"username": email, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_account_is_locked_after_the_failure_limit_and_released_after_the_cool_off(
    client, settings, time_machine
) -> None:
    time_machine.move_to(START, tick=False)
    UserFactory(email="agent@example.com", password="right")
    limit = settings.SIGNIN_FAILURE_LIMIT
    # Every attempt from another address: only the account can be what locks.
    answers = [
        post_login(client, "agent@example.com", ip=f"192.0.2.{n}").status_code
        for n in range(1, limit + 1)
    ]
    assert answers == [200] * (limit - 1) + [429]

    locked = post_login(client, "agent@example.com", "right", ip="198.51.100.7")

    assert locked.status_code == 429
    assert not signed_in(client)
    page = locked.content.decode()
    assert (
        f"Too many failed sign-ins. Try again in {settings.SIGNIN_COOLOFF_MINUTES} minutes" in page
    )
    assert 'value="agent@example.com"' in page

    time_machine.shift(timedelta(minutes=settings.SIGNIN_COOLOFF_MINUTES) - timedelta(seconds=1))
    assert post_login(client, "agent@example.com", "right").status_code == 429
    time_machine.shift(timedelta(minutes=settings.SIGNIN_COOLOFF_MINUTES, seconds=1))
    assert sign_in(client, "agent@example.com", "right")


def test_other_accounts_are_not_locked_with_one(client, settings) -> None:
    UserFactory(email="victim@example.com", password="right")
    UserFactory(email="colleague@example.com", password="right")
    for n in range(settings.SIGNIN_FAILURE_LIMIT):
        post_login(client, "victim@example.com", ip=f"192.0.2.{n + 1}")

    assert (
        post_login(client, "colleague@example.com", "right", ip="198.51.100.7").status_code == 302
    )
    assert signed_in(client)


def test_spelling_the_address_differently_does_not_escape_the_lockout(client, settings) -> None:
    UserFactory(email="agent@example.com", password="right")
    spellings = [
        "Agent@Example.com",
        " agent@example.com",
        "AGENT@EXAMPLE.COM",
        "agent@Example.COM",
    ]
    for n in range(settings.SIGNIN_FAILURE_LIMIT):
        post_login(client, spellings[n % len(spellings)], ip=f"192.0.2.{n + 1}")

    assert post_login(client, "agent@example.com", "right", ip="198.51.100.7").status_code == 429
    assert not signed_in(client)


def test_client_address_is_locked_after_failures_across_different_accounts(
    client, settings
) -> None:
    UserFactory(email="agent@example.com", password="right")
    attacker = "203.0.113.66"
    answers = [
        post_login(client, f"guess{n}@example.com", ip=attacker).status_code
        for n in range(settings.SIGNIN_FAILURE_LIMIT)
    ]
    assert answers[-1] == 429

    assert post_login(client, "agent@example.com", "right", ip=attacker).status_code == 429
    assert not signed_in(client)
    assert post_login(client, "agent@example.com", "right", ip="198.51.100.7").status_code == 302
    assert signed_in(client)


def test_successful_sign_in_resets_the_failure_count(client, settings) -> None:
    UserFactory(email="agent@example.com", password="right")
    for _ in range(settings.SIGNIN_FAILURE_LIMIT - 1):
        post_login(client, "agent@example.com")
    assert sign_in(client, "agent@example.com", "right")
    client.logout()

    assert post_login(client, "agent@example.com").status_code == 200


def hashes_for(client, email: str, password: str = WRONG) -> int:
    CountingArgon2Hasher.computed = 0
    post_login(client, email, password)
    return CountingArgon2Hasher.computed


def test_failed_sign_in_costs_the_same_for_unknown_and_known_addresses(client, settings) -> None:
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CountingArgon2Hasher"]
    UserFactory(email="known@example.com", password="right")
    UserFactory(email="gone@example.com", password="right", is_active=False)

    emails = ["known@example.com", "gone@example.com", "nobody@example.com"]
    costs = [hashes_for(client, email) for email in emails]

    assert costs == [1, 1, 1]
    assert hashes_for(client, "known@example.com", "right") == 1


def test_locked_out_attempt_hashes_no_password(client, settings) -> None:
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CountingArgon2Hasher"]
    UserFactory(email="known@example.com", password="right")
    for _ in range(settings.SIGNIN_FAILURE_LIMIT):
        post_login(client, "known@example.com")

    assert hashes_for(client, "known@example.com", "right") == 0
    assert hashes_for(client, "nobody@example.com") == 0


@pytest.fixture
def counted_as_in_production(settings) -> None:
    settings.AXES_USERNAME_CALLABLE = "ticketdesk.accounts.lockout.client_username"
    settings.AXES_CLIENT_IP_CALLABLE = "ticketdesk.accounts.lockout.client_address"


def post_admin_login(client, email: str, password: str = WRONG, *, ip: str):
    data = {"username": email, "password": password, "next": "/admin/"}
    return client.post(reverse("admin:login"), data, REMOTE_ADDR=ip)


@pytest.mark.usefixtures("counted_as_in_production")
def test_django_admin_login_locks_the_account_too(client, settings) -> None:
    UserFactory(admin=True, email="root@example.com", password="right")
    for n in range(settings.SIGNIN_FAILURE_LIMIT):
        post_admin_login(client, "Root@example.com", ip=f"192.0.2.{n + 1}")

    assert (
        post_admin_login(client, "root@example.com", "right", ip="198.51.100.7").status_code == 429
    )
    assert post_login(client, "root@example.com", "right", ip="198.51.100.8").status_code == 429
    assert not signed_in(client)


@pytest.mark.usefixtures("counted_as_in_production")
def test_behind_the_proxy_each_client_address_is_locked_on_its_own(client, settings) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    UserFactory(email="agent@example.com", password="right")

    def through_proxy(email: str, password: str, *, forwarded_for: str):
        return client.post(
            LOGIN,
            {"username": email, "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded_for,
            HTTP_X_FORWARDED_PROTO="https",
            secure=True,
        )

    # The attacker makes up the first entries; the proxy appends the address it saw.
    for n in range(settings.SIGNIN_FAILURE_LIMIT):
        through_proxy(f"guess{n}@example.com", WRONG, forwarded_for=f"192.0.2.{n}, 203.0.113.66")

    refused = through_proxy("agent@example.com", "right", forwarded_for="192.0.2.99, 203.0.113.66")
    assert refused.status_code == 429
    other_client = through_proxy("agent@example.com", "right", forwarded_for="198.51.100.7")
    assert other_client.status_code == 302
    assert signed_in(client)


@pytest.mark.parametrize("email", ["agent\x00@example.com", "x" * 300, "\U0001f642@example.com"])
def test_malformed_addresses_get_the_form_again(client, email) -> None:
    assert post_login(client, email).status_code == 200


@pytest.mark.usefixtures("counted_as_in_production")
def test_django_admin_login_with_an_overlong_address_is_refused_not_an_error(client) -> None:
    assert post_admin_login(client, "x" * 300, ip="192.0.2.1").status_code == 200


def test_operator_unlocks_an_account_before_the_cool_off(client, settings) -> None:
    UserFactory(email="agent@example.com", password="right")
    for n in range(settings.SIGNIN_FAILURE_LIMIT):
        post_login(client, "Agent@Example.com", ip=f"192.0.2.{n + 1}")
    assert post_login(client, "agent@example.com", "right", ip="198.51.100.7").status_code == 429

    call_command("axes_reset_username", "agent@example.com", verbosity=0)

    assert sign_in(client, "agent@example.com", "right")
