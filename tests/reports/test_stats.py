"""Median and 90th percentile from the database equal percentile_cont's (linear interpolation)."""

from __future__ import annotations

import random
import statistics

import pytest

from tests.accounts.factories import TeamFactory, UserFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.reports.stats import OVERALL, summarize
from ticketdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def percentile_cont(values: list[int], fraction: float) -> float:
    ordered = sorted(values)
    exact = (len(ordered) - 1) * fraction
    low = int(exact)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (exact - low) * (ordered[high] - ordered[low])


def test_percentiles_per_group_match_linear_interpolation() -> None:
    rng = random.Random(7)
    agent = UserFactory()
    teams = [TeamFactory(), TeamFactory(), TeamFactory()]
    values: dict[int | None, list[int]] = {}
    for index in range(23):
        ticket = TicketFactory(by=agent)
        team = teams[index % 3] if index % 7 else None
        # Ties, zeros, and a few tickets without a value (never answered).
        minutes = None if index % 11 == 5 else rng.choice([0, 5, 5, 17, 60, 61, 480, 2000])
        Ticket.objects.filter(pk=ticket.pk).update(team=team, first_response_minutes=minutes)
        if minutes is not None:
            values.setdefault(team.pk if team else None, []).append(minutes)
    result = summarize(Ticket.objects.order_by(), ["first_response_minutes"], ["team_id", OVERALL])
    everything = [v for group in values.values() for v in group]
    overall = result[OVERALL][None]["first_response_minutes"]
    assert overall.count == len(everything)
    assert overall.mean == pytest.approx(statistics.mean(everything))
    assert overall.median == pytest.approx(percentile_cont(everything, 0.5))
    assert overall.p90 == pytest.approx(percentile_cont(everything, 0.9))
    assert set(result["team_id"]) == set(values)
    for key, group in values.items():
        summary = result["team_id"][key]["first_response_minutes"]
        assert summary.count == len(group)
        assert summary.median == pytest.approx(percentile_cont(group, 0.5))
        assert summary.p90 == pytest.approx(percentile_cont(group, 0.9))


def test_a_single_value_is_its_own_median_and_percentile() -> None:
    ticket = TicketFactory(by=UserFactory())
    Ticket.objects.filter(pk=ticket.pk).update(resolution_minutes=42)
    (summary,) = summarize(Ticket.objects.order_by(), ["resolution_minutes"], [OVERALL])[OVERALL][
        None
    ].values()
    assert (summary.count, summary.mean, summary.median, summary.p90) == (1, 42, 42, 42)


def test_no_values_give_no_summary() -> None:
    TicketFactory(by=UserFactory())
    result = summarize(Ticket.objects.order_by(), ["resolution_minutes"], ["team_id", OVERALL])
    assert not any(result["team_id"].values())
    assert not any(result[OVERALL].values())
