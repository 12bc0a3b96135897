"""Delivery reports in every shape: recognised, answered never, failed addresses marked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory
from ticketdesk.customers.models import Contact
from ticketdesk.inbound.models import ReviewReason
from ticketdesk.inbound.parsing import parse_message
from ticketdesk.outbox.models import OutboundMail
from ticketdesk.tickets import services
from ticketdesk.tickets.models import Ticket, TicketCC

from .corpus import all_messages, require_corpus
from .mail import compose, deliver

pytestmark = pytest.mark.django_db

MAILS = Path(__file__).parent / "mails" / "bounces"
PLACEHOLDER = b"<ORIGINAL-ID@placeholder.invalid>"
NULL_SENDER_SPELLINGS = [
    "from-mailer-daemon-null.eml",  # From: MAILER-DAEMON <>
    "from-null-angle.eml",  # From: <>
    "return-path-null.eml",  # Return-Path: <>
    "return-path-empty.eml",  # Return-Path: (nothing)
    "mbox-from-mailer-daemon.eml",  # mbox line "From MAILER-DAEMON ..."
]
# Every delivery report in the shared corpus (Postfix, Gmail, a text-only one).
CORPUS_REPORTS = {
    "mail033-undelivered-mail-returned-to-sender-notification.box",
    "mail052.box",
    "mail055.box",
    "mail078.box",
    "mail092.box",
}


def report(name: str, *, original_id: str = "") -> bytes:
    """A fixture delivery report, quoting `original_id` as the returned message's id."""
    raw = (MAILS / name).read_bytes()
    return raw.replace(PLACEHOLDER, original_id.encode()) if original_id else raw


@pytest.fixture
def contact() -> Contact:
    return ContactFactory(email="anna@customer.example", name="Anna Berg")


def ticket_with_reply(contact: Contact, *copied: str) -> tuple[Ticket, str]:
    """A mailed ticket copying `copied`, and the Message-ID of the agent's reply to all."""
    ticket = deliver(compose(sender=contact.email)).ticket
    for address in copied:
        services.add_cc(ticket, email=address, by=None)
    services.add_reply(ticket, by=UserFactory(), text="We are on it.")
    reply = OutboundMail.objects.filter(reference=ticket.reference).first()
    return ticket, reply.message_id


@pytest.mark.parametrize("name", NULL_SENDER_SPELLINGS)
def test_null_sender_report_is_a_bounce_stored_on_its_ticket(name: str, contact: Contact) -> None:
    ticket, reply_id = ticket_with_reply(contact, "gone@customer.example")
    mails = OutboundMail.objects.count()
    inbound = deliver(report(name, original_id=reply_id))
    assert inbound.is_bounce
    assert inbound.ticket == ticket
    assert inbound.ticket_message.is_automatic
    assert OutboundMail.objects.count() == mails
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("name", NULL_SENDER_SPELLINGS)
def test_null_sender_report_about_unknown_mail_opens_nothing_and_mails_no_one(name: str) -> None:
    inbound = deliver(report(name))
    assert inbound.is_bounce
    assert inbound.ticket is None
    assert inbound.review_reason == ReviewReason.AUTOMATIC
    assert not Ticket.objects.exists()
    assert not OutboundMail.objects.exists()


def test_delivery_status_inside_multipart_mixed_marks_the_failed_address(contact: Contact) -> None:
    ticket, reply_id = ticket_with_reply(contact, "gone@customer.example", "slow@customer.example")
    mails = OutboundMail.objects.count()
    inbound = deliver(report("dsn-in-mixed.eml", original_id=reply_id))
    assert inbound.is_bounce
    assert inbound.ticket == ticket
    # The second recipient is only delayed (Action: delayed): still reachable.
    assert inbound.bounced_recipients == ["gone@customer.example"]
    marks = dict(ticket.cc_addresses.values_list("email", "bounced_at"))
    assert marks["gone@customer.example"] is not None
    assert marks["slow@customer.example"] is None
    assert OutboundMail.objects.count() == mails


def test_global_delivery_report_marks_the_address_we_wrote_to(contact: Contact) -> None:
    """RFC 6533: forwarding took info@ to a UTF-8 mailbox; Original-Recipient names info@."""
    ticket, reply_id = ticket_with_reply(contact, "info@customer.example")
    inbound = deliver(report("global-dsn.eml", original_id=reply_id))
    assert inbound.ticket == ticket
    assert "info@customer.example" in inbound.bounced_recipients
    assert ticket.cc_addresses.get().bounced_at is not None


