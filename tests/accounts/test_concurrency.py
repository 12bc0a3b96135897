"""Account rules under concurrency (PostgreSQL, real threads): last administrator, reset limit."""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from tests.accounts.factories import UserFactory
from tests.threads import run_at_once
from ticketdesk.accounts import services
from ticketdesk.accounts.models import Role, User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 30.0


def demote(user: User, *, by: User) -> str:
    """'demoted' or 'refused' (the last-administrator rule); anything else fails the test."""
    try:
        services.change_role(User.objects.get(pk=user.pk), role=Role.AGENT, by=by)
    except ValidationError as refusal:
        return "refused" if refusal.code == "last_admin" else f"refused: {refusal}"
    return "demoted"


def another_backend_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        # The activity view is a snapshot per transaction; the caller is inside one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def test_second_demotion_waits_for_the_first_and_is_refused() -> None:
    # The first demotion stays uncommitted until the second is blocked behind its locks (or,
    # were there no lock, has already passed the check against the old state and finished).
    first, second = UserFactory(admin=True), UserFactory(admin=True)
    first_checked, second_started, second_done = (threading.Event() for _ in range(3))

    def demote_second() -> str:
        with transaction.atomic():
            outcome = demote(second, by=first)
            first_checked.set()
            assert second_started.wait(WAIT_SECONDS)
            deadline = time.monotonic() + WAIT_SECONDS
            while not (second_done.is_set() or another_backend_waits_for_a_lock()):
                assert time.monotonic() < deadline, "the other demotion neither waited nor ended"
                time.sleep(0.01)
        return outcome

    def demote_first() -> str:
        assert first_checked.wait(WAIT_SECONDS)
        second_started.set()
        try:
            return demote(first, by=second)
        finally:
            second_done.set()

    outcomes = run_at_once([demote_second, demote_first])

    assert outcomes == ["demoted", "refused"]
    admins = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True)
    assert list(admins.values_list("pk", "is_superuser")) == [(first.pk, True)]


@pytest.mark.parametrize("round_", range(3))
def test_simultaneous_demotions_of_the_only_two_administrators_leave_one(round_) -> None:
    one, two = UserFactory(admin=True), UserFactory(admin=True)

    outcomes = run_at_once([lambda: demote(one, by=two), lambda: demote(two, by=one)])

    assert sorted(outcomes) == ["demoted", "refused"]
    assert User.objects.filter(role=Role.ADMINISTRATOR, is_superuser=True).count() == 1


def test_concurrent_deactivation_and_demotion_leave_one_administrator() -> None:
    one, two = UserFactory(admin=True), UserFactory(admin=True)

    def deactivate() -> str:
        try:
            services.deactivate_user(User.objects.get(pk=one.pk), by=two)
        except ValidationError:
            return "refused"
        return "deactivated"

    outcomes = run_at_once([deactivate, lambda: demote(two, by=one)])

    assert sorted(outcomes) in (["deactivated", "refused"], ["demoted", "refused"])
    assert User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).count() == 1


def test_concurrent_reset_requests_admit_no_more_than_the_limit() -> None:
    # At most, not exactly: of a burst, some may see each other's rows and all step back.
    limit = settings.PASSWORD_RESET_LIMIT
    calls = [
        lambda n=n: services.admit_password_reset_request(
            email="agent@example.com", ip_address=f"192.0.2.{n}"
        )
        for n in range(limit + 4)
    ]

    admitted = run_at_once(calls)

    assert 1 <= admitted.count(True) <= limit
    assert not services.admit_password_reset_request(
        email="agent@example.com", ip_address="198.51.100.7"
    )
