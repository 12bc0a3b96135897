"""Loop and bounce safety: automatic mail is stored but never answered; senders are throttled."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage

import pytest
from pytest_django.fixtures import Settings

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory
from tests.smtp_sink import SmtpSink
from ticketdesk.customers.models import Contact
from ticketdesk.inbound.models import InboundStatus, ReviewReason
from ticketdesk.outbox.sender import drain_outbox
from ticketdesk.tickets import services
from ticketdesk.tickets.models import Message, MessageKind, Ticket

from .corpus import require_corpus
from .mail import compose, deliver

pytestmark = pytest.mark.django_db

Responder = Callable[[EmailMessage], bytes]


@pytest.fixture
def contact() -> Contact:
    return ContactFactory(email="anna@customer.example", name="Anna Berg")


def out_of_office(mail: EmailMessage) -> bytes:
    """What an RFC 3834 autoresponder sends back for every mail it receives."""
    return compose(
        sender=str(mail["To"]),
        subject=f"Automatic reply: {mail['Subject']}",
        body="I am out of the office until Monday.",
        in_reply_to=str(mail["Message-ID"]),
        headers={"Auto-Submitted": "auto-replied"},
    )


def careless_responder(mail: EmailMessage) -> bytes:
    """An autoresponder that sets none of the headers and looks like a person's reply."""
    return compose(
        sender=str(mail["To"]),
        subject=f"Re: {mail['Subject']}",
        body="Thank you for your message. We will answer soon.",
        in_reply_to=str(mail["Message-ID"]),
    )


def run_responder(sink: SmtpSink, responder: Responder, *, max_rounds: int = 30) -> int:
    """Answer every mail the SMTP server receives until no new mail comes; return the rounds."""
    answered = 0
    for rounds in range(max_rounds):
        drain_outbox()
        new = sink.messages[answered:]
        if not new:
            return rounds
        answered += len(new)
        for mail in new:
            deliver(responder(mail))
    pytest.fail(f"still mailing after {max_rounds} rounds: a mail loop")


def test_autoresponder_answering_the_confirmation_gets_no_further_mail(
    contact: Contact, smtp_server: SmtpSink
) -> None:
    ticket = deliver(compose(sender=contact.email)).ticket
    drain_outbox()
    [confirmation] = smtp_server.messages
    assert confirmation["Auto-Submitted"] == "auto-generated"
    for _round in range(3):
        inbound = deliver(out_of_office(confirmation))
        assert inbound.ticket == ticket
        assert inbound.is_auto_reply
        assert drain_outbox().sent == 0
    assert len(smtp_server.messages) == 1
    automatic = ticket.messages.filter(kind=MessageKind.CUSTOMER, is_automatic=True)
    assert automatic.count() == 3
    assert Ticket.objects.count() == 1


def test_autoresponder_loop_stops_after_one_round(contact: Contact, smtp_server: SmtpSink) -> None:
    ticket = deliver(compose(sender=contact.email)).ticket
    services.assign_ticket(ticket, agent=UserFactory(), by=UserFactory())
    rounds = run_responder(smtp_server, out_of_office)
    assert rounds == 1
    assert len(smtp_server.messages) == 1  # the confirmation only; the assignee heard nothing
    ticket.refresh_from_db()
    assert ticket.last_customer_message_at == ticket.opened_at


def test_out_of_office_with_only_the_subject_tag_is_stored_on_the_ticket(
    contact: Contact, smtp_server: SmtpSink
) -> None:
    ticket = deliver(compose(sender=contact.email)).ticket
    services.close_ticket(ticket, by=UserFactory())
    drain_outbox()
    reply = compose(
        sender=contact.email,
        subject=f"Abwesenheitsnotiz: [#{ticket.reference}] Printer",
        body="Ich bin bis Montag nicht im Büro.",
    )
    inbound = deliver(reply)
    ticket.refresh_from_db()
    assert inbound.ticket == ticket
    assert ticket.status.is_closed  # an auto-reply never reopens
    assert drain_outbox().sent == 0


