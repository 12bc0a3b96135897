"""Writes of the business hours (validated, all or nothing) and the cached instance calendar."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F

from ticketdesk.core import config_cache
from ticketdesk.core.models import ConfigVersion
from ticketdesk.sla import services
from ticketdesk.sla.models import BusinessHours, ClosedDay, OpeningInterval

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
H = 60
DEFAULT_WEEK = (((8 * H, 17 * H),),) * 5 + ((), ())  # Monday to Friday 08:00-17:00


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def state() -> tuple:
    hours = BusinessHours.objects.get()
    intervals = list(OpeningInterval.objects.values_list("weekday", "start_minute", "end_minute"))
    closed = list(ClosedDay.objects.values_list("day", "name"))
    return hours.revision, hours.holiday_country, hours.holiday_subdivision, intervals, closed


def refusal(action, *args, **kwargs) -> ValidationError:
    before = state()
    with pytest.raises(ValidationError) as caught:
        action(*args, **kwargs)
    assert state() == before, "a refused write must change nothing"
    return caught.value


def codes(error: ValidationError) -> list[str]:
    return [item.code for item in error.error_list]


# -- the default ---------------------------------------------------------------------------


def test_default_is_monday_to_friday_eight_to_five_with_german_holidays() -> None:
    calendar = services.instance_calendar()
    assert calendar.weekly == DEFAULT_WEEK
    assert (calendar.holiday_country, calendar.holiday_subdivision) == ("DE", "")
    assert str(calendar.tz) == "Europe/Berlin"
    assert not calendar.is_open(berlin(2026, 5, 1, 10))  # Erster Mai


def test_calendar_follows_the_instance_time_zone(settings) -> None:
    settings.TIME_ZONE = "America/New_York"
    calendar = services.instance_calendar()
    assert str(calendar.tz) == "America/New_York"
    monday_eight_new_york = datetime(2026, 1, 19, 13, 0, tzinfo=ZoneInfo("UTC"))
    assert calendar.next_opening(berlin(2026, 1, 19, 9)) == monday_eight_new_york


# -- weekly schedule -----------------------------------------------------------------------


def test_saved_week_replaces_the_old_one() -> None:
    services.save_weekly_schedule(
        weekly={0: [(13 * H, 17 * H), (8 * H, 12 * H)], 5: [(9 * H, 12 * H)], 6: []}
    )
    calendar = services.instance_calendar()
    assert calendar.weekly[0] == ((8 * H, 12 * H), (13 * H, 17 * H))
    assert calendar.weekly[1] == ()
    assert calendar.weekly[5] == ((9 * H, 12 * H),)
    assert calendar.is_open(berlin(2026, 1, 17, 10))  # a Saturday


def test_overlapping_intervals_on_a_day_are_refused() -> None:
    error = refusal(services.save_weekly_schedule, weekly={2: [(8 * H, 12 * H), (11 * H, 14 * H)]})
    assert codes(error) == ["overlap"]
    assert error.messages == ["Wednesday: 08:00-12:00 and 11:00-14:00 overlap."]


def test_interval_inside_another_is_an_overlap_too() -> None:
    weekly = {0: [(8 * H, 17 * H), (9 * H, 10 * H), (11 * H, 12 * H)]}
    error = refusal(services.save_weekly_schedule, weekly=weekly)
    assert codes(error) == ["overlap", "overlap"]


def test_interval_ending_before_it_starts_or_empty_is_refused() -> None:
    error = refusal(
        services.save_weekly_schedule, weekly={0: [(17 * H, 8 * H)], 1: [(9 * H, 9 * H)]}
    )
    assert codes(error) == ["backwards", "empty"]
    assert error.messages[0] == "Monday: 17:00-08:00 ends before it starts."


def test_time_beyond_midnight_is_refused() -> None:
    error = refusal(services.save_weekly_schedule, weekly={4: [(22 * H, 25 * H)]})
    assert codes(error) == ["not_a_time"]
    assert error.messages == ["Friday: 25:00 is not a time of day (00:00 to 24:00)."]


def test_week_without_any_opening_interval_is_refused() -> None:
    error = refusal(services.save_weekly_schedule, weekly={day: [] for day in range(7)})
    assert codes(error) == ["empty_week"]


def test_every_problem_of_the_week_is_reported_at_once() -> None:
    weekly = {0: [(9 * H, 8 * H)], 3: [(8 * H, 10 * H), (9 * H, 11 * H)]}
    assert codes(refusal(services.save_weekly_schedule, weekly=weekly)) == ["backwards", "overlap"]


def test_around_the_clock_is_allowed() -> None:
    services.save_weekly_schedule(weekly={day: [(0, 24 * H)] for day in range(7)})
    calendar = services.instance_calendar()
    assert calendar.business_minutes_between(berlin(2026, 10, 25), berlin(2026, 10, 26)) == 25 * H


# -- public holidays -----------------------------------------------------------------------


def test_country_and_region_are_normalized_to_their_codes() -> None:
    services.set_public_holidays(country=" de ", subdivision="bayern")
    hours = BusinessHours.objects.get()
    assert (hours.holiday_country, hours.holiday_subdivision) == ("DE", "BY")
    assert not services.instance_calendar().is_open(berlin(2026, 1, 6, 10))  # Heilige Drei Könige


def test_other_country_brings_its_own_holidays() -> None:
    services.set_public_holidays(country="AT")
    calendar = services.instance_calendar()
    assert not calendar.is_open(berlin(2026, 10, 26, 10))  # Nationalfeiertag
    assert calendar.is_open(berlin(2026, 10, 2, 10))


def test_no_country_means_no_public_holidays() -> None:
    services.set_public_holidays(country="")
    assert services.instance_calendar().is_open(berlin(2026, 5, 1, 10))


def test_unknown_country_is_refused() -> None:
    error = refusal(services.set_public_holidays, country="XX")
    assert codes(error) == ["unknown_country"]
    assert error.messages == ["“XX” is not a country the holiday calendar knows."]


def test_unknown_region_is_refused_with_the_known_ones() -> None:
    error = refusal(services.set_public_holidays, country="DE", subdivision="XY")
    assert codes(error) == ["unknown_region"]
    assert "“XY” is not a region of Germany (DE)." in error.messages[0]
    assert "BY" in error.messages[0]


def test_region_without_country_is_refused() -> None:
    error = refusal(services.set_public_holidays, country="", subdivision="BY")
    assert codes(error) == ["region_without_country"]


def test_region_of_a_country_without_regions_is_refused() -> None:
    error = refusal(services.set_public_holidays, country="LU", subdivision="North")
    assert codes(error) == ["no_regions"]


# -- closed days ---------------------------------------------------------------------------


def test_closed_day_closes_and_its_removal_opens_again() -> None:
    closed = services.add_closed_day(day=date(2026, 7, 3), name=" Company outing ")
    assert closed.name == "Company outing"
    calendar = services.instance_calendar()
    assert not calendar.is_open(berlin(2026, 7, 3, 10))
    assert calendar.closure_name(date(2026, 7, 3)) == "Company outing"
    services.remove_closed_day(day=date(2026, 7, 3))
    assert services.instance_calendar().is_open(berlin(2026, 7, 3, 10))


def test_duplicate_closed_day_is_refused() -> None:
    services.add_closed_day(day=date(2026, 7, 3), name="Company outing")
    error = refusal(services.add_closed_day, day=date(2026, 7, 3), name="Again")
    assert codes(error) == ["duplicate"]
    assert "is already a closed day (“Company outing”)" in error.messages[0]


def test_closed_day_needs_a_name() -> None:
    assert codes(refusal(services.add_closed_day, day=date(2026, 7, 3), name="  ")) == [
        "name_required"
    ]


def test_removing_a_day_that_is_not_closed_is_refused() -> None:
    assert codes(refusal(services.remove_closed_day, day=date(2026, 7, 3))) == ["not_closed"]


# -- the cache -----------------------------------------------------------------------------


def test_unchanged_configuration_costs_no_query(django_assert_num_queries) -> None:
    first = services.instance_calendar()
    with django_assert_num_queries(0):
        assert services.instance_calendar() is first


def test_every_write_is_seen_on_the_next_call() -> None:
    before = services.instance_calendar()
    services.add_closed_day(day=date(2026, 7, 3), name="Company outing")
    after = services.instance_calendar()
    assert after is not before
    assert date(2026, 7, 3) in after.closed_days


def test_change_saved_by_another_process_is_seen_after_the_check_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services.instance_calendar()
    # Another worker's save: the rows change and the configuration version moves,
    # without a signal in this process.
    BusinessHours.objects.update(holiday_country="AT", revision=uuid.uuid4())
    ConfigVersion.objects.update_or_create(pk=1, defaults={"version": 0})
    ConfigVersion.objects.filter(pk=1).update(version=F("version") + 1)
    monkeypatch.setattr(config_cache, "CHECK_SECONDS", 0)
    assert services.instance_calendar().holiday_country == "AT"


def test_missing_row_gives_the_default_and_the_next_write_recreates_it() -> None:
    BusinessHours.objects.all().delete()
    assert services.instance_calendar().weekly == DEFAULT_WEEK
    services.set_public_holidays(country="AT")
    hours = BusinessHours.objects.get()
    assert hours.holiday_country == "AT"
    assert hours.intervals.count() == 5


def test_region_the_holidays_package_no_longer_knows_falls_back_to_the_country(caplog) -> None:
    # As after an upgrade of `holidays` that renamed a region saved before.
    BusinessHours.objects.update(holiday_subdivision="Old", revision=uuid.uuid4())
    calendar = services.instance_calendar()
    assert (calendar.holiday_country, calendar.holiday_subdivision) == ("DE", "")
    assert not calendar.is_open(berlin(2026, 5, 1, 10))
    assert "Region 'Old' of 'DE' is no longer known" in caplog.text
