"""An IMAP server that accepts the connection and then goes silent: the fetcher's timeout holds.

The server is a real socket on loopback (tests.smtp_sink.SilentServer) that never
answers, or sends the IMAP greeting and then nothing (the client's CAPABILITY waits).
With INBOUND_IMAP_TIMEOUT_SECONDS short, the fetcher gives up, records the error on
the mailbox and releases its lease, so the next run can try again.
"""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings

from tests.smtp_sink import SilentServer
from tests.threads import run_at_once
from ticketdesk.inbound.imap.fetcher import FetchReport, fetch_mailbox
from ticketdesk.inbound.models import InboundMessage, Mailbox

from .factories import MailboxFactory


@pytest.mark.parametrize(
    "greeting",
    [None, b"* OK IMAP4rev1 silent.example ready\r\n"],
    ids=["silent-from-the-start", "silent-after-greeting"],
)
@pytest.mark.django_db(transaction=True)
def test_silent_imap_server_times_out_and_the_error_is_recorded(
    settings: Settings, greeting: bytes | None
) -> None:
    settings.INBOUND_IMAP_TIMEOUT_SECONDS = 0.5
    with SilentServer(greeting=greeting) as silent:
        mailbox = MailboxFactory(host=silent.host, port=silent.port)
        # In a worker thread: a fetcher that hangs fails the test instead of hanging it.
        report: FetchReport = run_at_once([lambda: fetch_mailbox(mailbox)])[0]
        assert silent.connections == 1

    assert "timed out" in report.error
    assert not report.locked
    assert report.fetched == 0
    mailbox = Mailbox.objects.get(pk=mailbox.pk)
    assert "timed out" in mailbox.last_error
    assert mailbox.locked_by == ""
    assert mailbox.last_fetch_at is not None
    assert not InboundMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_after_a_silent_server_timed_out_the_next_run_takes_the_mailbox_again(
    settings: Settings,
) -> None:
    settings.INBOUND_IMAP_TIMEOUT_SECONDS = 0.5
    with SilentServer() as silent:
        mailbox = MailboxFactory(host=silent.host, port=silent.port)
        reports = [run_at_once([lambda: fetch_mailbox(mailbox)])[0] for _ in range(2)]
        assert silent.connections == 2

    assert [report.locked for report in reports] == [False, False]
    assert all("timed out" in report.error for report in reports)
