"""Manual time segments: add, correct, delete, each audited as a ticket event; the rules."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.timekeeping.conftest import T0, client_for
from ticketdesk.accounts.models import User
from ticketdesk.outbox.models import OutboundMail
from ticketdesk.tickets.models import EventAction, Ticket, TicketEvent
from ticketdesk.timekeeping import errors, services
from ticketdesk.timekeeping.models import TimeSegment, TimeSource

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 2)
HTMX = {"HX-Request": "true"}


def add_url(ticket: Ticket) -> str:
    return f"/tickets/{ticket.number}/time/add/"


def edit_url(ticket: Ticket, segment: TimeSegment) -> str:
    return f"/tickets/{ticket.number}/time/{segment.pk}/edit/"


def delete_url(ticket: Ticket, segment: TimeSegment) -> str:
    return f"/tickets/{ticket.number}/time/{segment.pk}/delete/"


def add_data(**values: object) -> dict[str, object]:
    data = {"date": "2026-06-01", "minutes": "90", "comment": "Router config", "billable": "on"}
    data.update(values)
    return {f"time-{name}": value for name, value in data.items() if value is not None}


def edit_data(segment: TimeSegment, **values: object) -> dict[str, object]:
    data = {
        "date": segment.date.isoformat(),
        "minutes": str(segment.minutes),
        "comment": segment.comment,
        "billable": "on" if segment.billable else None,
        "version": segment.version,
    }
    data.update(values)
    return {f"time-edit-{name}": value for name, value in data.items() if value is not None}


def time_events(ticket: Ticket) -> list[tuple[str, str, str, str, str, str]]:
    return list(
        TicketEvent.objects.filter(ticket=ticket, field="time")
        .order_by("pk")
        .values_list("action", "old_key", "old_value", "new_key", "new_value", "actor__full_name")
    )


@pytest.fixture
def segment(ticket: Ticket, agent: User) -> TimeSegment:
    return services.add_segment(
        ticket, by=agent, date=datetime.date(2026, 6, 1), minutes=45, comment="Call", billable=True
    )


# --- add -----------------------------------------------------------------------------------


def test_adding_time_logs_a_segment_and_an_event(agent_client: Client, ticket, clock) -> None:
    mails = OutboundMail.objects.count()
    version = ticket.version
    response = agent_client.post(add_url(ticket), add_data())

    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.number}/#ticket-time"
    segment = TimeSegment.objects.get()
    assert (segment.agent.full_name, segment.date, segment.minutes) == (
        "Anna Agent",
        TODAY - datetime.timedelta(days=1),
        90,
    )
    assert (segment.comment, segment.billable, segment.source) == ("Router config", True, "manual")
    assert time_events(ticket) == [
        (EventAction.TIME_ADDED, "", "", "90;1;2026-06-01", "Router config", "Anna Agent")
    ]
    # Time is internal: no mail, and the ticket's open forms stay valid.
    assert OutboundMail.objects.count() == mails
    ticket.refresh_from_db()
    assert ticket.version == version


def test_hours_and_minutes_are_understood(agent_client, ticket, clock) -> None:
    agent_client.post(add_url(ticket), add_data(minutes="1:05"))

    assert TimeSegment.objects.get().minutes == 65


def test_adding_with_htmx_answers_with_the_panel_and_the_timeline(
    agent_client, ticket, clock
) -> None:
    response = agent_client.post(add_url(ticket), add_data(), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('\n<section id="ticket-time"') or 'id="ticket-time"' in html
    assert "Time added." in html
    assert "1:30 h" in html
    assert "Time added: 06/01/2026, 90 min, billable: Router config" in html
    assert (
        '<section id="ticket-timeline" aria-labelledby="timeline-heading" hx-swap-oob="true">'
        in html
    )


def test_billable_defaults_to_the_category_then_the_setting(agent, ticket, clock, settings) -> None:
    settings.TIMEKEEPING_BILLABLE_DEFAULT = False
    assert services.default_billable(ticket) is False
    ticket.category.time_billable = True
    assert services.default_billable(ticket) is True
    ticket.category.time_billable = False
    ticket.category.save()
    settings.TIMEKEEPING_BILLABLE_DEFAULT = True

    segment = services.add_segment(ticket, by=agent, date=TODAY, minutes=10)
    assert segment.billable is False
    ticket.category = None
    assert services.default_billable(ticket) is True


def test_the_add_form_proposes_today_and_the_billable_default(agent_client, ticket, clock) -> None:
    ticket.category.time_billable = False
    ticket.category.save()
    html = agent_client.get(add_url(ticket)).content.decode()

    assert 'value="2026-06-02"' in html
    assert 'max="2026-06-02"' in html
    assert 'name="time-billable"' in html
    assert "checked" not in html.split('name="time-billable"')[1].split(">")[0]


def test_a_manual_segment_of_today_starts_at_midnight(agent, ticket, clock) -> None:
    segment = services.add_segment(ticket, by=agent, date=TODAY, minutes=10)

    assert segment.started_at == datetime.datetime(2026, 6, 1, 22, 0, tzinfo=datetime.UTC)
    assert segment.date == TODAY


# --- correct -------------------------------------------------------------------------------


def test_correcting_time_changes_the_segment_and_records_old_and_new(
    agent_client, ticket, segment, clock
) -> None:
    response = agent_client.post(
        edit_url(ticket, segment),
        edit_data(segment, minutes="60", billable=None, comment="Call back"),
    )

    assert response.status_code == 302
    segment.refresh_from_db()
    assert (segment.minutes, segment.billable, segment.comment, segment.version) == (
        60,
        False,
        "Call back",
        2,
    )
    assert time_events(ticket)[-1] == (
        EventAction.TIME_CHANGED,
        "45;1;2026-06-01",
        "Call",
        "60;0;2026-06-01",
        "Call back",
        "Anna Agent",
    )


def test_an_unchanged_correction_records_nothing(agent_client, ticket, segment, clock) -> None:
    response = agent_client.post(edit_url(ticket, segment), edit_data(segment), headers=HTMX)

    assert "No change." in response.content.decode()
    assert [e[0] for e in time_events(ticket)] == [EventAction.TIME_ADDED]
    segment.refresh_from_db()
    assert segment.version == 1


def test_a_new_date_keeps_the_time_of_day_of_an_automatic_segment(agent, ticket, clock) -> None:
    started = T0 - datetime.timedelta(days=2)
    automatic = TimeSegment.objects.create(
        ticket=ticket, agent=agent, started_at=started, minutes=5, source=TimeSource.AUTOMATIC
    )
    services.change_segment(
        automatic,
        by=agent,
        date=TODAY - datetime.timedelta(days=1),
        minutes=5,
        comment="",
        billable=True,
    )

    automatic.refresh_from_db()
    assert automatic.started_at == started + datetime.timedelta(days=1)


def test_the_edit_form_with_htmx_shows_in_the_panel(agent_client, ticket, segment, clock) -> None:
    html = agent_client.get(edit_url(ticket, segment), headers=HTMX).content.decode()

    assert 'id="ticket-time"' in html
    assert 'name="time-edit-minutes" value="45"' in html
    assert "<html" not in html


# --- delete --------------------------------------------------------------------------------


def test_deleting_time_removes_the_segment_and_keeps_what_it_was(
    agent_client, ticket, segment, clock
) -> None:
    response = agent_client.post(delete_url(ticket, segment), {"version": segment.version})

    assert response.status_code == 302
    assert not TimeSegment.objects.exists()
    assert time_events(ticket)[-1] == (
        EventAction.TIME_DELETED,
        "45;1;2026-06-01",
        "Call",
        "",
        "",
        "Anna Agent",
    )


def test_deleting_with_htmx_answers_with_the_panel(agent_client, ticket, segment, clock) -> None:
    response = agent_client.post(delete_url(ticket, segment), {"version": 1}, headers=HTMX)

    assert "Time deleted." in response.content.decode()
    assert not TimeSegment.objects.exists()


# --- who may ------------------------------------------------------------------------------


def test_an_agent_cannot_change_a_colleagues_time(colleague, ticket, segment, clock) -> None:
    other = client_for(colleague)

    assert other.get(edit_url(ticket, segment)).status_code == 403
    assert other.post(edit_url(ticket, segment), edit_data(segment, minutes="5")).status_code == 403
    assert other.post(delete_url(ticket, segment)).status_code == 403
    with pytest.raises(PermissionDenied):
        services.delete_segment(segment, by=colleague)
    segment.refresh_from_db()
    assert segment.minutes == 45
    assert len(time_events(ticket)) == 1


def test_an_administrator_corrects_and_deletes_anyones_time(admin, ticket, segment, clock) -> None:
    client = client_for(admin)
    client.post(edit_url(ticket, segment), edit_data(segment, minutes="30"))
    segment.refresh_from_db()
    assert (segment.minutes, segment.agent.full_name) == (30, "Anna Agent")

    client.post(delete_url(ticket, segment))

    assert not TimeSegment.objects.exists()
    assert [(e[0], e[5]) for e in time_events(ticket)] == [
        (EventAction.TIME_ADDED, "Anna Agent"),
        (EventAction.TIME_CHANGED, "Ada Admin"),
        (EventAction.TIME_DELETED, "Ada Admin"),
    ]


def test_a_read_only_user_sees_time_but_cannot_log_it(read_only, ticket, segment, clock) -> None:
    client = client_for(read_only)

    assert client.get(add_url(ticket)).status_code == 403
    assert client.post(add_url(ticket), add_data()).status_code == 403
    assert client.post(edit_url(ticket, segment), edit_data(segment)).status_code == 403
    assert client.post(delete_url(ticket, segment)).status_code == 403
    with pytest.raises(PermissionDenied):
        services.add_segment(ticket, by=read_only, date=TODAY, minutes=5)
    assert TimeSegment.objects.count() == 1


def test_customers_and_signed_out_visitors_get_nothing(client, ticket, segment, clock) -> None:
    customer = client_for(UserFactory(customer=True))

    assert customer.post(add_url(ticket), add_data()).status_code == 404
    assert customer.get(f"/tickets/{ticket.number}/time/", headers=HTMX).status_code == 404
    assert client.post(add_url(ticket), add_data()).status_code == 302
    assert TimeSegment.objects.count() == 1


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"minutes": "-5"}, "minutes", errors.MINUTES_NOT_POSITIVE),
        ({"minutes": "0"}, "minutes", errors.MINUTES_NOT_POSITIVE),
        ({"minutes": "1441"}, "minutes", errors.MINUTES_TOO_MANY),
        ({"minutes": "25:00"}, "minutes", errors.MINUTES_TOO_MANY),
        ({"minutes": "99999999999999999999"}, "minutes", errors.MINUTES_TOO_MANY),
        ({"minutes": "ninety"}, "minutes", errors.MINUTES_INVALID),
        ({"minutes": "1:75"}, "minutes", errors.MINUTES_INVALID),
        ({"date": "2026-06-03"}, "date", errors.DATE_IN_FUTURE),
        ({"date": "2016-01-01"}, "date", errors.DATE_TOO_OLD),
    ],
)
def test_bad_input_is_refused_with_a_message_and_the_typed_values(
    agent_client, ticket, clock, values, field, message
) -> None:
    response = agent_client.post(add_url(ticket), add_data(**values))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [str(message)]
    assert f'value="{next(iter(values.values()))}"' in html
    assert 'value="Router config"' in html
    assert not TimeSegment.objects.exists()
    assert time_events(ticket) == []


def test_a_comment_too_long_is_refused(agent_client, ticket, clock) -> None:
    response = agent_client.post(add_url(ticket), add_data(comment="x" * 501), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "at most 500 characters" in html
    assert 'name="time-minutes" value="90"' in html
    assert not TimeSegment.objects.exists()


def test_bad_input_with_htmx_rerenders_the_panel(agent_client, ticket, clock) -> None:
    response = agent_client.post(add_url(ticket), add_data(minutes="0"), headers=HTMX)

    html = response.content.decode()
    assert 'id="ticket-time"' in html
    assert str(errors.MINUTES_NOT_POSITIVE) in html
    assert "<html" not in html


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"minutes": 0}, errors.MINUTES_NOT_POSITIVE),
        ({"minutes": -1}, errors.MINUTES_NOT_POSITIVE),
        ({"minutes": 24 * 60 + 1}, errors.MINUTES_TOO_MANY),
        ({"date": TODAY + datetime.timedelta(days=1)}, errors.DATE_IN_FUTURE),
        (
            {"comment": "x" * 501},
            "The comment is too long: at most 500 characters, this one has 501.",
        ),
    ],
)
def test_the_service_refuses_bad_values_itself(agent, ticket, clock, values, message) -> None:
    arguments = {"date": TODAY, "minutes": 10, "comment": "", **values}
    with pytest.raises(ValidationError) as refused:
        services.add_segment(ticket, by=agent, **arguments)

    assert str(message) in refused.value.messages
    assert not TimeSegment.objects.exists()


def test_a_correction_from_a_stale_form_is_refused_and_keeps_the_typed_values(
    agent_client, agent, ticket, segment, clock
) -> None:
    stale = edit_data(segment, minutes="50")
    services.change_segment(
        segment, by=agent, date=segment.date, minutes=40, comment="Call", billable=True
    )

    response = agent_client.post(edit_url(ticket, segment), stale)

    html = response.content.decode()
    assert response.status_code == 200
    assert str(errors.STALE_SEGMENT) in html
    assert 'value="50"' in html
    segment.refresh_from_db()
    assert segment.minutes == 40


def test_a_delete_from_a_stale_page_is_refused(agent_client, agent, ticket, segment, clock) -> None:
    services.change_segment(
        segment, by=agent, date=segment.date, minutes=40, comment="", billable=True
    )

    response = agent_client.post(delete_url(ticket, segment), {"version": 1}, headers=HTMX)

    assert str(errors.STALE_SEGMENT) in response.content.decode()
    assert TimeSegment.objects.filter(pk=segment.pk).exists()


def test_a_segment_of_another_ticket_is_not_found_here(agent_client, agent, segment, clock) -> None:
    from tests.tickets.factories import TicketFactory

    other = TicketFactory(by=agent)

    assert agent_client.get(edit_url(other, segment)).status_code == 404
    response = agent_client.post(
        edit_url(other, segment), edit_data(segment, minutes="5"), headers=HTMX
    )
    assert str(errors.SEGMENT_GONE) in response.content.decode()
    response = agent_client.post(delete_url(other, segment), follow=True)
    assert str(errors.SEGMENT_GONE) in response.content.decode()
    segment.refresh_from_db()
    assert segment.minutes == 45
    assert TimeSegment.objects.count() == 1


def test_correcting_a_segment_deleted_meanwhile_says_so(
    agent_client, agent, ticket, segment, clock
) -> None:
    data = edit_data(segment, minutes="5")
    services.delete_segment(segment, by=agent)

    response = agent_client.post(edit_url(ticket, segment), data, follow=True)

    assert str(errors.SEGMENT_GONE) in response.content.decode()
    assert not TimeSegment.objects.exists()


def test_the_panel_url_without_htmx_leads_to_the_ticket(agent_client, ticket) -> None:
    response = agent_client.get(f"/tickets/{ticket.number}/time/")

    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.number}/#ticket-time"


def test_no_value_makes_a_server_error(agent_client, ticket, segment, clock) -> None:
    from tests.test_fuzz_urls import NASTY_VALUES

    names = ["date", "minutes", "comment", "billable", "version"]
    for number, value in enumerate(NASTY_VALUES):
        headers = HTMX if number % 2 else {}  # the panel and the full page in turn
        for url, data in [
            (add_url(ticket), {f"time-{name}": value for name in names}),
            (edit_url(ticket, segment), {f"time-edit-{name}": value for name in names}),
            (delete_url(ticket, segment), {"version": value}),
            (f"/tickets/{ticket.number}/time/heartbeat/", {"state": value}),
        ]:
            response = agent_client.post(url, data, headers=headers)
            assert response.status_code < 500, (url, value)
    # Only the delete with the segment's real version ("1") may have gone through.
    assert [event[0] for event in time_events(ticket)] == [
        EventAction.TIME_ADDED,
        EventAction.TIME_DELETED,
    ]
    assert not TimeSegment.objects.filter(minutes__gt=0, ticket=ticket).exclude(pk=segment.pk)
