"""Notification rules deliver through the outbox to a real SMTP server on loopback."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory, CustomerFactory
from tests.smtp_sink import SmtpSink
from tests.tickets.factories import TicketFactory, priority, status
from ticketdesk.outbox.models import OutboundMail
from ticketdesk.outbox.sender import drain_outbox
from ticketdesk.tickets import services
from ticketdesk.tickets.models import NotificationEvent, NotificationTemplate

pytestmark = pytest.mark.django_db


def delivered(sink: SmtpSink) -> list:
    drain_outbox()
    return sink.messages


def test_new_ticket_confirmation_reaches_requester(smtp_server: SmtpSink) -> None:
    ticket = TicketFactory(cc=["boss@customer.example"])
    [mail] = delivered(smtp_server)
    assert mail["To"] == ticket.requester.email
    assert mail["Cc"] == "boss@customer.example"
    assert mail["Subject"].startswith(f"[#{ticket.reference}] ")
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["X-Auto-Response-Suppress"] == "All"
    assert mail["Message-ID"]
    body = mail.get_body(("plain",)).get_content()
    assert f"recorded it as ticket {ticket.reference}" in body


def test_german_recipient_gets_german_text(smtp_server: SmtpSink) -> None:
    customer = CustomerFactory(language="de")
    contact = ContactFactory(customers=[customer], language="de")
    TicketFactory(customer=customer, requester=contact)
    [mail] = delivered(smtp_server)
    assert "Ticketnummer" in mail.get_body(("plain",)).get_content()
    assert "Ihre Anfrage wurde aufgenommen" in mail["Subject"]


def test_one_save_changing_priority_and_status_sends_one_mail_naming_both(
    smtp_server: SmtpSink,
) -> None:
    ticket = TicketFactory()
    delivered(smtp_server).clear()
    services.change_ticket(
        ticket,
        by=UserFactory(),
        expected_version=ticket.version,
        priority=priority("High"),
        status=status("In progress"),
    )
    [mail] = delivered(smtp_server)
    body = mail.get_body(("plain",)).get_content()
    assert "Priority: Normal → High" in body
    assert "Status: Open → In progress" in body


def test_three_mails_of_a_ticket_chain_their_headers(smtp_server: SmtpSink) -> None:
    ticket = TicketFactory()
    agent = UserFactory()
    services.change_ticket(ticket, by=agent, priority=priority("High"))
    services.add_reply(ticket, by=agent, text="Please restart the router.")
    first, second, third = delivered(smtp_server)
    assert "In-Reply-To" not in first
    assert second["In-Reply-To"] == first["Message-ID"]
    assert second["References"].split() == [first["Message-ID"]]
    assert third["In-Reply-To"] == second["Message-ID"]
    assert third["References"].split() == [first["Message-ID"], second["Message-ID"]]
    assert len({first["Message-ID"], second["Message-ID"], third["Message-ID"]}) == 3


def test_agent_reply_is_human_mail_with_the_reply_text(smtp_server: SmtpSink) -> None:
    ticket = TicketFactory(cc=["boss@customer.example"])
    delivered(smtp_server).clear()
    services.add_reply(ticket, by=UserFactory(), text="Please restart the router.")
    [mail] = delivered(smtp_server)
    assert "Auto-Submitted" not in mail
    assert "Please restart the router." in mail.get_body(("plain",)).get_content()
    assert mail["Cc"] == "boss@customer.example"
    ticket.refresh_from_db()
    reply = ticket.messages.get(kind="reply")
    assert reply.message_id == mail["Message-ID"]


def test_reply_switches_leave_out_copied_addresses(smtp_server: SmtpSink) -> None:
    ticket = TicketFactory(cc=["boss@customer.example"])
    delivered(smtp_server).clear()
    services.add_reply(ticket, by=UserFactory(), text="Only for you.", notify_cc=False)
    [mail] = delivered(smtp_server)
    assert mail["Cc"] is None
    assert mail["To"] == ticket.requester.email


def test_internal_note_and_assignment_never_reach_the_customer(smtp_server: SmtpSink) -> None:
    ticket = TicketFactory()
    delivered(smtp_server).clear()
    agent = UserFactory()
    services.add_note(ticket, by=agent, text="VIP customer, be quick.")
    services.assign_ticket(ticket, agent=agent, by=UserFactory())
    services.accept_ticket(ticket, by=agent)
    mails = delivered(smtp_server)
    # Accepting moves the ticket to "In progress", which notifies; the note does not.
    assert all("VIP" not in m.get_body(("plain",)).get_content() for m in mails)
    assert [m["To"] for m in mails] == [ticket.requester.email]
    assert "Status: Open → In progress" in mails[0].get_body(("plain",)).get_content()


def test_status_that_does_not_notify_sends_nothing(smtp_server: SmtpSink) -> None:
    ticket = TicketFactory()
    agent = UserFactory()
    services.change_ticket(ticket, by=agent, status=status("In progress"))
    delivered(smtp_server).clear()
    services.change_ticket(ticket, by=agent, status=status("Open"))
    assert delivered(smtp_server) == []


def test_customer_message_notifies_the_assignee_only(smtp_server: SmtpSink) -> None:
    agent = UserFactory(email="agent@example.com")
    ticket = TicketFactory()
    services.accept_ticket(ticket, by=agent)
    delivered(smtp_server).clear()
    services.add_customer_message(ticket, text="Still broken.", contact=ticket.requester)
    [mail] = delivered(smtp_server)
    assert mail["To"] == "agent@example.com"
    assert "Still broken." in mail.get_body(("plain",)).get_content()


def test_closing_sends_the_closing_notice(smtp_server: SmtpSink) -> None:
    ticket = TicketFactory()
    delivered(smtp_server).clear()
    services.close_ticket(ticket, by=UserFactory())
    [mail] = delivered(smtp_server)
    assert "has been closed" in mail["Subject"]


def test_rolled_back_change_leaves_no_outbox_row(smtp_server: SmtpSink) -> None:
    ticket = TicketFactory()
    before = OutboundMail.objects.count()
    agent = UserFactory()

    def change_then_crash() -> None:
        with transaction.atomic():
            services.change_ticket(ticket, by=agent, priority=priority("Urgent"))
            raise RuntimeError("crash after the change")

    with pytest.raises(RuntimeError):
        change_then_crash()
    assert OutboundMail.objects.count() == before


def test_stale_edit_leaves_no_outbox_row() -> None:
    ticket = TicketFactory()
    page_version = ticket.version
    services.change_ticket(ticket, by=UserFactory(), priority=priority("High"))
    before = OutboundMail.objects.count()
    with pytest.raises(ValidationError):
        services.change_ticket(
            ticket, by=UserFactory(), expected_version=page_version, status=status("Report")
        )
    assert OutboundMail.objects.count() == before


def test_custom_notification_text_is_substituted_never_evaluated(smtp_server: SmtpSink) -> None:
    NotificationTemplate.objects.create(
        event=NotificationEvent.OPENED,
        language="en",
        subject="Got it: {ticket_subject}",
        text="Ticket {ticket_number} {{ settings.SECRET_KEY }} {% now 'Y' %} {unknown}",
        html="<p>{ticket_subject}</p>",
    )
    TicketFactory(subject="<b>Router</b>")
    [mail] = delivered(smtp_server)
    assert mail["Subject"].endswith("Got it: <b>Router</b>")
    body = mail.get_body(("plain",)).get_content()
    assert "{{ settings.SECRET_KEY }} {% now 'Y' %} {unknown}" in body
    html = mail.get_body(("html",)).get_content()
    assert "<p>&lt;b&gt;Router&lt;/b&gt;</p>" in html
