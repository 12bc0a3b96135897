"""An SMTP server that accepts the connection and then goes silent: the sender's timeout holds.

The server is a real socket on loopback (tests.smtp_sink.SilentServer). The mailer's
timeout is short, so the worker gives up on the connection, records a temporary
failure and the mail goes out on a later run, to a server that answers.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pytest_django.fixtures import Settings

from tests.smtp_sink import SilentServer, SmtpSink
from tests.threads import run_at_once
from ticketdesk.outbox.models import MailStatus, OutboundMail
from ticketdesk.outbox.sender import SendReport, drain_outbox

from .conftest import QueueMail

CLIENT_TIMEOUT_SECONDS = 0.5


def drain_guarded() -> SendReport:
    """drain_outbox in a worker thread: a worker that hangs fails the test instead."""
    return run_at_once([drain_outbox])[0]


@pytest.mark.parametrize(
    "greeting",
    [None, b"220 silent.example ESMTP\r\n"],
    ids=["silent-from-the-start", "silent-after-greeting"],
)
@pytest.mark.django_db(transaction=True)
def test_silent_smtp_server_times_out_and_the_mail_is_sent_on_a_later_run(
    queue: QueueMail, settings: Settings, greeting: bytes | None
) -> None:
    mail = queue(to=["kim@customer.example"])
    with SilentServer(greeting=greeting) as silent:
        settings.MAILERS = {"default": silent.mailer(timeout=CLIENT_TIMEOUT_SECONDS)}
        first = drain_guarded()
        assert silent.connections >= 1

    mail.refresh_from_db()
    assert (first.claimed, first.sent, first.retried, first.failed) == (1, 0, 1, 0)
    assert mail.status == MailStatus.QUEUED
    assert mail.attempts == 1
    assert "timed out" in mail.last_error
    assert mail.next_attempt_at > timezone.now()

    with SmtpSink() as sink, time_machine.travel(mail.next_attempt_at + timedelta(seconds=1)):
        settings.MAILERS = {"default": sink.mailer()}
        later = drain_guarded()
        assert sink.message_ids() == [mail.message_id]
    assert later.sent == 1
    assert OutboundMail.objects.get(pk=mail.pk).status == MailStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_silent_smtp_server_costs_one_timeout_per_batch_not_per_mail(
    queue: QueueMail, settings: Settings
) -> None:
    mails = [queue(to=[f"c{n}@customer.example"]) for n in range(5)]
    with SilentServer() as silent:
        settings.MAILERS = {"default": silent.mailer(timeout=CLIENT_TIMEOUT_SECONDS)}
        report = drain_guarded()
        connections = silent.connections

    assert connections == 1
    assert report.retried == len(mails)
    statuses = set(OutboundMail.objects.values_list("status", flat=True))
    assert statuses == {MailStatus.QUEUED}