def careless_forwardee(mail: EmailMessage) -> bytes:
    """The agent's notices forwarded to a private mailbox whose autoresponder answers."""
    return compose(
        sender="lena@home.example",
        subject=f"Re: {mail['Subject']}",
        body="Thank you for your message. I will answer soon.",
        in_reply_to=str(mail["Message-ID"]),
    )


@pytest.fixture
def agent_noticed(contact: Contact, smtp_server: SmtpSink) -> tuple[Ticket, object]:
    """A ticket assigned to an agent, whose customer just wrote: a notice is on its way."""
    agent = UserFactory(email="agent@example.org")
    ticket = deliver(compose(sender=contact.email)).ticket
    services.assign_ticket(ticket, agent=agent, by=UserFactory())
    drain_outbox()
    smtp_server.messages.clear()
    deliver(compose(sender=contact.email, subject=f"Re: [#{ticket.reference}] more"))
    return ticket, agent


def test_careless_responder_of_the_agents_own_address_stops_at_once(
    agent_noticed: tuple[Ticket, object], smtp_server: SmtpSink
) -> None:
    ticket, agent = agent_noticed
    rounds = run_responder(smtp_server, careless_responder)
    # Mail from an agent's address becomes an internal note, which notifies no one.
    notes = Message.objects.filter(ticket=ticket, kind=MessageKind.NOTE, author_user=agent)
    assert notes.count() == 1
    assert rounds == len(smtp_server.messages) == 1


def test_careless_responder_on_the_agent_side_is_cut_off(
    agent_noticed: tuple[Ticket, object], smtp_server: SmtpSink
) -> None:
    ticket, _agent = agent_noticed
    rounds = run_responder(smtp_server, careless_forwardee)
    # Each notice to the agent is answered, until the tenth answer within ten minutes:
    # from then on that sender's mail is stored as automatic and notifies no one.
    from_agent = Message.objects.filter(ticket=ticket, author_email="lena@home.example")
    assert from_agent.filter(is_automatic=False).count() == 10
    assert from_agent.last().is_automatic
    assert rounds == len(smtp_server.messages) == 11


def test_auto_reply_that_matches_no_ticket_waits_in_the_inbox(contact: Contact) -> None:
    raw = compose(sender=contact.email, subject="Out of office", headers={"X-Autoreply": "yes"})
    inbound = deliver(raw)
    assert inbound.ticket is None
    assert inbound.review_reason == ReviewReason.AUTOMATIC
    assert not Ticket.objects.exists()


def test_our_own_mail_coming_back_never_opens_a_ticket(settings: Settings) -> None:
    inbound = deliver(compose(sender=settings.SUPPORT_EMAIL, subject="Your ticket"))
    assert inbound.ticket is None
    assert inbound.review_reason == ReviewReason.AUTOMATIC


# --- bounces -------------------------------------------------------------------------


def delivery_report(*, failed: str, original_id: str, subject: str = "Printer") -> bytes:
    """A DSN (RFC 3464) as Postfix sends it, quoting the original headers only."""
    return (
        "From: MAILER-DAEMON@mx.customer.example (Mail Delivery System)\r\n"
        "To: support@example.com\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce-" + failed.replace("@", ".") + "@mx.customer.example>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
        f"<{failed}>: host mx.customer.example said: 550 5.1.1 User unknown\r\n"
        "\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.customer.example\r\n\r\n"
        f"Final-Recipient: rfc822; {failed}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: support@example.com\r\nTo: {failed}\r\nSubject: {subject}\r\n"
        f"Message-ID: {original_id}\r\n"
        "\r\n--B--\r\n"
    ).encode()


def test_bounce_is_stored_on_the_ticket_and_marks_the_copied_address(
    contact: Contact, smtp_server: SmtpSink
) -> None:
    ticket = deliver(compose(sender=contact.email)).ticket
    services.add_cc(ticket, email="gone@customer.example", by=None)
    services.add_reply(ticket, by=UserFactory(), text="We are on it.")
    drain_outbox()
    reply = smtp_server.messages[-1]
    assert "gone@customer.example" in reply["Cc"]
    inbound = deliver(
        delivery_report(failed="gone@customer.example", original_id=reply["Message-ID"])
    )
    assert inbound.is_bounce
    assert inbound.ticket == ticket
    assert inbound.ticket_message.is_automatic
    cc = ticket.cc_addresses.get()
    assert cc.bounced_at is not None
    assert cc.bounce_reason == "Undelivered Mail Returned to Sender"
    assert drain_outbox().sent == 0
    services.add_reply(ticket, by=UserFactory(), text="Fixed.")
    drain_outbox()
    assert smtp_server.messages[-1]["Cc"] is None


