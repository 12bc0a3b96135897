"""Median and 90th percentile from the database equal percentile_cont's (linear interpolation)."""

from __future__ import annotations

import datetime
import random
import statistics

import pytest
from django.db.models import Q

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


def test_only_rows_within_the_range_count_per_team_and_agent() -> None:
    """Values outside `within` (the date range) count nowhere, at every level."""
    rng = random.Random(11)
    agents = [UserFactory(), UserFactory()]
    teams = [TeamFactory(), TeamFactory()]
    start = datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC)
    inside: dict[str, dict[int | None, list[int]]] = {"team_id": {}, "assignee_id": {}}
    everything = []
    for index in range(40):
        ticket = TicketFactory(by=agents[0])
        team = teams[index % 2] if index % 5 else None
        agent = agents[index % 3 % 2] if index % 4 else None
        # Half the tickets answered before the range, with values also seen inside it.
        answered = start + datetime.timedelta(days=rng.choice([-3, 2, 5]))
        minutes = rng.choice([0, 4, 4, 9, 30, 31, 600])
        Ticket.objects.filter(pk=ticket.pk).update(
            team=team,
            assignee=agent,
            first_response_at=answered,
            first_response_minutes=minutes,
        )
        if answered >= start:
            everything.append(minutes)
            inside["team_id"].setdefault(team.pk if team else None, []).append(minutes)
            inside["assignee_id"].setdefault(agent.pk if agent else None, []).append(minutes)
    result = summarize(
        Ticket.objects.order_by(),
        ["first_response_minutes"],
        ["team_id", "assignee_id", OVERALL],
        within=Q(first_response_at__gte=start),
    )
    expected = {**inside, OVERALL: {None: everything}}
    for level, groups in expected.items():
        assert set(result[level]) == set(groups)
        for key, values in groups.items():
            summary = result[level][key]["first_response_minutes"]
            assert summary.count == len(values)
            assert summary.mean == pytest.approx(statistics.mean(values))
            assert summary.median == pytest.approx(percentile_cont(values, 0.5))
            assert summary.p90 == pytest.approx(percentile_cont(values, 0.9))
