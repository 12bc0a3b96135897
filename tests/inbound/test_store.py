"""Storing raw mail first, exactly once per bytes (line endings aside)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from ticketdesk.inbound import services
from ticketdesk.inbound.models import InboundMessage, InboundSource, InboundStatus, ReviewReason
from ticketdesk.inbound.services import ingest_raw_message, store_raw_message

MESSAGE = (
    b"From: Anna <anna@example.com>\r\nTo: support@example.com\r\nSubject: Printer\r\n"
    b"Message-ID: <abc-1@example.com>\r\n\r\nThe printer is broken.\r\n"
)


@pytest.mark.django_db
def test_other_bytes_under_a_known_message_id_are_stored_and_linked_to_the_first() -> None:
    first, created = store_raw_message(MESSAGE, source=InboundSource.PIPE)
    redelivered = MESSAGE.replace(b"From:", b"Received: by mx2\r\nFrom:")
    second, created_again = store_raw_message(redelivered, source=InboundSource.IMAP)
    third, _ = store_raw_message(redelivered + b"P.S.\r\n", source=InboundSource.IMAP)
    assert created
    assert created_again
    assert first.message_id == second.message_id == "abc-1@example.com"
    assert first.original is None
    assert second.original == first
    assert third.original == first
    assert InboundMessage.objects.get(pk=second.pk).raw_bytes == redelivered


@pytest.mark.django_db
def test_the_same_message_with_crlf_lf_or_cr_line_endings_is_one_message() -> None:
    first, created = store_raw_message(MESSAGE, source=InboundSource.PIPE)
    as_lf, lf_created = store_raw_message(MESSAGE.replace(b"\r\n", b"\n"), source="file")
    as_cr, cr_created = store_raw_message(MESSAGE.replace(b"\r\n", b"\r"), source="file")
    assert (created, lf_created, cr_created) == (True, False, False)
    assert as_lf.pk == as_cr.pk == first.pk
    assert InboundMessage.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("eol", [b"\r\n", b"\n", b"\r"])
def test_message_id_is_read_with_any_line_ending(eol: bytes) -> None:
    raw = MESSAGE.replace(
        b"Message-ID: <abc-1@example.com>", b"Message-ID:\r\n <abc-1@example.com>"
    )
    inbound, _ = store_raw_message(raw.replace(b"\r\n", eol), source=InboundSource.FILE)
    assert inbound.message_id == "abc-1@example.com"


@pytest.mark.django_db
def test_a_message_id_in_the_body_is_not_the_message_id() -> None:
    raw = b"From: a@example.com\rSubject: x\r\rMessage-ID: <body@example.com>\r"
    inbound, _ = store_raw_message(raw, source=InboundSource.FILE)
    assert inbound.message_id == ""


@pytest.mark.django_db
def test_same_bytes_without_message_id_are_recorded_once() -> None:
    raw = b"From: a@example.com\r\nSubject: no id\r\n\r\nbody\r\n"
    first, _ = store_raw_message(raw, source=InboundSource.PIPE)
    second, created = store_raw_message(raw, source=InboundSource.PIPE)
    other, other_created = store_raw_message(raw + b"more\r\n", source=InboundSource.PIPE)
    assert not created
    assert second.pk == first.pk
    assert other_created
    assert other.pk != first.pk
    assert first.message_id == ""


@pytest.mark.django_db
def test_raw_bytes_are_kept_exactly_before_parsing() -> None:
    inbound, _ = store_raw_message(MESSAGE, source=InboundSource.PIPE)
    inbound.refresh_from_db()
    assert inbound.raw_bytes == MESSAGE
    assert inbound.status == InboundStatus.PENDING
    assert inbound.size == len(MESSAGE)


@pytest.mark.django_db
def test_large_message_is_stored_as_a_file(settings: object) -> None:
    settings.INBOUND_RAW_IN_DB_MAX_BYTES = 100
    inbound, _ = store_raw_message(MESSAGE + b"x" * 500, source=InboundSource.FILE)
    inbound.refresh_from_db()
    assert inbound.raw_file.name.endswith(".eml")
    assert not inbound.raw
    assert inbound.raw_bytes == MESSAGE + b"x" * 500


@pytest.mark.django_db
def test_losing_a_store_race_returns_the_winners_row(monkeypatch: pytest.MonkeyPatch) -> None:
    winner, _ = store_raw_message(MESSAGE, source=InboundSource.PIPE)
    real_find = services._find_stored
    calls = []

    def find_nothing_first(digest: str) -> InboundMessage | None:
        calls.append(digest)
        return None if len(calls) == 1 else real_find(digest)

    monkeypatch.setattr(services, "_find_stored", find_nothing_first)
    loser, created = store_raw_message(MESSAGE, source=InboundSource.IMAP)
    assert not created
    assert loser.pk == winner.pk
    assert InboundMessage.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_store_one_row() -> None:
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def deliver() -> None:
        barrier.wait()
        try:
            results.append(store_raw_message(MESSAGE, source=InboundSource.IMAP)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    assert InboundMessage.objects.count() == 1


@pytest.mark.django_db
def test_unparseable_message_is_kept_for_review() -> None:
    result = ingest_raw_message(b"\r\n\r\n   \r\n", source=InboundSource.PIPE)
    inbound = InboundMessage.objects.get(pk=result.inbound.pk)
    assert inbound.status == InboundStatus.FAILED
    assert inbound.review_reason == ReviewReason.UNPARSEABLE
    assert inbound.parse_error
    assert inbound.raw_bytes == b"\r\n\r\n   \r\n"
    assert InboundMessage.objects.needing_decision().get() == inbound


@pytest.mark.django_db
def test_parser_crash_is_recorded_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(raw: bytes) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "parse_message", explode)
    result = ingest_raw_message(MESSAGE, source=InboundSource.PIPE)
    result.inbound.refresh_from_db()
    assert result.inbound.status == InboundStatus.FAILED
    assert "boom" in result.inbound.parse_error


@pytest.mark.django_db
def test_parsed_message_fields_are_recorded() -> None:
    result = ingest_raw_message(MESSAGE, source=InboundSource.PIPE)
    inbound = InboundMessage.objects.get(pk=result.inbound.pk)
    assert inbound.status == InboundStatus.PARSED
    assert (inbound.from_address, inbound.from_name, inbound.subject) == (
        "anna@example.com",
        "Anna",
        "Printer",
    )
    assert inbound.processed_at is not None
    assert not inbound.is_auto_reply
    assert not inbound.is_bounce
