"""The time panel of the ticket page: totals, running timers, segments, in fixed queries."""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from tests.accounts.factories import UserFactory
from tests.timekeeping.conftest import T0
from ticketdesk.accounts.models import User
from ticketdesk.tickets.models import Ticket
from ticketdesk.timekeeping import services
from ticketdesk.timekeeping.models import TimeSegment, TimeSource, Totals
from ticketdesk.timekeeping.panel import PANEL_PARTIAL, SEGMENT_LIST_LIMIT, ticket_time_context

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 2)


def loaded(ticket: Ticket) -> Ticket:
    """The ticket as the ticket page loads it (category joined)."""
    return Ticket.objects.select_related("category").get(pk=ticket.pk)


def log(ticket: Ticket, agent: User, minutes: int, *, billable: bool = True, days_ago: int = 0):
    return services.add_segment(
        ticket,
        by=agent,
        date=TODAY - datetime.timedelta(days=days_ago),
        minutes=minutes,
        billable=billable,
    )


def render_panel(ticket: Ticket, user: User, language: str = "en") -> str:
    request = RequestFactory().get("/")
    request.user = user
    with translation.override(language):
        context = {"time": ticket_time_context(loaded(ticket), user)}
        return render_to_string(PANEL_PARTIAL, context, request)


def test_totals_per_ticket_and_agent_billable_and_not(agent, colleague, ticket, clock) -> None:
    log(ticket, agent, 30)
    log(ticket, agent, 15, billable=False)
    log(ticket, colleague, 60)

    context = ticket_time_context(loaded(ticket), agent)

    assert context["totals"] == Totals(total=105, billable=90, count=3)
    assert context["totals"].not_billable == 15
    assert [(a.name, a.totals) for a in context["per_agent"]] == [
        ("Bert Colleague", Totals(total=60, billable=60, count=1)),
        ("Anna Agent", Totals(total=45, billable=30, count=2)),
    ]


def test_the_panel_shows_running_timers_but_never_an_idle_one(
    agent, colleague, ticket, clock
) -> None:
    for second in range(0, 12 * 60 + 1, 60):
        clock.at(second)
        services.record_heartbeat(ticket, agent=colleague)
    services.record_heartbeat(ticket, agent=agent)

    context = ticket_time_context(loaded(ticket), agent)
    assert [(r.agent, r.since, r.minutes, r.is_mine) for r in context["running"]] == [
        ("Bert Colleague", T0, 12, False),
        ("Anna Agent", T0 + datetime.timedelta(minutes=12), 0, True),
    ]
    html = render_panel(ticket, agent)
    assert "Bert Colleague: running since 10:02 a.m. — 12 min" in html

    clock.at(12 * 60 + 121)  # nobody heard from for longer than the idle time
    assert ticket_time_context(loaded(ticket), agent)["running"] == []
    assert "running since" not in render_panel(ticket, agent)


def test_the_panel_is_built_in_three_queries_whatever_it_holds(
    agent, colleague, ticket, clock, django_assert_num_queries
) -> None:
    fresh = loaded(ticket)
    with django_assert_num_queries(3):
        ticket_time_context(fresh, agent)

    for minutes in range(1, 31):
        log(ticket, agent if minutes % 2 else colleague, minutes, days_ago=minutes % 5)
    for user in UserFactory.create_batch(3):
        services.record_heartbeat(ticket, agent=user)
    fresh = loaded(ticket)
    with django_assert_num_queries(3):
        context = ticket_time_context(fresh, agent)
    assert len(context["segments"]) == 30
    assert len(context["running"]) == 3


def test_the_list_shows_the_newest_segments_and_the_totals_count_all(agent, ticket, clock) -> None:
    TimeSegment.objects.bulk_create(
        TimeSegment(
            ticket=ticket,
            agent=agent,
            started_at=T0 - datetime.timedelta(hours=n),
            minutes=1,
            source=TimeSource.MANUAL,
        )
        for n in range(SEGMENT_LIST_LIMIT + 5)
    )

    context = ticket_time_context(loaded(ticket), agent)

    assert len(context["segments"]) == SEGMENT_LIST_LIMIT
    assert context["segments"][0].segment.started_at == T0
    assert context["hidden_count"] == 5
    assert context["totals"].total == SEGMENT_LIST_LIMIT + 5
    assert "5 older entries are not listed" in render_panel(ticket, agent)


def test_only_own_segments_offer_correct_and_delete_to_an_agent(
    agent, colleague, admin, ticket, clock
) -> None:
    mine = log(ticket, agent, 10)
    theirs = log(ticket, colleague, 20)

    rows = {
        r.segment.pk: r.can_change for r in ticket_time_context(loaded(ticket), agent)["segments"]
    }
    assert rows == {mine.pk: True, theirs.pk: False}
    rows = {
        r.segment.pk: r.can_change for r in ticket_time_context(loaded(ticket), admin)["segments"]
    }
    assert rows == {mine.pk: True, theirs.pk: True}
    html = render_panel(ticket, agent)
    assert f"/time/{mine.pk}/delete/" in html
    assert f"/time/{theirs.pk}/delete/" not in html


def test_read_only_users_see_the_time_without_forms_or_timer(
    agent, read_only, ticket, clock
) -> None:
    log(ticket, agent, 25)

    context = ticket_time_context(loaded(ticket), read_only)
    html = render_panel(ticket, read_only)

    assert (context["add_form"], context["timer"], context["can_log"]) == (None, None, False)
    assert "25 min" in html
    assert "<form" not in html
    assert "time-timer" not in html


def test_the_timer_element_carries_its_config(agent, ticket, clock, settings) -> None:
    settings.TIMER_HEARTBEAT_SECONDS = 20
    html = render_panel(ticket, agent)

    url = f"/tickets/{ticket.number}/time/heartbeat/"
    assert f'id="time-timer" class="muted" data-heartbeat-url="{url}" data-interval="20"' in html


def test_dates_follow_the_users_language(agent, ticket, clock) -> None:
    log(ticket, agent, 90, days_ago=1)

    assert "01.06.2026" in render_panel(ticket, agent, "de")
    assert "1:30 h" in render_panel(ticket, agent, "de")
