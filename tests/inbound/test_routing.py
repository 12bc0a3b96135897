"""Routing: replies thread into their ticket, new mail opens one for the right customer."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory, CustomerFactory
from tests.smtp_sink import SmtpSink
from tests.tickets.factories import TicketFactory
from ticketdesk.customers.models import Contact
from ticketdesk.inbound.models import InboundMessage, InboundStatus, ReviewReason
from ticketdesk.inbound.services import route_message
from ticketdesk.outbox.sender import drain_outbox
from ticketdesk.tickets import services
from ticketdesk.tickets.models import Message, MessageKind, Source, Ticket, TicketMail

from .corpus import require_corpus
from .mail import compose, deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact() -> Contact:
    return ContactFactory(email="anna@customer.example", name="Anna Berg")


def opened_by_mail(contact: Contact, **kwargs: object) -> Ticket:
    inbound = deliver(compose(sender=f"{contact.name} <{contact.email}>", **kwargs))
    assert inbound.ticket is not None
    return inbound.ticket


def customer_messages(ticket: Ticket) -> list[Message]:
    return list(ticket.messages.filter(kind=MessageKind.CUSTOMER))


# --- new tickets ---------------------------------------------------------------------


def test_mail_from_a_contact_opens_a_ticket_for_their_customer(contact: Contact) -> None:
    ticket = opened_by_mail(contact, subject="Printer on floor 2 is broken")
    assert ticket.subject == "Printer on floor 2 is broken"
    assert ticket.source == Source.EMAIL
    assert ticket.requester == contact
    assert ticket.customer == contact.customers.get()
    assert not ticket.unknown_contact
    [message] = customer_messages(ticket)
    assert message.text == "The printer shows error E42 since this morning."
    assert message.author_contact == contact
    assert message.message_id.startswith("<test-")


def test_sender_is_matched_to_a_contact_case_insensitively(contact: Contact) -> None:
    inbound = deliver(compose(sender="ANNA@Customer.Example"))
    assert inbound.ticket.requester == contact


def test_inactive_contact_counts_as_unknown(contact: Contact) -> None:
    Contact.objects.filter(pk=contact.pk).update(is_active=False)
    inbound = deliver(compose(sender=contact.email))
    assert inbound.ticket.unknown_contact


def test_contact_of_several_customers_gets_the_customer_of_their_latest_ticket() -> None:
    first, second = CustomerFactory(), CustomerFactory()
    contact = ContactFactory(customers=[first, second])
    TicketFactory(customer=second, requester=contact)
    inbound = deliver(compose(sender=contact.email))
    assert inbound.ticket.customer == second


def test_contact_of_several_customers_without_tickets_gets_the_first() -> None:
    first, second = CustomerFactory(), CustomerFactory()
    contact = ContactFactory(customers=[second, first])
    inbound = deliver(compose(sender=contact.email))
    assert inbound.ticket.customer == min(first, second, key=lambda c: c.pk)


def test_unknown_sender_opens_a_flagged_ticket_on_the_unknown_senders_customer(
    settings: Settings,
) -> None:
    settings.INBOUND_UNKNOWN_CUSTOMER_NUMBER = "K-UNKNOWN"
    inbound = deliver(compose(sender="Max Muster <max@elsewhere.example>"))
    ticket = inbound.ticket
    assert ticket.unknown_contact
    assert ticket.requester is None
    assert ticket.requester_email == "max@elsewhere.example"
    assert ticket.customer.number == "K-UNKNOWN"
    assert customer_messages(ticket)[0].author_name == "Max Muster"
    second = deliver(compose(sender="eve@elsewhere.example"))
    assert second.ticket.customer == ticket.customer


def test_unknown_sender_waits_in_the_inbox_when_review_is_on(settings: Settings) -> None:
    settings.INBOUND_REVIEW_UNKNOWN_SENDERS = True
    inbound = deliver(compose(sender="max@elsewhere.example"))
    assert inbound.ticket is None
    assert inbound.status == InboundStatus.NEEDS_REVIEW
    assert inbound.review_reason == ReviewReason.UNKNOWN_SENDER
    assert InboundMessage.objects.needing_decision().get() == inbound
    assert not Ticket.objects.exists()


def test_new_ticket_keeps_text_attachments_and_inline_images(contact: Contact) -> None:
    raw = compose(
        sender=contact.email,
        body="See the log.\n\n-- \nAnna Berg\nCustomer Ltd.",
        attachments=[("log.txt", "text/plain", b"E42 at 09:14\n")],
    )
    ticket = deliver(raw).ticket
    [message] = customer_messages(ticket)
    assert message.text == "See the log."
    assert "Anna Berg" in message.quoted_text
    [attachment] = message.attachments.all()
    assert (attachment.name, attachment.size) == ("log.txt", len(b"E42 at 09:14\n"))


def test_inline_image_keeps_its_content_id(contact: Contact) -> None:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = contact.email
    msg["To"] = "support@example.com"
    msg["Subject"] = "Screenshot"
    msg["Message-ID"] = "<inline-1@customer.example>"
    msg.set_content("See the screenshot.")
    msg.add_alternative('<p>See <img src="cid:shot1@customer.example"></p>', subtype="html")
    msg.get_payload()[1].add_related(
        b"\x89PNG\r\n\x1a\nfake", maintype="image", subtype="png", cid="<shot1@customer.example>"
    )
    ticket = deliver(msg.as_bytes()).ticket
    [image] = ticket.attachments.all()
    assert image.is_inline
    assert image.content_id.strip("<>") == "shot1@customer.example"


def test_empty_subject_gets_a_placeholder(contact: Contact) -> None:
    ticket = opened_by_mail(contact, subject="")
    assert ticket.subject == "(no subject)"


# --- threading -----------------------------------------------------------------------


def confirmation_id(ticket: Ticket, sink: SmtpSink) -> str:
    """The Message-ID of the confirmation as it arrived at the (real) SMTP server."""
    drain_outbox()
    [mail] = [m for m in sink.messages if f"[#{ticket.reference}]" in m["Subject"]]
    assert TicketMail.objects.filter(ticket=ticket, mail_message_id=mail["Message-ID"]).exists()
    return mail["Message-ID"]


def test_reply_to_a_notification_threads_by_in_reply_to_only(
    contact: Contact, smtp_server: SmtpSink
) -> None:
    ticket = opened_by_mail(contact)
    notification = confirmation_id(ticket, smtp_server)
    reply = compose(sender=contact.email, subject="Another thing", in_reply_to=notification)
    inbound = deliver(reply)
    assert inbound.ticket == ticket
    assert Ticket.objects.count() == 1
    assert len(customer_messages(ticket)) == 2


def test_reply_with_only_references_threads(contact: Contact, smtp_server: SmtpSink) -> None:
    ticket = opened_by_mail(contact)
    notification = confirmation_id(ticket, smtp_server)
    references = f"<root@elsewhere.example> {notification} <unknown@elsewhere.example>"
    inbound = deliver(compose(sender=contact.email, subject="Hello", references=references))
    assert inbound.ticket == ticket
    assert Ticket.objects.count() == 1


def test_reply_to_a_stored_customer_message_threads(contact: Contact) -> None:
    ticket = opened_by_mail(contact, message_id="<original@customer.example>")
    colleague = compose(
        sender="colleague@customer.example",
        subject="Re: Printer on floor 2 is broken",
        in_reply_to="<original@customer.example>",
    )
    assert deliver(colleague).ticket == ticket


@pytest.mark.parametrize(
    "subject",
    [
        "Re: [#{ref}] Printer on floor 2 is broken",
        "AW: AW: [#{ref}] Printer on floor 2 is broken",
        "WG: [#{ref}] Printer",
        "SV: VS: [{ref}] Printer",
        "Antwort: {ref} still broken",
        "RE: #{ref}",
    ],
)
def test_reply_with_only_the_subject_tag_and_no_headers_threads(
    contact: Contact, subject: str
) -> None:
    ticket = opened_by_mail(contact)
    raw = compose(
        sender=contact.email, subject=subject.format(ref=ticket.reference), message_id=None
    )
    inbound = deliver(raw)
    assert inbound.ticket == ticket
    assert Ticket.objects.count() == 1


def test_bare_number_threads_only_for_someone_on_the_ticket(contact: Contact) -> None:
    ticket = opened_by_mail(contact)
    own = deliver(compose(sender=contact.email, subject=f"Re: #{ticket.number}"))
    stranger = deliver(compose(sender="x@elsewhere.example", subject=f"Order #{ticket.number}"))
    assert own.ticket == ticket
    assert stranger.ticket != ticket


def test_tag_of_a_ticket_that_does_not_exist_opens_a_new_one(contact: Contact) -> None:
    inbound = deliver(compose(sender=contact.email, subject="Re: [#T-999999] Old issue"))
    assert inbound.ticket.subject == "Re: [#T-999999] Old issue"


def test_forwarded_message_with_the_tag_lands_in_the_same_ticket(contact: Contact) -> None:
    ticket = opened_by_mail(contact)
    forward = compose(
        sender="boss@customer.example",
        subject=f"Fwd: [#{ticket.reference}] Printer on floor 2 is broken",
        body="Please hurry.\n\n---------- Forwarded message ---------\nFrom: Support\n...",
    )
    inbound = deliver(forward)
    assert inbound.ticket == ticket
    message = inbound.ticket_message
    assert message.text == "Please hurry."
    assert "Forwarded message" in message.quoted_text


def test_forwarded_message_without_tag_from_a_contact_opens_a_new_ticket(
    contact: Contact,
) -> None:
    first = opened_by_mail(contact)
    forward = compose(
        sender=contact.email,
        subject="Fwd: Invoice 2026-03 is wrong",
        body="FYI\n\n---------- Forwarded message ---------\nFrom: billing@vendor.example\n...",
    )
    inbound = deliver(forward)
    assert inbound.ticket != first
    assert inbound.ticket.subject == "Fwd: Invoice 2026-03 is wrong"
    assert inbound.ticket.requester == contact


def test_reply_applies_the_customer_reply_status_and_quoted_text_is_folded(
    contact: Contact,
) -> None:
    ticket = opened_by_mail(contact)
    reply = compose(
        sender=contact.email,
        subject=f"Re: [#{ticket.reference}] Printer",
        body="It works again, thanks!\n\nOn Mon, 2 Mar 2026, Support wrote:\n> We restarted it.",
    )
    message = deliver(reply).ticket_message
    assert message.text == "It works again, thanks!"
    assert message.quoted_text.startswith("On Mon, 2 Mar 2026, Support wrote:")
    ticket.refresh_from_db()
    assert ticket.last_customer_message_at == message.created_at


# --- exactly once --------------------------------------------------------------------


def test_same_message_delivered_twice_makes_one_entry(contact: Contact) -> None:
    raw = compose(sender=contact.email, message_id="<twice@customer.example>")
    first = deliver(raw)
    again = deliver(b"Received: from mx2.example.com\r\n" + raw)
    assert again.status == InboundStatus.REPEAT
    assert (again.original, again.ticket, again.ticket_message) == (
        first,
        first.ticket,
        first.ticket_message,
    )
    assert Ticket.objects.count() == 1
    assert not InboundMessage.objects.needing_decision().exists()
    assert Message.objects.filter(message_id="<twice@customer.example>").count() == 1


def test_routing_the_same_stored_message_again_changes_nothing(contact: Contact) -> None:
    inbound = deliver(compose(sender=contact.email))
    InboundMessage.objects.filter(pk=inbound.pk).update(processed_at=None)
    inbound.refresh_from_db()
    route_message(inbound)
    assert Ticket.objects.count() == 1
    assert Message.objects.count() == 1


def test_routing_failure_keeps_the_message_in_the_inbox(
    contact: Contact, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ticketdesk.inbound import routing

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(routing, "open_ticket_from", broken)
    inbound = deliver(compose(sender=contact.email))
    assert inbound.review_reason == ReviewReason.ROUTING_FAILED
    assert "database on fire" in inbound.parse_error
    assert not Ticket.objects.exists()
    assert InboundMessage.objects.needing_decision().get() == inbound


# --- closed tickets ------------------------------------------------------------------


def test_reply_to_a_closed_ticket_reopens_it(contact: Contact) -> None:
    ticket = opened_by_mail(contact)
    services.close_ticket(ticket, by=UserFactory())
    deliver(compose(sender=contact.email, subject=f"Re: [#{ticket.reference}] still broken"))
    ticket.refresh_from_db()
    assert not ticket.status.is_closed
    assert Ticket.objects.count() == 1


def test_reply_to_a_closed_ticket_opens_a_linked_one_in_new_mode(
    contact: Contact, settings: Settings
) -> None:
    settings.INBOUND_CLOSED_TICKET_REPLY = "new"
    old = opened_by_mail(contact, subject="Printer broken")
    services.close_ticket(old, by=UserFactory())
    inbound = deliver(
        compose(sender=contact.email, subject=f"Re: [#{old.reference}] Printer broken")
    )
    new = inbound.ticket
    old.refresh_from_db()
    assert new != old
    assert old.status.is_closed
    assert new.subject == "Printer broken"
    assert new.customer == old.customer
    assert new.requester == contact
    assert new.messages.get(kind=MessageKind.NOTE).text.endswith(f"{old.reference}.")
    assert old.messages.get(kind=MessageKind.NOTE).text.endswith(f"{new.reference}.")


def test_ticket_page_shows_new_text_and_folds_the_quote(contact: Contact, client: Client) -> None:
    ticket = opened_by_mail(contact)
    deliver(
        compose(
            sender=contact.email,
            subject=f"Re: [#{ticket.reference}] Printer",
            body="Still broken.\n\nOn Mon, 2 Mar 2026, Support wrote:\n> Please restart it.",
        )
    )
    deliver(
        compose(
            sender=contact.email,
            subject=f"Automatic reply: [#{ticket.reference}]",
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    client.force_login(UserFactory())
    html = client.get(ticket.get_absolute_url()).content.decode()
    assert '<div class="body">Still broken.</div>' in html
    folded = '<details class="quoted"><summary>Quoted text</summary><div class="body muted">'
    assert f"{folded}On Mon, 2 Mar 2026, Support wrote:\n&gt; Please restart it.</div>" in html
    assert '<span class="badge">automatic</span>' in html


def test_mail_attachment_above_the_upload_limit_is_kept(
    contact: Contact, settings: Settings
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 10
    raw = compose(sender=contact.email, attachments=[("big.bin", "application/zip", b"x" * 100)])
    ticket = deliver(raw).ticket
    assert ticket.attachments.get().size == 100


def test_real_forwarded_message_from_a_contact_opens_a_ticket_with_the_original_folded() -> None:
    """django-helpdesk's forwarded-message.eml: Thunderbird forwarding a GitHub notice."""
    raw = (require_corpus() / "django-helpdesk" / "forwarded-message.eml").read_bytes()
    contact = ContactFactory(email="Sender@Domain.tld")
    ticket = deliver(raw).ticket
    assert ticket.requester == contact
    assert ticket.subject == "Test with original message from GitHub"
    [message] = customer_messages(ticket)
    assert message.text == "This is email body"
    assert message.quoted_text.startswith("-----Original Message-----\nFrom: GitHub")


