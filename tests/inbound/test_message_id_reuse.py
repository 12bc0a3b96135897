"""Mail under a known Message-ID: a repeat adds nothing, other content is kept and flagged."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from pytest_django.fixtures import Settings

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory
from ticketdesk.customers.models import Contact
from ticketdesk.inbound.models import InboundMessage, InboundSource, InboundStatus, ReviewReason
from ticketdesk.inbound.services import ingest_raw_message
from ticketdesk.tickets.models import Message, MessageKind, Ticket

from .mail import compose, deliver

pytestmark = pytest.mark.django_db

REUSED = "<reused-1@customer.example>"
MARKER = "Message-ID reused"
REUSED_TITLE = "Another, different e-mail arrived earlier with the same Message-ID."


@pytest.fixture
def contact() -> Contact:
    return ContactFactory(email="anna@customer.example", name="Anna Berg")


def customer_texts(ticket: Ticket) -> list[str]:
    return [m.text for m in ticket.messages.filter(kind=MessageKind.CUSTOMER)]


def test_two_different_messages_with_one_message_id_both_reach_the_ticket(
    contact: Contact, client: Client
) -> None:
    first = deliver(compose(sender=contact.email, body="The printer is broken.", message_id=REUSED))
    second = deliver(compose(sender=contact.email, body="Now the scanner too.", message_id=REUSED))
    assert second.original == first
    assert second.status == InboundStatus.PARSED
    assert second.ticket == first.ticket
    assert second.ticket_message != first.ticket_message
    assert customer_texts(first.ticket) == ["The printer is broken.", "Now the scanner too."]
    assert [m.message_id_reused for m in first.ticket.messages.all()] == [False, True]
    client.force_login(UserFactory())
    html = client.get(first.ticket.get_absolute_url()).content.decode()
    assert html.count(MARKER) == 1
    assert html.index("The printer is broken.") < html.index(MARKER)
    assert html.index(MARKER) < html.index("Now the scanner too.")


def test_the_marker_is_shown_in_the_agents_language(contact: Contact, client: Client) -> None:
    deliver(compose(sender=contact.email, body="One.", message_id=REUSED))
    second = deliver(compose(sender=contact.email, body="Two.", message_id=REUSED))
    client.force_login(UserFactory(language="de"))
    html = client.get(second.ticket.get_absolute_url()).content.decode()
    with translation.override("de"):
        assert f'class="badge" title="{escape(gettext(REUSED_TITLE))}">' in html
        assert f">{escape(gettext(MARKER))}</span>" in html


def test_a_spoofed_message_id_cannot_suppress_a_customers_mail(contact: Contact) -> None:
    first = deliver(compose(sender="mallory@elsewhere.example", body="Spam.", message_id=REUSED))
    second = deliver(compose(sender=contact.email, body="Real question.", message_id=REUSED))
    assert second.ticket == first.ticket
    assert "Real question." in customer_texts(first.ticket)
    assert second.ticket_message.message_id_reused


def test_the_same_content_again_with_other_headers_is_a_repeat_shown_nowhere(
    contact: Contact,
) -> None:
    raw = compose(
        sender=contact.email,
        message_id=REUSED,
        attachments=[("log.txt", "application/octet-stream", b"\x00\x01log")],
    )
    first = deliver(raw)
    again = deliver(
        b"Received: from mx2.example.com by mx1\r\nDelivered-To: other@example\r\n" + raw
    )
    assert again.pk != first.pk
    assert again.status == InboundStatus.REPEAT
    assert again.ticket_message == first.ticket_message
    assert Message.objects.count() == 1
    assert not first.ticket.messages.filter(message_id_reused=True).exists()
    assert not InboundMessage.objects.needing_decision().exists()


def test_the_same_text_with_another_attachment_is_other_content(contact: Contact) -> None:
    deliver(compose(sender=contact.email, message_id=REUSED))
    second = deliver(
        compose(
            sender=contact.email,
            message_id=REUSED,
            attachments=[("invoice.pdf", "application/pdf", b"%PDF-1.4")],
        )
    )
    assert second.status == InboundStatus.PARSED
    assert Message.objects.count() == 2


def test_an_update_under_the_same_id_with_a_new_subject_is_other_content(
    contact: Contact,
) -> None:
    # ServiceNow sends every update of an incident like this (zammad-mail/mail089, 090).
    deliver(compose(sender=contact.email, subject="INC1 -- assigned", message_id=REUSED))
    second = deliver(compose(sender=contact.email, subject="INC1 -- work notes", message_id=REUSED))
    assert second.status == InboundStatus.PARSED
    assert second.ticket_message.message_id_reused
    assert Message.objects.count() == 2


def test_reuse_of_a_held_message_id_waits_in_the_inbox_as_its_own_entry(
    settings: Settings,
) -> None:
    settings.INBOUND_REVIEW_UNKNOWN_SENDERS = True
    raw = compose(sender="stranger@unknown.example", body="Hello?", message_id=REUSED)
    first = deliver(raw)
    repeat = deliver(b"Received: by mx2\r\n" + raw)
    other = deliver(compose(sender="stranger@unknown.example", body="Hi!", message_id=REUSED))
    assert first.review_reason == ReviewReason.UNKNOWN_SENDER
    assert repeat.status == InboundStatus.REPEAT
    assert other.review_reason == ReviewReason.UNKNOWN_SENDER
    assert set(InboundMessage.objects.needing_decision()) == {first, other}


def test_the_same_message_with_crlf_and_lf_is_one_message(contact: Contact) -> None:
    raw = compose(sender=contact.email, message_id=REUSED)
    assert b"\r\n" in raw
    first = ingest_raw_message(raw, source=InboundSource.PIPE)
    again = ingest_raw_message(raw.replace(b"\r\n", b"\n"), source=InboundSource.FILE)
    assert first.created
    assert not again.created
    assert again.inbound.pk == first.inbound.pk
    assert InboundMessage.objects.count() == 1
    assert Message.objects.count() == 1


def test_the_cli_tells_a_stored_reuse_a_repeat_and_the_same_bytes_apart(
    contact: Contact, tmp_path: Path
) -> None:
    raw = compose(sender=contact.email, message_id=REUSED)
    paths = {
        "first": raw,
        "lf": raw.replace(b"\r\n", b"\n"),
        "repeat": b"Received: by mx2\r\n" + raw,
        "other": compose(sender=contact.email, body="Something else.", message_id=REUSED),
    }
    for name, content in paths.items():
        (tmp_path / f"{name}.eml").write_bytes(content)
    out = io.StringIO()
    call_command("ingest_email", *(str(tmp_path / f"{n}.eml") for n in paths), stdout=out)
    ticket = Ticket.objects.get()
    first = InboundMessage.objects.order_by("pk").first()
    lines = [line.split("\t", 1)[1] for line in out.getvalue().splitlines()]
    assert lines == [
        ticket.reference,
        f"{ticket.reference} (already stored)",
        f"{ticket.reference} (repeat of inbound #{first.pk})",
        ticket.reference,
    ]
    assert InboundMessage.objects.count() == 3
    assert customer_texts(ticket)[-1] == "Something else."


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_repeats_delivered_at_once_make_one_entry() -> None:
    ContactFactory(email="anna@customer.example")
    raw = compose(sender="anna@customer.example", message_id=REUSED)
    copies = [f"Received: by mx{n}\r\n".encode() + raw for n in range(4)]
    barrier = threading.Barrier(len(copies))

    def deliver_copy(copy: bytes) -> None:
        barrier.wait()
        try:
            ingest_raw_message(copy, source=InboundSource.IMAP)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver_copy, args=[c]) for c in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(InboundMessage.objects.values_list("status", flat=True))
    assert statuses == [InboundStatus.PARSED] + [InboundStatus.REPEAT] * 3
    assert Ticket.objects.count() == 1
    assert Message.objects.count() == 1


def test_housekeeping_purges_old_repeat_deliveries_only(contact: Contact) -> None:
    import datetime

    import time_machine

    from ticketdesk.core.housekeeping import run_housekeeping

    raw = compose(sender=contact.email, body="The printer is broken.", message_id=REUSED)
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC), tick=False):
        first = deliver(raw)
        repeat = deliver(b"Received: by mx2\r\n" + raw)
    with time_machine.travel(datetime.datetime(2026, 1, 20, 9, tzinfo=datetime.UTC), tick=False):
        assert run_housekeeping()["repeated deliveries of incoming mail"] == 0
    with time_machine.travel(datetime.datetime(2026, 2, 10, 9, tzinfo=datetime.UTC), tick=False):
        assert run_housekeeping()["repeated deliveries of incoming mail"] == 1
        # The same mail once more: still recognised as a repeat of the kept first delivery.
        again = deliver(b"Received: by mx3\r\n" + raw)
    assert not InboundMessage.objects.filter(pk=repeat.pk).exists()
    assert InboundMessage.objects.filter(pk=first.pk).exists()
    assert again.status == InboundStatus.REPEAT
    assert again.ticket == first.ticket