def test_bounce_of_the_requester_marks_the_ticket(smtp_server: SmtpSink) -> None:
    ticket = deliver(compose(sender="typo@customer.example")).ticket
    drain_outbox()
    [confirmation] = smtp_server.messages
    deliver(delivery_report(failed="typo@customer.example", original_id=confirmation["Message-ID"]))
    ticket.refresh_from_db()
    assert ticket.requester_bounced_at is not None
    assert drain_outbox().sent == 0


def test_bounce_that_matches_no_ticket_waits_in_the_inbox() -> None:
    inbound = deliver(delivery_report(failed="x@customer.example", original_id="<a@b.example>"))
    assert inbound.ticket is None
    assert inbound.status == InboundStatus.NEEDS_REVIEW
    assert inbound.review_reason == ReviewReason.AUTOMATIC
    assert not Ticket.objects.exists()


# --- throttle ------------------------------------------------------------------------


def test_sender_opening_too_many_tickets_is_throttled(contact: Contact, settings: Settings) -> None:
    settings.INBOUND_THROTTLE_TICKETS = 3
    settings.INBOUND_THROTTLE_MINUTES = 60
    results = [deliver(compose(sender=contact.email, subject=f"Issue {n}")) for n in range(4)]
    assert [bool(r.ticket) for r in results] == [True, True, True, False]
    assert results[-1].review_reason == ReviewReason.THROTTLED
    reply = deliver(compose(sender=contact.email, subject=f"Re: [#{results[0].ticket.reference}]"))
    assert reply.ticket == results[0].ticket  # replies to existing tickets still thread
    other = deliver(compose(sender="bob@customer.example"))
    assert other.ticket is not None


def test_throttle_counts_only_the_recent_window(
    contact: Contact, settings: Settings, time_machine: object
) -> None:
    settings.INBOUND_THROTTLE_TICKETS = 2
    settings.INBOUND_THROTTLE_MINUTES = 60
    time_machine.move_to("2026-03-02 08:00:00+00:00")
    for n in range(2):
        deliver(compose(sender=contact.email, subject=f"Morning {n}"))
    time_machine.move_to("2026-03-02 09:30:00+00:00")
    assert deliver(compose(sender=contact.email, subject="Later")).ticket is not None


def test_real_postfix_bounce_of_a_confirmation_marks_the_requester(smtp_server: SmtpSink) -> None:
    """mail055 of the Zammad corpus, with its returned message pointed at our confirmation."""
    corpus = require_corpus()
    ticket = deliver(compose(sender="gone@customer.example")).ticket
    drain_outbox()
    [confirmation] = smtp_server.messages
    raw = (corpus / "zammad-mail" / "mail055.box").read_bytes()
    raw = raw.replace(b"ticket-bounce-trigger2@example.com", b"gone@customer.example")
    raw = raw.replace(
        b"<20170526150141.232.13312@example.zammad.loc>", confirmation["Message-ID"].encode()
    )
    inbound = deliver(raw)
    ticket.refresh_from_db()
    assert inbound.is_bounce
    assert inbound.bounced_recipients == ["gone@customer.example"]
    assert inbound.ticket == ticket
    assert ticket.requester_bounced_at is not None
    assert drain_outbox().sent == 0


@pytest.mark.parametrize(
    "name",
    [
        "zammad-mail/mail033-undelivered-mail-returned-to-sender-notification.box",
        "zammad-mail/mail052.box",
        "zammad-mail/mail078.box",
        "zammad-mail/mail092.box",
    ],
)
def test_real_delivery_reports_about_other_mail_never_open_a_ticket(name: str) -> None:
    inbound = deliver((require_corpus() / name).read_bytes())
    assert inbound.review_reason == ReviewReason.AUTOMATIC
    assert not Ticket.objects.exists()
