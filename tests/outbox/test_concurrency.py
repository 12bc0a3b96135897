"""Several senders at once on PostgreSQL: SKIP LOCKED claims keep each mail to one worker."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.smtp_sink import SmtpSink
from ticketdesk.outbox.models import MailStatus, OutboundMail
from ticketdesk.outbox.sender import SendReport, drain_outbox

from .conftest import QueueMail


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_on_postgresql_send_each_mail_once(
    queue: QueueMail, smtp_server: SmtpSink
) -> None:
    mails = [queue(to=[f"c{n}@customer.example"]) for n in range(120)]
    smtp_server.delay = 0.005
    barrier = threading.Barrier(4)
    reports: list[SendReport] = []

    def worker() -> None:
        try:
            barrier.wait()
            reports.append(drain_outbox(batch_size=10))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(report.sent for report in reports) == 120
    assert sum(1 for report in reports if report.sent) > 1
    assert sorted(smtp_server.message_ids()) == sorted(mail.message_id for mail in mails)
    assert set(OutboundMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}