def test_other_recipients_of_a_new_mail_are_copied_on_the_ticket(contact: Contact) -> None:
    ticket = opened_by_mail(
        contact,
        to="Support <support@example.com>, Boss <boss@customer.example>",
        headers={"Cc": "anna@customer.example, it@customer.example, not-an-address"},
    )
    assert sorted(ticket.cc_addresses.values_list("email", flat=True)) == [
        "boss@customer.example",
        "it@customer.example",
    ]


def test_agent_answering_a_notice_by_mail_adds_an_internal_note(
    contact: Contact, smtp_server: SmtpSink
) -> None:
    agent = UserFactory(email="lena@example.com", full_name="Lena Vogt")
    ticket = opened_by_mail(contact)
    services.accept_ticket(ticket, by=agent)
    deliver(compose(sender=contact.email, subject=f"Re: [#{ticket.reference}] Printer"))
    drain_outbox()
    notice = smtp_server.messages[-1]
    assert notice["To"] == "lena@example.com"
    sent_before = len(smtp_server.messages)

    inbound = deliver(
        compose(
            sender="Lena Vogt <LENA@example.com>",
            subject=f"Re: {notice['Subject']}",
            body="Called her back, toner was empty.",
            in_reply_to=notice["Message-ID"],
        )
    )
    note = inbound.ticket_message
    assert inbound.ticket == ticket
    assert note.kind == MessageKind.NOTE
    assert note.author_user == agent
    assert note.text == "Called her back, toner was empty."
    drain_outbox()
    assert len(smtp_server.messages) == sent_before
