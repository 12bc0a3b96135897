"""The filter form: presets, the automatic period, custom ranges and their limits."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict

from ticketdesk.reports.forms import ReportFilterForm, preset_dates

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("preset", "today", "expected"),
    [
        ("this_week", D(2025, 4, 2), (D(2025, 3, 31), D(2025, 4, 2))),
        ("this_week", D(2025, 3, 31), (D(2025, 3, 31), D(2025, 3, 31))),
        ("last_month", D(2025, 1, 15), (D(2024, 12, 1), D(2024, 12, 31))),
        ("last_month", D(2024, 3, 1), (D(2024, 2, 1), D(2024, 2, 29))),
        ("this_quarter", D(2025, 5, 10), (D(2025, 4, 1), D(2025, 5, 10))),
        ("this_quarter", D(2025, 12, 31), (D(2025, 10, 1), D(2025, 12, 31))),
        ("last_12_months", D(2025, 4, 1), (D(2024, 5, 1), D(2025, 4, 1))),
        ("last_12_months", D(2025, 1, 15), (D(2024, 2, 1), D(2025, 1, 15))),
        ("last_12_months", D(2025, 12, 3), (D(2025, 1, 1), D(2025, 12, 3))),
    ],
)
def test_presets(preset: str, today: datetime.date, expected: tuple) -> None:
    assert preset_dates(preset, today) == expected


ASKED_ON = D(2025, 4, 1)


def query(params: str):
    form = ReportFilterForm(QueryDict(params), today=ASKED_ON)
    assert form.is_valid(), form.errors
    return form.to_query()


def test_a_preset_wins_over_dates_typed_before_it_was_chosen() -> None:
    result = query("range=last_month&from=2020-01-01&to=2020-02-01")
    assert (result.first, result.last) == (D(2025, 3, 1), D(2025, 3, 31))


def test_dates_without_a_preset_are_a_custom_range() -> None:
    result = query("from=2025-01-10&to=2025-01-20")
    assert (result.first, result.last) == (D(2025, 1, 10), D(2025, 1, 20))


def test_short_ranges_go_by_week_long_ones_by_month() -> None:
    assert query("range=this_quarter").period == "week"
    assert query("range=last_12_months").period == "month"
    assert query("range=last_12_months&period=week").period == "week"


def test_a_range_of_just_under_five_years_is_allowed_one_day_more_is_not() -> None:
    assert query("range=custom&from=2020-03-01&to=2025-02-28").last == D(2025, 2, 28)
    form = ReportFilterForm(QueryDict("range=custom&from=2020-02-29&to=2025-02-28"))
    assert not form.is_valid()
    assert "at most 5 years" in form.errors["to"][0]


def test_repeated_parameters_filter_by_each() -> None:
    from tests.accounts.factories import TeamFactory

    one, two = TeamFactory(), TeamFactory()
    result = query(f"range=this_week&team={one.pk}&team={two.pk}&team={one.pk}")
    assert result.teams == (one.pk, two.pk)
