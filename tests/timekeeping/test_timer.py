"""The automatic timer: heartbeats extend a stretch, a gap or a stop ends it, server clock only."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django_tasks_db.models import DBTaskResult

from tests.accounts.factories import UserFactory
from tests.timekeeping.conftest import T0, client_for
from ticketdesk.accounts.models import User
from ticketdesk.tickets.models import Ticket
from ticketdesk.timekeeping import services
from ticketdesk.timekeeping.models import TimerStretch, TimeSegment, TimeSource
from ticketdesk.timekeeping.tasks import close_idle_timers

pytestmark = pytest.mark.django_db


def beat(client: Client, ticket: Ticket, state: str = "beat", **extra: str):
    return client.post(f"/tickets/{ticket.number}/time/heartbeat/", {"state": state, **extra})


def beats(client: Client, ticket: Ticket, clock, *seconds: float) -> None:
    for second in seconds:
        clock.at(second)
        assert beat(client, ticket).status_code == 200


def segments(ticket: Ticket) -> list[tuple[str, datetime.datetime, int, str]]:
    return [
        (str(s.agent), s.started_at, s.minutes, s.source)
        for s in TimeSegment.objects.for_ticket(ticket).select_related("agent").order_by("pk")
    ]


def test_heartbeats_within_the_idle_time_make_one_stretch(agent_client, ticket, clock) -> None:
    beats(agent_client, ticket, clock, 0, 30, 60)

    stretch = TimerStretch.objects.get()
    assert (stretch.started_at, stretch.last_heartbeat_at) == (
        T0,
        T0 + datetime.timedelta(seconds=60),
    )
    assert TimeSegment.objects.count() == 0


def test_a_gap_longer_than_the_idle_time_ends_the_stretch_at_its_last_heartbeat(
    agent_client, ticket, clock
) -> None:
    beats(agent_client, ticket, clock, 0, 30, 60)
    beats(agent_client, ticket, clock, 260)  # 200 s after the last heartbeat

    assert segments(ticket) == [("Anna Agent", T0, 1, TimeSource.AUTOMATIC)]
    stretch = TimerStretch.objects.get()
    assert stretch.started_at == T0 + datetime.timedelta(seconds=260)


def test_the_idle_time_is_a_setting(agent_client, ticket, clock, settings) -> None:
    settings.TIMER_IDLE_SECONDS = 300
    beats(agent_client, ticket, clock, 0, 60, 260)

    assert TimeSegment.objects.count() == 0
    assert TimerStretch.objects.get().started_at == T0


def test_stop_ends_the_stretch_now(agent_client, ticket, clock) -> None:
    beats(agent_client, ticket, clock, 0, 30, 60, 90)
    clock.at(120)
    answer = beat(agent_client, ticket, "stop").json()

    assert answer == {"running": False, "label": "Your timer is stopped.", "ended_minutes": 2}
    assert segments(ticket) == [("Anna Agent", T0, 2, TimeSource.AUTOMATIC)]
    assert not TimerStretch.objects.exists()


def test_a_late_stop_does_not_count_the_idle_gap(agent_client, ticket, clock) -> None:
    beats(agent_client, ticket, clock, 0, 60)
    clock.at(900)
    beat(agent_client, ticket, "stop")

    assert segments(ticket) == [("Anna Agent", T0, 1, TimeSource.AUTOMATIC)]


def test_minutes_round_to_the_nearest_and_a_stretch_under_half_a_minute_leaves_nothing(
    agent_client, ticket, clock
) -> None:
    beats(agent_client, ticket, clock, 0, 29)
    beat(agent_client, ticket, "stop")
    beats(agent_client, ticket, clock, 100, 189)  # 89 s
    beat(agent_client, ticket, "stop")
    beats(agent_client, ticket, clock, 300, 390)  # 90 s
    beat(agent_client, ticket, "stop")

    assert [minutes for *_, minutes, _source in segments(ticket)] == [1, 2]
    assert services.stretch_minutes(29.9) == 0
    assert services.stretch_minutes(30) == 1


def test_the_page_cannot_claim_minutes(agent_client, ticket, clock) -> None:
    clock.at(0)
    beat(agent_client, ticket, minutes="600", started_at="2020-01-01T00:00:00Z")
    clock.at(60)
    beat(agent_client, ticket, "stop", minutes="600", seconds="36000")

    assert segments(ticket) == [("Anna Agent", T0, 1, TimeSource.AUTOMATIC)]


def test_two_agents_on_one_ticket_have_their_own_stretches(
    agent_client, colleague: User, ticket, clock
) -> None:
    other = client_for(colleague)
    clock.at(0)
    beat(agent_client, ticket)
    clock.at(30)
    beat(other, ticket)
    beats(agent_client, ticket, clock, 60, 120)
    clock.at(120)
    beat(agent_client, ticket, "stop")
    for second in (90, 150, 210):
        clock.at(second)
        beat(other, ticket)
    beat(other, ticket, "stop")

    assert segments(ticket) == [
        ("Anna Agent", T0, 2, TimeSource.AUTOMATIC),
        ("Bert Colleague", T0 + datetime.timedelta(seconds=30), 3, TimeSource.AUTOMATIC),
    ]


def test_one_agent_on_two_tickets_has_two_stretches(agent_client, agent, ticket, clock) -> None:
    from tests.tickets.factories import TicketFactory

    second = TicketFactory(by=agent)
    beats(agent_client, ticket, clock, 0)
    beats(agent_client, second, clock, 10)

    assert TimerStretch.objects.filter(agent=agent).count() == 2


def test_a_stretch_is_cut_after_24_hours(agent: User, ticket, clock) -> None:
    for second in range(0, 24 * 3600 + 200, 100):
        clock.at(second)
        services.record_heartbeat(ticket, agent=agent)

    # The first stretch ends at its last heartbeat before 24 h; the next goes on from there.
    last_before = T0 + datetime.timedelta(seconds=24 * 3600 - 100)
    assert segments(ticket) == [("Anna Agent", T0, 1438, TimeSource.AUTOMATIC)]
    assert TimerStretch.objects.get().started_at == last_before


def test_an_automatic_segment_takes_the_category_billable_default(
    agent_client, ticket, clock
) -> None:
    ticket.category.time_billable = False
    ticket.category.save()
    beats(agent_client, ticket, clock, 0, 60)
    beat(agent_client, ticket, "stop")

    assert TimeSegment.objects.get().billable is False


def test_the_answer_says_since_when_the_timer_runs(agent_client, ticket, clock) -> None:
    beats(agent_client, ticket, clock, 0, 60, 90)
    answer = beat(agent_client, ticket).json()

    # T0 is 10:02 in Berlin (CEST); English time format.
    assert answer == {
        "running": True,
        "label": "Your timer runs since 10:02 a.m. — 2 min",
        "ended_minutes": None,
    }


# --- idle stretches nobody hears from again ------------------------------------------------


def test_close_idle_stretches_ends_only_the_idle_ones(
    agent_client, colleague, ticket, clock
) -> None:
    beats(agent_client, ticket, clock, 0, 60)
    other = client_for(colleague)
    clock.at(150)
    beat(other, ticket)

    now = clock.at(200)
    assert services.close_idle_stretches(now) == 1
    assert services.close_idle_stretches(now) == 0

    assert segments(ticket) == [("Anna Agent", T0, 1, TimeSource.AUTOMATIC)]
    assert list(TimerStretch.objects.values_list("agent__full_name", flat=True)) == [
        "Bert Colleague"
    ]


def test_a_new_stretch_queues_the_idle_check(
    agent_client, ticket, clock, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        beats(agent_client, ticket, clock, 0)
    with django_capture_on_commit_callbacks(execute=True):
        beats(agent_client, ticket, clock, 30, 60)  # extending queues nothing more

    queued = DBTaskResult.objects.get(task_path=close_idle_timers.module_path)
    assert queued.status == "READY"
    assert queued.run_after == T0 + datetime.timedelta(seconds=121)


def test_the_idle_check_ends_idle_stretches_and_comes_back_for_running_ones(
    agent_client, colleague, ticket, clock, django_capture_on_commit_callbacks
) -> None:
    beats(agent_client, ticket, clock, 0, 60)
    other = client_for(colleague)
    beats(other, ticket, clock, 150)
    clock.at(200)
    DBTaskResult.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        assert close_idle_timers.call() == 1

    assert segments(ticket) == [("Anna Agent", T0, 1, TimeSource.AUTOMATIC)]
    queued = DBTaskResult.objects.get(task_path=close_idle_timers.module_path)
    assert queued.run_after == T0 + datetime.timedelta(seconds=150 + 120 + 1)

    clock.at(300)
    DBTaskResult.objects.all().delete()
    assert close_idle_timers.call() == 1
    assert not TimerStretch.objects.exists()
    assert not DBTaskResult.objects.exists()


# --- who may send heartbeats ---------------------------------------------------------------


def test_heartbeat_answers_get_with_405(agent_client, ticket) -> None:
    assert agent_client.get(f"/tickets/{ticket.number}/time/heartbeat/").status_code == 405


def test_heartbeat_of_a_read_only_user_is_refused(read_only, ticket, clock) -> None:
    response = beat(client_for(read_only), ticket)

    assert response.status_code == 403
    assert response.json() == {"error": "Only agents and administrators can log time."}
    assert not TimerStretch.objects.exists()


def test_heartbeat_of_a_customer_login_is_refused(ticket, clock) -> None:
    response = beat(client_for(UserFactory(customer=True)), ticket)

    assert response.status_code == 404  # kept out of the agent workspace (portal off)
    assert not TimerStretch.objects.exists()


def test_heartbeat_signed_out_goes_to_the_sign_in_page(client, ticket) -> None:
    response = beat(client, ticket)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_heartbeat_for_a_ticket_out_of_sight_is_404(agent_client, ticket) -> None:
    response = agent_client.post("/tickets/99999999/time/heartbeat/", {"state": "beat"})

    assert response.status_code == 404
    assert response.json() == {"error": "not found"}


def test_heartbeat_with_an_unknown_state_is_400(agent_client, ticket) -> None:
    response = beat(agent_client, ticket, "pause")

    assert response.status_code == 400
    assert not TimerStretch.objects.exists()


def test_a_deactivated_agent_cannot_start_the_timer(agent: User, ticket) -> None:
    agent.is_active = False
    with pytest.raises(PermissionDenied):
        services.record_heartbeat(ticket, agent=agent)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tabs_starting_the_timer_at_once_make_one_stretch() -> None:
    from tests.threads import run_at_once
    from tests.tickets.factories import TicketFactory

    agent = UserFactory()
    ticket = TicketFactory(by=agent)

    def start() -> bool:
        return (
            services.record_heartbeat(Ticket.objects.get(pk=ticket.pk), agent=agent).stretch
            is not None
        )

    assert run_at_once([start] * 4) == [True] * 4
    assert TimerStretch.objects.filter(ticket=ticket, agent=agent).count() == 1
