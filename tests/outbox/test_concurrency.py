"""Several senders at once on PostgreSQL: SKIP LOCKED claims keep each mail to one worker."""

from __future__ import annotations

import pytest

from tests.smtp_sink import SmtpSink
from tests.threads import run_at_once
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

    def worker() -> SendReport:
        return drain_outbox(batch_size=10)

    reports = run_at_once([worker] * 4)

    assert sum(report.sent for report in reports) == 120
    assert sum(1 for report in reports if report.sent) > 1
    assert sorted(smtp_server.message_ids()) == sorted(mail.message_id for mail in mails)
    assert set(OutboundMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}
