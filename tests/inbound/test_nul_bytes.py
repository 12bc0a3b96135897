"""NUL and other control characters in mail: stored, routed and shown on every database.

PostgreSQL refuses NUL in text columns, SQLite takes it; the same mail must end the
same way on both. The command tests run the installed `ticketdesk ingest_email` as
the MTA would, against the test database (committed rows, so the child sees them).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory
from ticketdesk.inbound import routing
from ticketdesk.inbound.models import InboundMessage, InboundStatus, ReviewReason
from ticketdesk.tickets.models import Attachment, Message, Ticket

from .imap.processes import Children, child_env, postgres_url
from .mail import deliver

CONTROLS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
NUL_SUBJECT = (
    b"From: =?utf-8?q?Anna=00_Berg?= <anna@customer.example>\r\n"
    b"To: support@example.com\r\n"
    b"Subject: =?utf-8?q?Printer=00_broken=07=1B?=\r\n"
    b"Message-ID: <nul-subject@customer.example>\r\n"
    b"\r\n"
    b"It prints nothing.\r\n"
)
NUL_TEXT = (
    b"From: anna@customer.example\r\n"
    b"To: support@example.com\r\n"
    b"Subject: Scanner\r\n"
    b"Message-ID: <nul-text@customer.example>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n'
    b"\r\n"
    b"--b\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"Line=00 one\x00\r\n\tindented=0C line two\r\n"
    b"--b\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n"
    b"\r\n"
    b"<p>Line\x00 one</p>\r\n"
    b"--b\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b'Content-Disposition: attachment; filename="=?utf-8?q?scan=00=01.bin?="\r\n'
    b"Content-Transfer-Encoding: base64\r\n"
    b"\r\n"
    b"AAECAw==\r\n"
    b"--b--\r\n"
)


def has_controls(value: str) -> bool:
    return any(c in value for c in CONTROLS)


@pytest.fixture
def children(tmp_path: Path) -> Children:
    return Children(env=child_env(tmp_path, DATABASE_URL=postgres_url(connection.settings_dict)))


def ingest(children: Children, tmp_path: Path, raw: bytes) -> tuple[int, str, str]:
    path = tmp_path / "message.eml"
    path.write_bytes(raw)
    result = children.run("ingest_email", str(path), timeout=120)
    return result.returncode, result.stdout, result.stderr


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_nul_in_the_subject_is_stored_and_routed_by_the_command(
    children: Children, tmp_path: Path
) -> None:
    ContactFactory(email="anna@customer.example")
    code, out, err = ingest(children, tmp_path, NUL_SUBJECT)
    assert code == 0, err
    assert "not stored" not in err
    inbound = InboundMessage.objects.get()
    assert inbound.status == InboundStatus.PARSED
    assert (inbound.subject, inbound.from_name) == ("Printer broken", "Anna Berg")
    ticket = Ticket.objects.get()
    assert out.strip().endswith(ticket.reference)
    assert ticket.subject == "Printer broken"
    again_code, again_out, again_err = ingest(children, tmp_path, NUL_SUBJECT)
    assert again_code == 0, again_err
    assert "already stored" in again_out
    assert InboundMessage.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_nul_in_a_text_part_is_routed_by_the_command(children: Children, tmp_path: Path) -> None:
    ContactFactory(email="anna@customer.example")
    code, out, err = ingest(children, tmp_path, NUL_TEXT)
    assert code == 0, err
    assert out.strip().endswith(Ticket.objects.get().reference)
    inbound = InboundMessage.objects.get()
    assert inbound.review_reason != ReviewReason.ROUTING_FAILED, inbound.parse_error
    message = Message.objects.get()
    assert message.text.startswith("Line one\n\tindented line two\n")
    assert "Line one" in message.html
    assert not has_controls(message.text + message.html)
    attachment = Attachment.objects.get()
    # The bytes of attachments are data, never cleaned.
    assert (attachment.name, attachment.size) == ("scan.bin", 4)
    assert (tmp_path / "media" / attachment.file.name).read_bytes() == b"\x00\x01\x02\x03"


@pytest.mark.django_db
@pytest.mark.parametrize("raw", [NUL_SUBJECT, NUL_TEXT], ids=["subject", "text"])
def test_control_characters_never_reach_the_database(raw: bytes) -> None:
    ContactFactory(email="anna@customer.example")
    inbound = deliver(raw)
    assert inbound.ticket is not None, inbound.parse_error
    inbound.refresh_from_db()
    message = Message.objects.get()
    ticket = Ticket.objects.get()
    stored = [inbound.subject, inbound.from_name, ticket.subject, message.text, message.html]
    stored += [message.author_name, *Attachment.objects.values_list("name", flat=True)]
    assert not any(has_controls(value) for value in stored)
    assert inbound.raw_bytes == raw


@pytest.mark.django_db
def test_a_routing_failure_leaves_the_message_in_the_inbox_with_subject_and_sender(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("ticket numbers exhausted\x00")

    monkeypatch.setattr(routing, "open_ticket_from", broken)
    inbound = deliver(NUL_SUBJECT.replace(b"Message-ID: <nul-subject", b"Message-ID: <failing"))
    assert inbound.status == InboundStatus.NEEDS_REVIEW
    assert inbound.review_reason == ReviewReason.ROUTING_FAILED
    assert not has_controls(inbound.parse_error)
    client.force_login(UserFactory())
    html = client.get(reverse("inbound:list")).content.decode()
    assert "Printer broken" in html
    assert "anna@customer.example" in html
