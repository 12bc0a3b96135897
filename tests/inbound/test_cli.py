"""`ticketdesk ingest_email`: files and standard input, output and exit status."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ticketdesk.inbound.models import InboundMessage, InboundSource
from ticketdesk.tickets.models import Ticket

MESSAGE = b"From: a@example.com\nSubject: Hi\nMessage-ID: <cli-1@example.com>\n\nHello\n"


@pytest.mark.django_db
def test_ingest_email_reads_files_and_prints_each_outcome(tmp_path: Path) -> None:
    first = tmp_path / "one.eml"
    first.write_bytes(MESSAGE)
    second = tmp_path / "two.eml"
    second.write_bytes(MESSAGE.replace(b"cli-1", b"cli-2"))
    out = io.StringIO()
    call_command("ingest_email", str(first), str(second), stdout=out)
    lines = out.getvalue().splitlines()
    tickets = Ticket.objects.order_by("number")
    assert lines == [f"{first}\t{tickets[0].reference}", f"{second}\t{tickets[1].reference}"]
    assert InboundMessage.objects.filter(source=InboundSource.FILE).count() == 2


@pytest.mark.django_db
def test_ingest_email_reads_one_message_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(MESSAGE)))
    out = io.StringIO()
    call_command("ingest_email", stdout=out)
    inbound = InboundMessage.objects.get()
    assert inbound.source == InboundSource.PIPE
    assert out.getvalue() == f"-\t{inbound.ticket.reference}\n"


@pytest.mark.django_db
def test_ingest_email_twice_reports_already_stored(tmp_path: Path) -> None:
    path = tmp_path / "one.eml"
    path.write_bytes(MESSAGE)
    call_command("ingest_email", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("ingest_email", str(path), stdout=out)
    assert "already stored" in out.getvalue()
    assert InboundMessage.objects.count() == 1


@pytest.mark.django_db
def test_ingest_email_fails_only_when_a_message_cannot_be_stored(tmp_path: Path) -> None:
    good = tmp_path / "good.eml"
    good.write_bytes(b"not really an e-mail")
    err = io.StringIO()
    missing = str(tmp_path / "missing.eml")
    with pytest.raises(CommandError) as failure:
        call_command("ingest_email", str(good), missing, stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 75
    assert "missing.eml" in err.getvalue()
    assert InboundMessage.objects.count() == 1


@pytest.mark.django_db
def test_unparseable_input_is_stored_and_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "empty.eml"
    path.write_bytes(b"\n\n")
    out = io.StringIO()
    call_command("ingest_email", str(path), stdout=out)
    assert "inbox: unparseable" in out.getvalue()
