"""The configuration cache: kept per process, fresh after a change here or elsewhere."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from ticketdesk.core import config_cache
from ticketdesk.core.models import ConfigVersion
from ticketdesk.tickets.models import Priority, Status
from ticketdesk.tickets.services.guards import default_priority, default_status

pytestmark = pytest.mark.django_db


def _queries(django_connection, call):
    with CaptureQueriesContext(django_connection) as captured:
        value = call()
    return value, len(captured.captured_queries)


@pytest.fixture
def django_connection():
    from django.db import connection

    return connection


def test_a_second_read_asks_the_database_nothing(django_connection) -> None:
    first, _ = _queries(django_connection, default_status)
    again, count = _queries(django_connection, default_status)
    assert again == first
    assert count == 0


def test_a_change_in_this_process_is_seen_at_once(django_connection) -> None:
    assert default_priority().name_en == "Normal"
    high = Priority.objects.get(name_en="High")
    high.is_default = True
    high.save()
    Priority.objects.exclude(pk=high.pk).update(is_default=False)
    assert default_priority() == high


def test_another_process_change_is_seen_after_the_check_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(config_cache, "CHECK_SECONDS", 3600)
    default_status()
    # Another process: its rows change and it bumps the version; no signal reaches us.
    waiting = Status.objects.get(name_en="In progress")
    Status.objects.update(is_default=False)
    Status.objects.filter(pk=waiting.pk).update(is_default=True)
    ConfigVersion.objects.update_or_create(pk=1, defaults={"version": 0})
    ConfigVersion.objects.filter(pk=1).update(version=F("version") + 1)
    assert default_status() != waiting  # within the interval the kept value stands
    monkeypatch.setattr(config_cache, "CHECK_SECONDS", 0)
    assert default_status() == waiting


def test_nothing_loaded_in_a_rolled_back_change_is_kept() -> None:
    normal = default_priority()
    seen_inside = []

    def change_then_fail() -> None:
        with transaction.atomic():
            Priority.objects.update(is_default=False)
            Priority.objects.create(name_de="Sofort", name_en="Now", is_default=True)
            seen_inside.append(default_priority().name_en)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert seen_inside == ["Now"]
    assert default_priority() == normal


def test_a_change_keeps_other_apps_values_cached(django_connection) -> None:
    from ticketdesk.sla.services import instance_calendar
    from ticketdesk.tickets.models import Category

    calendar = instance_calendar()
    with transaction.atomic():
        Category.objects.create(name_de="Neu", name_en="New")
        same, count = _queries(django_connection, instance_calendar)
    assert same is calendar
    assert count == 0
