"""Attachments of agents' replies and new tickets: odd names, limits, input kept, rollback."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import translation

from tests.accounts.factories import UserFactory
from tests.customers.factories import CustomerFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.tickets import services
from ticketdesk.tickets.models import Attachment, Message, MessageKind, Ticket
from ticketdesk.tickets.services.changesets import ChangeSet

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
SAFE_STORED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
# What a browser can send as a file name: only the last path part, at most the 255 bytes a
# file system allows (a part header over 1 KB is refused by Django's parser as a whole).
UPLOAD_NAMES = [
    "🙂",
    "★★★",
    "!!!",
    "...",
    "CON",
    "nul.txt",
    "x" * 251 + ".pdf",
    "字" * 251 + ".pdf",  # 255 characters, 757 bytes: the longest NTFS allows
    "a\x00b.pdf",
]
# What other callers (mail, API) may hand the service.
SERVICE_NAMES = [
    *UPLOAD_NAMES,
    "..",
    ".",
    "/",
    "\\",
    "",
    "../../etc/passwd",
    "ä" * 400,
    "x" * 1000 + ".pdf",
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def agent():
    return UserFactory(full_name="Anna Agent")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def ticket(agent):
    return TicketFactory(by=agent)


class Upload(io.BytesIO):
    """A file for the test client under any name, even one no file system allows."""

    def __init__(self, name: str, content: bytes = b"content", content_type: str = "") -> None:
        super().__init__(content)
        self.name = name
        self.content_type = content_type or "application/pdf"


def reply_url(ticket: Ticket, action: str = "reply") -> str:
    return f"/tickets/{ticket.number}/{action}/"


def reply_data(text: str, *uploads: Upload) -> dict[str, object]:
    return {"text": text, "notify_requester": "on", "action": "reply", "attachments": uploads}


def assert_stored_safely(attachment: Attachment, content: bytes = b"content") -> None:
    stored = Path(attachment.file.name).name
    assert SAFE_STORED_NAME.match(stored), stored
    assert 0 < len(attachment.name) <= 255
    assert attachment.name.strip(". ")
    assert not set(attachment.name) & {"\x00", "/", "\\"}
    with attachment.file.open("rb") as handle:
        assert handle.read() == content


def replies(ticket: Ticket) -> list[Message]:
    return list(ticket.messages.filter(kind=MessageKind.REPLY))


@pytest.mark.parametrize("name", UPLOAD_NAMES)
def test_reply_with_an_unusable_file_name_is_sent(agent_client, ticket, name) -> None:
    response = agent_client.post(reply_url(ticket), reply_data("See the file.", Upload(name)))
    assert response.status_code == 302
    [reply] = replies(ticket)
    assert reply.text == "See the file."
    assert_stored_safely(reply.attachments.get())
    page = agent_client.get(ticket.get_absolute_url()).content.decode()
    assert "See the file." in page


@pytest.mark.parametrize("name", ["..", ".", "/", "\\", ""])
def test_reply_with_a_name_django_drops_is_sent_without_the_file(
    agent_client, ticket, name
) -> None:
    response = agent_client.post(reply_url(ticket), reply_data("Typed text", Upload(name)))
    assert response.status_code == 302
    assert [m.text for m in replies(ticket)] == ["Typed text"]


def test_all_unusable_names_on_one_htmx_reply(agent_client, ticket) -> None:
    uploads = [Upload(name, content=name.encode()) for name in UPLOAD_NAMES]
    response = agent_client.post(reply_url(ticket), reply_data("Many", *uploads), headers=HTMX)
    assert response.status_code == 200
    assert "Reply sent." in response.content.decode()
    assert ticket.attachments.count() == len(UPLOAD_NAMES)


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_services_store_any_name_safely(agent, ticket, name) -> None:
    upload = services.AttachmentInput(name=name, content=b"content", content_type="image/png")
    services.add_reply(ticket, by=agent, text="x", attachments=[upload])
    attachment = ticket.attachments.get()
    assert_stored_safely(attachment)
    assert Path(attachment.file.name).suffix in {".png", ".txt", ".pdf"}


def test_download_offers_the_display_name(agent_client, agent, ticket) -> None:
    upload = services.AttachmentInput(name="Grüße 🙂.pdf", content=b"content")
    services.add_note(ticket, by=agent, text="x", attachments=[upload])
    attachment = ticket.attachments.get()
    assert attachment.name == "Grüße 🙂.pdf"
    assert Path(attachment.file.name).name == "Grue.pdf"
    response = agent_client.get(f"/tickets/{ticket.number}/attachments/{attachment.pk}/")
    assert "filename*=utf-8''Gr%C3%BC%C3%9Fe%20%F0%9F%99%82.pdf" in response["Content-Disposition"]


# --- limits: the form comes back with the typed text --------------------------------------


def test_oversized_upload_keeps_the_typed_text(agent_client, ticket, settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 10
    data = reply_data("My long explanation", Upload("big.pdf", b"x" * 11))
    response = agent_client.post(reply_url(ticket), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "“big.pdf” is larger than the limit of 10\xa0bytes." in page
    assert "My long explanation</textarea>" in page
    assert "Please choose the attachments again." in page
    assert not replies(ticket)


def test_oversized_upload_with_htmx_answers_the_reply_box(agent_client, ticket, settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 10
    data = reply_data("Keep me", Upload("🙂", b"x" * 11))
    response = agent_client.post(reply_url(ticket), data, headers=HTMX)
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="ticket-reply"')
    assert "“🙂” is larger than the limit of 10\xa0bytes." in page
    assert "Keep me</textarea>" in page


def test_too_many_files_keep_the_typed_text(agent_client, ticket, settings) -> None:
    settings.ATTACHMENT_MAX_FILES = 2
    uploads = [Upload(f"f{n}.pdf") for n in range(3)]
    response = agent_client.post(reply_url(ticket, "note"), reply_data("Note text", *uploads))
    page = response.content.decode()
    assert response.status_code == 200
    assert "At most 2 files can be attached at once; you chose 3." in page
    assert "Note text</textarea>" in page
    assert not ticket.attachments.exists()


def test_text_over_the_limit_keeps_the_typed_text(agent_client, ticket, settings) -> None:
    settings.TEXT_MAX_BYTES = 1024
    text = "ü" * 600  # 1200 bytes in UTF-8
    response = agent_client.post(reply_url(ticket), reply_data(text))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The text is larger than the limit of 1.0\xa0KB." in page
    assert f"{text}</textarea>" in page
    assert not replies(ticket)


def test_our_limits_answer_before_djangos_with_the_real_settings(
    agent_client, ticket, settings
) -> None:
    """DATA_UPLOAD_MAX_* sit above TEXT_MAX_BYTES and ATTACHMENT_MAX_FILES: the form answers."""
    text = "x" * (settings.TEXT_MAX_BYTES + 1)
    uploads = [Upload(f"f{n}.txt", b"x") for n in range(settings.ATTACHMENT_MAX_FILES + 1)]
    response = agent_client.post(reply_url(ticket), reply_data(text, *uploads))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The text is larger than the limit of 4.0\xa0MB." in page
    limit = settings.ATTACHMENT_MAX_FILES
    assert f"At most {limit} files can be attached at once; you chose {limit + 1}." in page
    assert f"{text}</textarea>" in page
    assert not replies(ticket)


def new_ticket_data(customer, **extra: object) -> dict[str, object]:
    return {
        "customer": customer.pk,
        "customer_query": customer.number,
        "subject": "Typed subject",
        "description": "Typed description",
        **extra,
    }


def test_new_ticket_with_an_oversized_upload_keeps_the_typed_text(agent_client, settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 10
    customer = CustomerFactory()
    upload = Upload("★★★", b"x" * 11)
    response = agent_client.post("/tickets/new/", new_ticket_data(customer, attachments=[upload]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "“★★★” is larger than the limit of 10\xa0bytes." in page
    assert 'value="Typed subject"' in page
    assert "Typed description</textarea>" in page
    assert not Ticket.objects.exists()


def test_new_ticket_with_too_many_files_or_too_much_text(agent_client, settings) -> None:
    settings.ATTACHMENT_MAX_FILES = 1
    settings.TEXT_MAX_BYTES = 10
    customer = CustomerFactory()
    uploads = [Upload("a.pdf"), Upload("b.pdf")]
    data = new_ticket_data(customer, description="x" * 11, attachments=uploads)
    page = agent_client.post("/tickets/new/", data).content.decode()
    assert "At most 1 file can be attached at once; you chose 2." in page
    assert "The text is larger than the limit of 10\xa0bytes." in page
    assert f"{'x' * 11}</textarea>" in page
    assert not Ticket.objects.exists()


def test_new_ticket_with_unusable_names_is_opened(agent_client) -> None:
    customer = CustomerFactory()
    uploads = [Upload(name) for name in UPLOAD_NAMES]
    response = agent_client.post("/tickets/new/", new_ticket_data(customer, attachments=uploads))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.attachments.count() == len(UPLOAD_NAMES)
    for attachment in ticket.attachments.all():
        assert_stored_safely(attachment)


# --- files follow the transaction ---------------------------------------------------------


def media_files(settings) -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / "attachments"
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def test_reply_that_fails_after_writing_its_files_leaves_none(
    agent, ticket, settings, monkeypatch
) -> None:
    kept = services.AttachmentInput(name="earlier.pdf", content=b"earlier")
    services.add_note(ticket, by=agent, text="kept", attachments=[kept])
    earlier = Path(ticket.attachments.get().file.path)
    before = media_files(settings)
    written: list[Path] = []

    def fail_after_the_files(self: ChangeSet, *args: object, **kwargs: object) -> None:
        written.extend(Path(a.file.path) for a in Attachment.objects.exclude(name="earlier.pdf"))
        assert all(path.exists() for path in written)
        raise RuntimeError("database on fire")

    monkeypatch.setattr(ChangeSet, "record", fail_after_the_files)
    uploads = [services.AttachmentInput(name=n, content=b"x") for n in ("a.pdf", "🙂", "..")]
    with pytest.raises(RuntimeError):
        services.add_reply(ticket, by=agent, text="lost", attachments=uploads)
    assert len(written) == 3
    assert not any(path.exists() or path.parent.exists() for path in written)
    assert not media_files(settings) - before
    # The earlier note's file belongs to the still-open outer transaction: it stays.
    assert earlier.exists()
    assert ticket.attachments.get().name == "earlier.pdf"


def test_reply_view_failing_after_the_files_leaves_none(
    agent_client, ticket, settings, monkeypatch
) -> None:
    before = media_files(settings)

    def fail(self: ChangeSet, *args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(ChangeSet, "record", fail)
    agent_client.raise_request_exception = False
    response = agent_client.post(reply_url(ticket), reply_data("x", Upload("a.pdf")))
    assert response.status_code == 500
    assert not media_files(settings) - before


@pytest.mark.django_db(transaction=True)
def test_committed_files_stay_when_an_earlier_on_commit_callback_fails(agent, settings) -> None:
    """Django stops running on_commit callbacks at a failing one; the row decides, not ours."""
    ticket = TicketFactory(by=agent)

    def broken_callback() -> None:
        raise RuntimeError("mail queue down")

    upload = services.AttachmentInput(name="committed.pdf", content=b"committed")

    @transaction.atomic
    def note_with_a_failing_callback() -> None:
        transaction.on_commit(broken_callback)
        services.add_note(ticket, by=agent, text="x", attachments=[upload])

    with pytest.raises(RuntimeError):
        note_with_a_failing_callback()
    committed = Path(Attachment.objects.get().file.path)
    services.add_note(
        ticket, by=agent, text="y", attachments=[services.AttachmentInput(name="b", content=b"")]
    )
    assert committed.exists()
    assert Attachment.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_leaves_no_file(agent, settings, monkeypatch) -> None:
    """Without the test's own transaction around it: the service's atomic is the outermost."""
    ticket = TicketFactory(by=agent)
    before = media_files(settings)
    original = ChangeSet.save

    def fail_at_the_end(self: ChangeSet, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        raise RuntimeError("late failure")

    monkeypatch.setattr(ChangeSet, "save", fail_at_the_end)
    upload = services.AttachmentInput(name="★★★", content=b"x", content_type="image/png")
    with pytest.raises(RuntimeError):
        services.add_reply(ticket, by=agent, text="x", attachments=[upload])
    assert not Attachment.objects.exists()
    assert not media_files(settings) - before
