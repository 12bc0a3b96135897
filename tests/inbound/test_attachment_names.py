"""Incoming mail whose attachments have unusable names still reaches a ticket, files intact."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory, CustomerFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.inbound import services as inbound_services
from ticketdesk.inbound.models import InboundMessage, ReviewReason
from ticketdesk.tickets.models import Attachment, Ticket

from .mail import compose, deliver

pytestmark = pytest.mark.django_db

UNUSABLE_NAMES = [
    "..",
    ".",
    "🙂",
    "★★★",
    "!!!",
    "/",
    "\\",
    "a/../../etc/passwd",
    "",
    "nul\x00name.pdf",
    "x" * 1000 + ".pdf",
    "ü" * 600,
    "CON",
    "aux.pdf",
    "LPT1.txt",
    "evil\u202egpj.exe",
]
CONTENT = b"%PDF-1.4 the customer's file"
SAFE_STORED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def mail_with(name: str) -> bytes:
    return compose(
        sender="Anna Berg <anna@customer.example>",
        attachments=[(name, "application/pdf", CONTENT)],
    )


def assert_stored_safely(attachment: Attachment) -> None:
    stored = Path(attachment.file.name).name
    assert SAFE_STORED_NAME.match(stored), stored
    assert stored.split(".")[0].upper() not in {"CON", "AUX", "LPT1", "NUL"}
    assert 0 < len(attachment.name) <= 255
    assert "\x00" not in attachment.name
    assert "/" not in attachment.name
    assert "\\" not in attachment.name
    assert "\u202e" not in attachment.name
    assert attachment.name.strip(". ")
    with attachment.file.open("rb") as handle:
        assert handle.read() == CONTENT


@pytest.fixture(autouse=True)
def contact() -> None:
    ContactFactory(email="anna@customer.example", name="Anna Berg")


@pytest.mark.parametrize("name", UNUSABLE_NAMES)
def test_mail_with_an_unusable_attachment_name_opens_a_ticket(name: str) -> None:
    inbound = deliver(mail_with(name))
    assert inbound.review_reason != ReviewReason.ROUTING_FAILED, inbound.parse_error
    assert inbound.ticket is not None
    attachment = inbound.ticket.attachments.get()
    assert attachment.message == inbound.ticket_message
    assert_stored_safely(attachment)


def test_unusable_names_fall_back_to_attachment_with_the_types_extension() -> None:
    for name in ("..", "🙂", "!!!"):
        deliver(mail_with(name))
    names = {a.name: Path(a.file.name).name for a in Attachment.objects.all()}
    assert names["attachment.pdf"] == "attachment.pdf"  # ".." shows nothing usable
    assert names["🙂"] == "attachment.pdf"  # harmless to show, not to store
    assert names["!!!"] == "attachment.pdf"


def test_long_names_are_cut_keeping_the_extension() -> None:
    deliver(mail_with("Angebot " + "x" * 1000 + ".pdf"))
    attachment = Attachment.objects.get()
    assert attachment.name.startswith("Angebot xxx")
    assert attachment.name.endswith(".pdf")
    assert len(attachment.name) == 255
    assert Path(attachment.file.name).name.endswith(".pdf")


def test_reply_by_mail_with_unusable_names_is_added_to_its_ticket() -> None:
    ticket = deliver(mail_with("report.pdf")).ticket
    reply = compose(
        sender="anna@customer.example",
        subject=f"Re: [#{ticket.reference}] Printer",
        attachments=[(name, "image/png", CONTENT) for name in ("..", "🙂", "★★★", "!!!")],
    )
    inbound = deliver(reply)
    assert inbound.ticket == ticket
    assert ticket.attachments.filter(message=inbound.ticket_message).count() == 4
    for attachment in ticket.attachments.filter(message=inbound.ticket_message):
        assert_stored_safely(attachment)
        assert attachment.file.name.endswith(".png")


def test_ingest_email_command_routes_such_a_mail(tmp_path: Path) -> None:
    path = tmp_path / "unusable.eml"
    path.write_bytes(mail_with("★★★"))
    out = io.StringIO()
    call_command("ingest_email", str(path), stdout=out)
    ticket = Ticket.objects.get()
    assert out.getvalue() == f"{path}\t{ticket.reference}\n"
    assert_stored_safely(ticket.attachments.get())


@pytest.fixture
def agent_client(client: Client) -> Client:
    client.force_login(UserFactory())
    return client


@pytest.fixture
def held(settings: Settings) -> InboundMessage:
    """A mail from an unknown sender with every unusable name, waiting in the inbox."""
    settings.INBOUND_REVIEW_UNKNOWN_SENDERS = True
    raw = compose(
        sender="max@elsewhere.example",
        attachments=[(name, "application/pdf", CONTENT) for name in UNUSABLE_NAMES],
    )
    inbound = deliver(raw)
    assert inbound.ticket is None
    return inbound


def test_inbox_opens_a_ticket_from_such_a_mail(agent_client: Client, held: InboundMessage) -> None:
    customer = CustomerFactory(number="K-4711")
    response = agent_client.post(
        reverse("inbound:create_ticket", args=[held.pk]), {"customer": "K-4711"}
    )
    ticket = Ticket.objects.get(customer=customer)
    assert response.status_code == 302
    assert ticket.attachments.count() == len(UNUSABLE_NAMES)
    for attachment in ticket.attachments.all():
        assert_stored_safely(attachment)


def test_inbox_appends_such_a_mail_to_a_ticket(agent_client: Client, held: InboundMessage) -> None:
    ticket = TicketFactory()
    response = agent_client.post(
        reverse("inbound:append", args=[held.pk]), {"ticket": ticket.reference}
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.ticket == ticket
    assert ticket.attachments.count() == len(UNUSABLE_NAMES)


def media_files(settings: Settings) -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / "attachments"
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def test_failed_routing_leaves_no_attachment_file_behind(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files are written, then the routing transaction rolls back: they go too."""
    before = media_files(settings)
    written: list[str] = []

    def fail_after_the_files(inbound: InboundMessage, outcome: object) -> None:
        written.extend(a.file.path for a in Attachment.objects.all())
        assert all(Path(path).exists() for path in written)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(inbound_services, "_record_outcome", fail_after_the_files)
    raw = compose(
        sender="anna@customer.example",
        attachments=[("one.pdf", "application/pdf", CONTENT), ("🙂", "image/png", CONTENT)],
    )
    inbound = deliver(raw)
    assert len(written) == 2
    assert inbound.review_reason == ReviewReason.ROUTING_FAILED
    assert not Attachment.objects.exists()
    assert not media_files(settings) - before
    assert not any(Path(path).parent.exists() for path in written)


def test_an_outer_rollback_not_of_ours_is_cleaned_up_by_the_next_write(
    settings: Settings,
) -> None:
    before = media_files(settings)
    written: list[str] = []

    @transaction.atomic
    def deliver_and_roll_back() -> None:
        deliver(mail_with("first.pdf"))
        written.append(Attachment.objects.get().file.path)
        raise RuntimeError("rolled back by the caller")

    with pytest.raises(RuntimeError):
        deliver_and_roll_back()
    [written_path] = written
    assert Path(written_path).exists()  # nothing of ours saw the rollback yet
    deliver(mail_with("second.pdf"))
    assert not Path(written_path).exists()
    assert media_files(settings) - before == {Path(Attachment.objects.get().file.path)}
