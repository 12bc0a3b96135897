"""Ticket services: events per change-set, status flags, stale edits, assignment rules."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.accounts.factories import TeamFactory, UserFactory
from tests.customers.factories import CustomerFactory
from tests.tickets.factories import TicketFactory, priority, status
from ticketdesk.accounts.models import User
from ticketdesk.sla.services import instance_calendar
from ticketdesk.tickets import errors, services
from ticketdesk.tickets.models import (
    Category,
    EventAction,
    MessageKind,
    Source,
    SubCategory,
    Ticket,
    TicketEvent,
    TicketReadMark,
)
from ticketdesk.tickets.services.lifecycle import mark_ticket_read

pytestmark = pytest.mark.django_db


def events_of(ticket: Ticket) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("created_at", "pk"))


def test_open_ticket_sets_defaults_number_and_first_message() -> None:
    agent = UserFactory()
    first = TicketFactory(by=agent)
    second = TicketFactory(by=agent)
    assert second.number == first.number + 1
    assert first.status == status("Open")
    assert first.priority == priority("Normal")
    # Normal: 27 business hours (three days of 08:00-17:00) from the next opening.
    calendar = instance_calendar()
    assert first.target_resolution_at == calendar.add_business_minutes(first.opened_at, 27 * 60)
    assert first.target_first_response_at == calendar.add_business_minutes(first.opened_at, 8 * 60)
    message = first.messages.get()
    assert message.kind == MessageKind.CUSTOMER
    assert [e.action for e in events_of(first)] == [EventAction.OPENED]


def test_open_ticket_applies_subcategory_defaults() -> None:
    team = TeamFactory(name="Network")
    sub = SubCategory.objects.get(name_en="Outage")
    sub.default_priority = priority("Urgent")
    sub.default_team = team
    sub.save()
    ticket = TicketFactory(category=sub.category, subcategory=sub)
    assert ticket.priority == priority("Urgent")
    assert ticket.team == team
    assert ticket.target_resolution_at == instance_calendar().add_business_minutes(
        ticket.opened_at, 4 * 60
    )


def test_open_ticket_refuses_empty_subject_and_keeps_nothing() -> None:
    with pytest.raises(ValidationError) as excinfo:
        TicketFactory(subject="   ")
    assert excinfo.value.messages == [str(errors.EMPTY_SUBJECT)]
    assert not Ticket.objects.exists()


def test_read_only_user_cannot_open_tickets() -> None:
    with pytest.raises(PermissionDenied):
        TicketFactory(by=UserFactory(read_only=True))


def test_change_ticket_writes_one_changeset_for_several_fields() -> None:
    ticket = TicketFactory()
    agent = UserFactory()
    changeset = services.change_ticket(
        ticket,
        by=agent,
        expected_version=ticket.version,
        priority=priority("High"),
        status=status("In progress"),
        estimated_resolution_date=datetime.date(2026, 12, 1),
    )
    changed = [e for e in events_of(ticket) if e.action == EventAction.CHANGED]
    assert {e.field for e in changed} == {"priority", "status", "estimated_resolution_date"}
    assert {e.changeset for e in changed} == {changeset.id}
    priority_event = next(e for e in changed if e.field == "priority")
    assert (priority_event.old_key, priority_event.new_key) == (
        str(priority("Normal").pk),
        str(priority("High").pk),
    )
    ticket.refresh_from_db()
    assert ticket.priority == priority("High")
    assert ticket.target_resolution_at == instance_calendar().add_business_minutes(
        ticket.opened_at, 9 * 60
    )


def test_change_ticket_without_changes_writes_nothing() -> None:
    ticket = TicketFactory()
    version = ticket.version
    changeset = services.change_ticket(
        ticket, by=UserFactory(), expected_version=version, priority=ticket.priority
    )
    assert changeset.events == []
    ticket.refresh_from_db()
    assert ticket.version == version


def test_stale_edit_is_refused_and_names_the_other_editor() -> None:
    ticket = TicketFactory()
    page_version = ticket.version
    alice = UserFactory(full_name="Alice Example")
    services.change_ticket(
        ticket, by=alice, expected_version=page_version, priority=priority("High")
    )
    stale_copy = Ticket.objects.get(pk=ticket.pk)
    with pytest.raises(ValidationError) as excinfo:
        services.change_ticket(
            stale_copy, by=UserFactory(), expected_version=page_version, priority=priority("Low")
        )
    assert excinfo.value.code == "stale"
    assert "Alice Example" in excinfo.value.messages[0]
    ticket.refresh_from_db()
    assert ticket.priority == priority("High")


def test_deactivated_entry_cannot_be_chosen() -> None:
    ticket = TicketFactory()
    low = priority("Low")
    services.set_config_entry_active(low, active=False)
    with pytest.raises(ValidationError) as excinfo:
        services.change_ticket(ticket, by=UserFactory(), priority=low)
    assert excinfo.value.code == "inactive"


def test_subcategory_of_other_category_is_refused() -> None:
    ticket = TicketFactory()
    billing = Category.objects.get(name_en="Billing")
    outage = SubCategory.objects.get(name_en="Outage")
    with pytest.raises(ValidationError) as excinfo:
        services.change_ticket(ticket, by=UserFactory(), category=billing, subcategory=outage)
    assert excinfo.value.code == "subcategory_mismatch"


def test_choosing_subcategory_applies_its_default_priority_and_team() -> None:
    ticket = TicketFactory()
    team = TeamFactory(name="Telephony")
    sub = SubCategory.objects.get(name_en="Configuration")
    sub.default_priority = priority("High")
    sub.default_team = team
    sub.save()
    services.change_ticket(ticket, by=UserFactory(), category=sub.category, subcategory=sub)
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.team) == (priority("High"), team)


def test_assigning_non_support_team_user_is_refused() -> None:
    ticket = TicketFactory()
    outsider = UserFactory(outsider=True, full_name="Otto Outsider")
    with pytest.raises(ValidationError) as excinfo:
        services.assign_ticket(ticket, agent=outsider, by=UserFactory())
    assert excinfo.value.code == "not_support_team"
    assert "Otto Outsider" in excinfo.value.messages[0]
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_assign_and_free_record_events() -> None:
    ticket = TicketFactory()
    agent, lead = UserFactory(), UserFactory()
    services.assign_ticket(ticket, agent=agent, by=lead)
    services.free_ticket(ticket, by=lead)
    ticket.refresh_from_db()
    assert ticket.assignee is None
    actions = [e.action for e in events_of(ticket)]
    assert actions[-2:] == [EventAction.ASSIGNED, EventAction.FREED]


def test_accept_claims_ticket_and_applies_accept_status() -> None:
    ticket = TicketFactory()
    agent = UserFactory()
    services.accept_ticket(ticket, by=agent)
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert ticket.accepted_at is not None
    assert ticket.status == status("In progress")


def test_second_accept_is_refused_naming_the_winner() -> None:
    ticket = TicketFactory()
    winner = UserFactory(full_name="Wanda Winner")
    services.accept_ticket(ticket, by=winner)
    with pytest.raises(ValidationError) as excinfo:
        services.accept_ticket(Ticket.objects.get(pk=ticket.pk), by=UserFactory())
    assert excinfo.value.code == "already_accepted"
    assert "Wanda Winner" in excinfo.value.messages[0]


def test_first_reply_sets_first_response_and_agent_reply_status() -> None:
    ticket = TicketFactory()
    agent = UserFactory()
    services.add_reply(ticket, by=agent, text="Please restart the router.")
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    first_response = ticket.first_response_at
    assert ticket.status == status("Answer")
    services.add_reply(ticket, by=agent, text="Any news?")
    ticket.refresh_from_db()
    assert ticket.first_response_at == first_response


def test_reply_and_close_closes_ticket() -> None:
    ticket = TicketFactory()
    services.add_reply(ticket, by=UserFactory(), text="Solved.", close=True)
    ticket.refresh_from_db()
    assert ticket.status.is_closed
    assert ticket.closed_at is not None
    actions = [e.action for e in events_of(ticket)]
    assert EventAction.CLOSED in actions


def test_note_is_internal_and_changes_no_status() -> None:
    ticket = TicketFactory()
    services.add_note(ticket, by=UserFactory(), text="Customer is VIP.")
    ticket.refresh_from_db()
    assert ticket.status == status("Open")
    assert ticket.messages.filter(kind=MessageKind.NOTE).count() == 1
    assert ticket.first_response_at is None


def test_empty_reply_is_refused() -> None:
    ticket = TicketFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.add_reply(ticket, by=UserFactory(), text="  ")
    assert excinfo.value.messages == [str(errors.EMPTY_MESSAGE)]


def test_customer_reply_applies_customer_reply_status() -> None:
    ticket = TicketFactory()
    services.change_ticket(ticket, by=UserFactory(), status=status("Answer"))
    services.add_customer_message(ticket, text="Still broken.", contact=ticket.requester)
    ticket.refresh_from_db()
    assert ticket.status == status("Open")
    assert ticket.last_customer_message_at is not None


def test_customer_reply_reopens_closed_ticket() -> None:
    ticket = TicketFactory(closed=True)
    services.add_customer_message(ticket, text="It is back.", contact=ticket.requester)
    ticket.refresh_from_db()
    assert not ticket.status.is_closed
    assert ticket.closed_at is None
    assert EventAction.REOPENED in [e.action for e in events_of(ticket)]


def test_automatic_customer_message_changes_nothing() -> None:
    ticket = TicketFactory(closed=True)
    services.add_customer_message(ticket, text="I am out of office.", is_automatic=True)
    ticket.refresh_from_db()
    assert ticket.status.is_closed


def test_close_and_reopen() -> None:
    ticket = TicketFactory()
    agent = UserFactory()
    services.close_ticket(ticket, by=agent)
    with pytest.raises(ValidationError):
        services.close_ticket(ticket, by=agent)
    services.reopen_ticket(ticket, by=agent)
    ticket.refresh_from_db()
    assert ticket.status == status("Open")
    with pytest.raises(ValidationError):
        services.reopen_ticket(ticket, by=agent)


def test_cc_addresses_are_added_once_and_removed() -> None:
    ticket = TicketFactory()
    agent = UserFactory()
    services.add_cc(ticket, email="boss@customer.example", by=agent)
    services.add_cc(ticket, email="BOSS@customer.example", by=agent)
    assert list(ticket.cc_addresses.values_list("email", flat=True)) == ["boss@customer.example"]
    with pytest.raises(ValidationError):
        services.add_cc(ticket, email="not-an-address", by=agent)
    services.remove_cc(ticket, email="boss@customer.example", by=agent)
    assert not ticket.cc_addresses.exists()


def test_in_use_configuration_entry_cannot_be_deleted() -> None:
    TicketFactory()
    normal = priority("Normal")
    with pytest.raises(ValidationError) as excinfo:
        services.delete_config_entry(normal)
    assert excinfo.value.code == "in_use"
    assert "Deactivate" in excinfo.value.messages[0]
    services.set_config_entry_active(normal, active=False)
    normal.refresh_from_db()
    assert not normal.is_active


def test_unused_configuration_entry_can_be_deleted() -> None:
    services.delete_config_entry(SubCategory.objects.get(name_en="Invoice question"))
    assert not SubCategory.objects.filter(name_en="Invoice question").exists()


def test_email_ticket_records_source_and_unknown_contact() -> None:
    ticket = services.open_ticket(
        customer=CustomerFactory(),
        subject="Hello",
        text="Mail body",
        by=None,
        requester_email="stranger@elsewhere.example",
        source=Source.EMAIL,
        unknown_contact=True,
    )
    assert ticket.unknown_contact
    assert ticket.messages.get().author_email == "stranger@elsewhere.example"


def test_read_only_user_with_support_team_flag_cannot_be_assigned() -> None:
    ticket = TicketFactory()
    viewer = UserFactory(read_only=True, is_support_team=True)
    with pytest.raises(ValidationError) as excinfo:
        services.assign_ticket(ticket, agent=viewer, by=UserFactory())
    assert excinfo.value.code == "cannot_work_tickets"
    assert viewer not in User.objects.support_team()


def test_read_mark_moves_forward_only_and_never_past_the_last_customer_message() -> None:
    agent = UserFactory()
    ticket = TicketFactory(by=agent)
    assert not mark_ticket_read(ticket, user=agent, up_to=ticket.opened_at)  # nothing to read
    services.add_customer_message(ticket, text="First", contact=ticket.requester)
    ticket.refresh_from_db()
    first = ticket.last_customer_message_at
    far_future = first + datetime.timedelta(days=3650)
    assert mark_ticket_read(ticket, user=agent, up_to=far_future)
    assert TicketReadMark.objects.get(ticket=ticket, user=agent).seen_at == first
    assert not mark_ticket_read(ticket, user=agent, up_to=first)  # already there
    assert not mark_ticket_read(ticket, user=agent, up_to=ticket.opened_at)  # never backwards
    services.add_customer_message(ticket, text="Second", contact=ticket.requester)
    ticket.refresh_from_db()
    assert mark_ticket_read(ticket, user=agent, up_to=far_future)
    assert TicketReadMark.objects.get(ticket=ticket, user=agent).seen_at == (
        ticket.last_customer_message_at
    )
    assert TicketReadMark.objects.count() == 1