def test_report_from_post_master_is_a_bounce(contact: Contact) -> None:
    ticket, reply_id = ticket_with_reply(contact)
    mails = OutboundMail.objects.count()
    inbound = deliver(report("post-master.eml", original_id=reply_id))
    assert inbound.is_bounce
    assert inbound.ticket == ticket
    assert inbound.ticket_message.is_automatic
    assert OutboundMail.objects.count() == mails


def test_report_from_post_master_shaped_like_a_reply_never_reopens(contact: Contact) -> None:
    """A carrier gateway answers "Re:" with only the SMTP error in its text (In-Reply-To set)."""
    ticket, reply_id = ticket_with_reply(contact)
    services.close_ticket(ticket, by=UserFactory())
    mails = OutboundMail.objects.count()
    inbound = deliver(report("post-master-reply-shaped.eml", original_id=reply_id))
    ticket.refresh_from_db()
    assert inbound.is_bounce
    assert inbound.ticket == ticket
    assert ticket.status.is_closed
    assert OutboundMail.objects.count() == mails


def test_report_from_post_master_about_unknown_mail_opens_no_ticket() -> None:
    inbound = deliver(report("post-master.eml"))
    assert inbound.review_reason == ReviewReason.AUTOMATIC
    assert not OutboundMail.objects.exists()


def test_person_writing_from_postmaster_opens_a_ticket_and_is_answered() -> None:
    inbound = deliver(report("postmaster-human.eml"))
    assert not inbound.is_bounce
    assert not inbound.is_auto_reply
    assert inbound.ticket is not None
    [confirmation] = OutboundMail.objects.all()
    assert confirmation.to == ["postmaster@customer.example"]


def test_forwarded_bounce_is_the_customers_own_question(contact: Contact) -> None:
    inbound = deliver(report("forwarded-bounce.eml"))
    assert not inbound.is_bounce
    assert inbound.bounced_recipients == []
    assert inbound.ticket.requester == contact
    [confirmation] = OutboundMail.objects.all()
    assert confirmation.to == [contact.email]


def test_vacation_notice_with_null_sender_is_an_auto_reply_not_a_bounce(contact: Contact) -> None:
    ticket, reply_id = ticket_with_reply(contact, "gone@customer.example")
    mails = OutboundMail.objects.count()
    inbound = deliver(report("vacation-null-sender.eml", original_id=reply_id))
    assert inbound.is_auto_reply
    assert not inbound.is_bounce
    assert inbound.ticket == ticket
    assert ticket.cc_addresses.get().bounced_at is None
    assert OutboundMail.objects.count() == mails


def test_failed_recipient_is_marked_on_every_ticket_it_is_copied_on(contact: Contact) -> None:
    first, reply_id = ticket_with_reply(contact, "gone@customer.example")
    second, _ = ticket_with_reply(contact, "gone@customer.example", "kept@customer.example")
    third, _ = ticket_with_reply(contact, "kept@customer.example")
    deliver(report("dsn-in-mixed.eml", original_id=reply_id))
    gone = TicketCC.objects.filter(email="gone@customer.example")
    assert {cc.ticket for cc in gone} == {first, second}
    assert all(cc.bounced_at is not None for cc in gone)
    assert all(cc.bounce_reason == "Delivery report" for cc in gone)
    assert not TicketCC.objects.filter(email="kept@customer.example", bounced_at__isnull=False)
    services.add_reply(second, by=UserFactory(), text="Fixed.")
    latest = OutboundMail.objects.filter(reference=second.reference).first()
    assert latest.cc == ["kept@customer.example"]
    assert third.cc_addresses.get().bounced_at is None


def test_report_naming_an_address_the_ticket_never_mailed_marks_nothing(contact: Contact) -> None:
    mailed, reply_id = ticket_with_reply(contact)
    other, _ = ticket_with_reply(contact, "gone@customer.example")
    inbound = deliver(report("dsn-in-mixed.eml", original_id=reply_id))
    assert inbound.ticket == mailed
    assert inbound.bounced_recipients == ["gone@customer.example"]
    assert other.cc_addresses.get().bounced_at is None


def test_ingest_email_files_a_null_sender_report_in_the_inbox(tmp_path: Path) -> None:
    path = tmp_path / "bounce.eml"
    path.write_bytes(report("from-mailer-daemon-null.eml"))
    out = io.StringIO()
    call_command("ingest_email", str(path), stdout=out)
    assert out.getvalue() == f"{path}\tinbox: {ReviewReason.AUTOMATIC}\n"
    assert not Ticket.objects.exists()
    assert not OutboundMail.objects.exists()


def test_corpus_delivery_reports_and_nothing_else_are_bounces() -> None:
    require_corpus()
    bounces = {path.name for path in all_messages() if parse_message(path.read_bytes()).is_bounce}
    assert bounces == CORPUS_REPORTS
