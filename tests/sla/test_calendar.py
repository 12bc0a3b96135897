"""BusinessCalendar arithmetic: weekends, holidays, closed days, DST (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ticketdesk.sla.calendar import DEFAULT_WEEKLY, BusinessCalendar, NoOpeningHoursError

BERLIN = ZoneInfo("Europe/Berlin")
H = 60  # minutes per hour
OFFICE = {day: [(8 * H, 17 * H)] for day in range(5)}  # Monday to Friday 08:00-17:00
SPLIT = {day: [(8 * H, 12 * H), (13 * H, 17 * H)] for day in range(5)}
AROUND_THE_CLOCK = {day: [(0, 24 * H)] for day in range(7)}
SUNDAY_NIGHT = {6: [(1 * H, 4 * H)]}  # Sunday 01:00-04:00, across the DST changes
MICROSECOND = timedelta(microseconds=1)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def office(**kwargs: object) -> BusinessCalendar:
    return BusinessCalendar(OFFICE, tz="Europe/Berlin", **kwargs)


# -- weekends, start outside hours, split intervals ---------------------------------------


def test_friday_afternoon_target_continues_on_monday_morning() -> None:
    calendar = office()
    friday = berlin(2026, 1, 16, 16, 0)
    assert calendar.add_business_minutes(friday, 2 * H) == berlin(2026, 1, 19, 9, 0)
    assert calendar.business_minutes_between(friday, berlin(2026, 1, 19, 9, 0)) == 2 * H


def test_target_ending_at_closing_time_is_that_closing_time() -> None:
    assert office().add_business_minutes(berlin(2026, 1, 19, 16, 0), H) == berlin(2026, 1, 19, 17)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (berlin(2026, 1, 17, 10, 0), berlin(2026, 1, 19, 9, 0)),  # Saturday
        (berlin(2026, 1, 19, 6, 0), berlin(2026, 1, 19, 9, 0)),  # Monday before opening
        (berlin(2026, 1, 19, 17, 0), berlin(2026, 1, 20, 9, 0)),  # Monday at closing
        (berlin(2026, 1, 19, 22, 30), berlin(2026, 1, 20, 9, 0)),  # Monday night
    ],
)
def test_start_outside_hours_counts_from_the_next_opening(start, expected) -> None:
    assert office().add_business_minutes(start, H) == expected


def test_split_day_skips_the_lunch_break() -> None:
    calendar = BusinessCalendar(SPLIT, tz=BERLIN)
    assert calendar.add_business_minutes(berlin(2026, 1, 19, 11), 90) == berlin(2026, 1, 19, 13, 30)
    assert (
        calendar.business_minutes_between(berlin(2026, 1, 19, 11), berlin(2026, 1, 19, 14)) == 120
    )
    assert not calendar.is_open(berlin(2026, 1, 19, 12, 30))
    assert calendar.next_opening(berlin(2026, 1, 19, 12, 30)) == berlin(2026, 1, 19, 13)
    assert calendar.is_open(berlin(2026, 1, 19, 13))
    assert not calendar.is_open(berlin(2026, 1, 19, 17))


def test_touching_intervals_count_as_one() -> None:
    calendar = BusinessCalendar({0: [(13 * H, 17 * H), (8 * H, 13 * H)]}, tz=BERLIN)
    assert calendar.weekly[0] == ((8 * H, 17 * H),)
    assert calendar.is_open(berlin(2026, 1, 19, 13))


def test_zero_minutes_is_start_while_open_else_the_next_opening() -> None:
    calendar = office()
    assert calendar.add_business_minutes(berlin(2026, 1, 19, 10, 5), 0) == berlin(
        2026, 1, 19, 10, 5
    )
    assert calendar.add_business_minutes(berlin(2026, 1, 17, 10), 0) == berlin(2026, 1, 19, 8)
    assert calendar.next_opening(berlin(2026, 1, 19, 10, 5)) == berlin(2026, 1, 19, 10, 5)


def test_fractions_of_minutes_and_microseconds_stay_exact() -> None:
    calendar = office()
    start = berlin(2026, 1, 19, 16, 59, 59, 999_999)
    assert calendar.add_business_minutes(start, 0.5) == berlin(2026, 1, 20, 8, 0, 29, 999_999)
    assert calendar.business_minutes_between(start, berlin(2026, 1, 20, 8, 0, 29, 999_999)) == 0.5


def test_results_are_utc_and_inputs_may_be_in_any_zone() -> None:
    result = office().add_business_minutes(datetime(2026, 1, 19, 7, 0, tzinfo=UTC), 30)
    assert result.tzinfo is UTC
    assert result == berlin(2026, 1, 19, 8, 30)


# -- public holidays and closed days ------------------------------------------------------


def test_german_public_holiday_is_closed() -> None:
    calendar = office(holiday_country="DE")
    # Friday 1 May 2026 (Erster Mai): Thursday afternoon's target moves to Monday.
    assert calendar.add_business_minutes(berlin(2026, 4, 30, 16), 2 * H) == berlin(2026, 5, 4, 9)
    assert not calendar.is_open(berlin(2025, 10, 3, 10))  # Tag der Deutschen Einheit, a Friday
    assert calendar.closure_name(date(2026, 10, 3), language="de") == "Tag der Deutschen Einheit"
    assert calendar.closure_name(date(2026, 10, 3), language="en") == "German Unity Day"
    assert calendar.closure_name(date(2026, 10, 5)) is None


def test_regional_holiday_counts_only_with_its_subdivision() -> None:
    # Tuesday 6 January 2026, Heilige Drei Könige: a holiday in Bavaria, not in Berlin.
    monday = berlin(2026, 1, 5, 16)
    bavaria = office(holiday_country="DE", holiday_subdivision="BY")
    assert bavaria.add_business_minutes(monday, 2 * H) == berlin(2026, 1, 7, 9)
    assert office(holiday_country="DE").add_business_minutes(monday, 2 * H) == berlin(2026, 1, 6, 9)
    # Thursday 4 June 2026, Fronleichnam.
    assert not bavaria.is_open(berlin(2026, 6, 4, 10))
    assert office(holiday_country="DE", holiday_subdivision="BE").is_open(berlin(2026, 6, 4, 10))


def test_without_a_country_public_holidays_are_working_days() -> None:
    assert office().is_open(berlin(2026, 5, 1, 10))
    assert office().closure_name(date(2026, 5, 1)) is None


def test_custom_closed_day_joins_the_christmas_holidays() -> None:
    calendar = office(holiday_country="DE", closed_days={date(2026, 12, 24): "Heiligabend"})
    # Wed 23rd, then Thu 24th (closed day), Fri 25th and Sat 26th (holidays), Sunday.
    assert calendar.add_business_minutes(berlin(2026, 12, 23, 16), 2 * H) == berlin(2026, 12, 28, 9)
    assert calendar.closure_name(date(2026, 12, 24)) == "Heiligabend"
    days = calendar.days(date(2026, 12, 23), 3, language="de")
    assert [(d.day.day, len(d.intervals), d.closed_because) for d in days] == [
        (23, 1, ""),
        (24, 0, "Heiligabend"),
        (25, 0, "Erster Weihnachtstag"),
    ]


def test_closed_days_may_be_given_as_plain_dates() -> None:
    calendar = office(closed_days=[date(2026, 1, 19)])
    assert calendar.next_opening(berlin(2026, 1, 19, 9)) == berlin(2026, 1, 20, 8)
    assert calendar.closure_name(date(2026, 1, 19)) == ""


# -- daylight saving time in Europe/Berlin 2026 -------------------------------------------


def test_spring_forward_night_interval_lasts_two_real_hours() -> None:
    calendar = BusinessCalendar(SUNDAY_NIGHT, tz=BERLIN)
    whole_day = (berlin(2026, 3, 29, 0), berlin(2026, 3, 30, 0))
    assert calendar.business_minutes_between(*whole_day) == 2 * H
    # 01:00 CET + 90 minutes of real time is 03:30 CEST (02:00-03:00 never happens).
    assert calendar.add_business_minutes(berlin(2026, 3, 29, 0), 90) == berlin(2026, 3, 29, 3, 30)
    assert calendar.add_business_minutes(berlin(2026, 3, 29, 0), 2 * H) == berlin(2026, 3, 29, 4)


def test_autumn_night_interval_lasts_four_real_hours() -> None:
    calendar = BusinessCalendar(SUNDAY_NIGHT, tz=BERLIN)
    whole_day = (berlin(2026, 10, 25, 0), berlin(2026, 10, 26, 0))
    assert calendar.business_minutes_between(*whole_day) == 4 * H  # 02:00-03:00 twice
    # 150 minutes after 01:00 CEST is 02:30 on the second pass, in CET (00:30 + 1 h UTC).
    result = calendar.add_business_minutes(berlin(2026, 10, 25, 0), 150)
    assert result == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert result.astimezone(BERLIN).utcoffset() == timedelta(hours=1)
    assert calendar.add_business_minutes(berlin(2026, 10, 25, 0), 4 * H) == berlin(2026, 10, 25, 4)


def test_office_hours_across_the_dst_weekends_keep_their_wall_clock() -> None:
    calendar = office()
    for friday, monday in [((2026, 3, 27), (2026, 3, 30)), ((2026, 10, 23), (2026, 10, 26))]:
        start = berlin(*friday, 16)
        assert calendar.add_business_minutes(start, 2 * H) == berlin(*monday, 9)
        assert calendar.business_minutes_between(start, berlin(*monday, 9)) == 2 * H


def test_around_the_clock_is_real_elapsed_time_across_dst() -> None:
    calendar = BusinessCalendar(AROUND_THE_CLOCK, tz=BERLIN)
    saturday_noon = berlin(2026, 3, 28, 12)
    assert calendar.add_business_minutes(saturday_noon, 24 * H) == berlin(2026, 3, 29, 13)
    assert calendar.business_minutes_between(berlin(2026, 10, 25), berlin(2026, 10, 26)) == 25 * H


def test_wall_times_inside_the_skipped_and_repeated_hour() -> None:
    spring = BusinessCalendar({6: [(2 * H + 30, 3 * H + 15)]}, tz=BERLIN)
    # 02:30 never shows on 29 March; the clock reads 03:00-03:15 inside the interval.
    assert spring.business_minutes_between(berlin(2026, 3, 29), berlin(2026, 3, 30)) == 15
    assert spring.next_opening(berlin(2026, 3, 29)) == berlin(2026, 3, 29, 3, 0)
    autumn = BusinessCalendar({6: [(2 * H + 30, 5 * H)]}, tz=BERLIN)
    # 02:30-03:00 shows in CEST and again in CET, then 03:00-05:00 CET.
    assert autumn.business_minutes_between(berlin(2026, 10, 25), berlin(2026, 10, 26)) == 180


# -- long targets and long durations ------------------------------------------------------


def test_low_priority_week_of_business_time_spans_weeks() -> None:
    calendar = BusinessCalendar(DEFAULT_WEEKLY, tz=BERLIN, holiday_country="DE")
    start = berlin(2026, 6, 1, 8)  # Monday; no national holiday in June 2026
    # 10,080 minutes = 18 days of 9 hours and 6 hours more.
    target = calendar.add_business_minutes(start, 7 * 24 * H)
    assert target == berlin(2026, 6, 25, 14)
    assert calendar.business_minutes_between(start, target) == 7 * 24 * H


def test_target_across_the_year_end_and_back() -> None:
    calendar = BusinessCalendar(SPLIT, tz=BERLIN, holiday_country="DE", holiday_subdivision="BY")
    start = berlin(2026, 11, 2, 9, 17)
    for minutes in [0, 1, 479, 480, 481, 10_000, 100_000, 1_000_000]:
        target = calendar.add_business_minutes(start, minutes)
        assert calendar.business_minutes_between(start, target) == minutes
        assert calendar.is_open(target) or minutes == 0 or calendar.is_open(target - MICROSECOND)


def test_business_minutes_of_a_whole_year() -> None:
    calendar = BusinessCalendar(DEFAULT_WEEKLY, tz=BERLIN, holiday_country="DE")
    # 2026 has 261 weekdays; 7 of its 9 national holidays fall on one (not Oct 3, Dec 26).
    minutes = calendar.business_minutes_between(berlin(2026, 1, 1), berlin(2027, 1, 1))
    assert minutes == (261 - 7) * 9 * H


def test_end_before_start_is_zero_minutes() -> None:
    calendar = office()
    assert calendar.business_minutes_between(berlin(2026, 1, 19, 12), berlin(2026, 1, 19, 9)) == 0
    assert calendar.business_minutes_between(berlin(2026, 1, 19, 9), berlin(2026, 1, 19, 9)) == 0


# -- refusals ------------------------------------------------------------------------------


def test_week_without_opening_hours_refuses_instead_of_searching_forever() -> None:
    calendar = BusinessCalendar({}, tz=BERLIN, holiday_country="DE")
    assert not calendar.has_opening_hours
    with pytest.raises(NoOpeningHoursError):
        calendar.add_business_minutes(berlin(2026, 1, 19, 9), 60)
    with pytest.raises(NoOpeningHoursError):
        calendar.next_opening(berlin(2026, 1, 19, 9))
    assert calendar.business_minutes_between(berlin(2026, 1, 1), berlin(2027, 1, 1)) == 0
    assert not calendar.is_open(berlin(2026, 1, 19, 9))


@pytest.mark.parametrize("minutes", [-1, float("nan"), float("inf")])
def test_negative_or_non_finite_minutes_are_refused(minutes) -> None:
    with pytest.raises(ValueError, match="finite number"):
        office().add_business_minutes(berlin(2026, 1, 19, 9), minutes)


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 1, 19, 9)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="aware"):
        office().add_business_minutes(naive, 10)
    with pytest.raises(ValueError, match="aware"):
        office().business_minutes_between(naive, berlin(2026, 1, 20))


@pytest.mark.parametrize(
    "weekly",
    [
        {0: [(17 * H, 8 * H)]},
        {0: [(8 * H, 8 * H)]},
        {0: [(8 * H, 25 * H)]},
        {0: [(8 * H, 12 * H), (11 * H, 13 * H)]},
        {7: [(8 * H, 12 * H)]},
    ],
)
def test_malformed_weeks_are_refused(weekly) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        BusinessCalendar(weekly, tz=BERLIN)


@pytest.mark.parametrize(
    ("country", "subdivision"), [("XX", ""), ("DE", "XX"), ("", "BY"), ("de", "")]
)
def test_holiday_regions_the_package_does_not_know_are_refused(country, subdivision) -> None:
    with pytest.raises(ValueError, match=r"no public holidays known|has no subdivision"):
        BusinessCalendar(
            OFFICE, tz=BERLIN, holiday_country=country, holiday_subdivision=subdivision
        )
