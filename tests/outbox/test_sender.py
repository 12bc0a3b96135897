"""Delivery through a real SMTP server: headers on the wire, retries, failures, leases."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.smtp_sink import SmtpSink
from ticketdesk.outbox.headers import make_message_id
from ticketdesk.outbox.models import MailKind, MailStatus, OutboundMail
from ticketdesk.outbox.sender import drain_outbox, send_due_mail
from ticketdesk.outbox.services import MailAttachment
from ticketdesk.outbox.tasks import send_outbox

from .conftest import QueueMail

pytestmark = pytest.mark.django_db


def reload(mail: OutboundMail) -> OutboundMail:
    mail.refresh_from_db()
    return mail


def test_mail_arrives_with_stored_message_id_and_all_headers(
    queue: QueueMail, smtp_server: SmtpSink
) -> None:
    parent = make_message_id()
    mail = queue(
        to=["kim@customer.example"],
        cc=["boss@customer.example"],
        subject="[#T-1234] Priority changed",
        text="Priority: Normal → High",
        html="<p>Priority: Normal → High</p>",
        in_reply_to=parent,
        language="de",
    )

    report = drain_outbox()

    assert report.sent == 1
    [message] = smtp_server.messages
    assert message["Message-ID"] == mail.message_id
    assert message["Subject"] == "[#T-1234] Priority changed"
    assert message["To"] == "kim@customer.example"
    assert message["Cc"] == "boss@customer.example"
    assert message["Reply-To"] == "support@example.com"
    assert message["In-Reply-To"] == parent
    assert message["References"] == parent
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "All"
    assert parsedate_to_datetime(message["Date"]) == mail.created_at.replace(microsecond=0)
    assert message.get_body(("plain",)).get_content().strip() == "Priority: Normal → High"
    assert "<p>Priority: Normal → High</p>" in message.get_body(("html",)).get_content()
    assert set(smtp_server.envelopes[0].rcpt_tos) == {
        "kim@customer.example",
        "boss@customer.example",
    }
    mail = reload(mail)
    assert mail.status == MailStatus.SENT
    assert mail.sent_at is not None
    assert mail.attempts == 1


def test_human_reply_arrives_without_auto_response_headers(
    queue: QueueMail, smtp_server: SmtpSink
) -> None:
    queue(auto_generated=False, kind=MailKind.REPLY)

    drain_outbox()

    [message] = smtp_server.messages
    assert "Auto-Submitted" not in message
    assert "X-Auto-Response-Suppress" not in message


def test_three_mails_of_a_thread_chain_in_reply_to_and_references(
    queue: QueueMail, smtp_server: SmtpSink
) -> None:
    first = queue(subject="[#T-9] Opened")
    second = queue(subject="[#T-9] In progress", in_reply_to=first.message_id)
    third = queue(
        subject="[#T-9] Answer",
        in_reply_to=second.message_id,
        references=[first.message_id, second.message_id],
    )

    drain_outbox()

    by_subject = {str(message["Subject"]): message for message in smtp_server.messages}
    assert "In-Reply-To" not in by_subject["[#T-9] Opened"]
    assert by_subject["[#T-9] In progress"]["In-Reply-To"] == first.message_id
    assert by_subject["[#T-9] Answer"]["In-Reply-To"] == second.message_id
    assert by_subject["[#T-9] Answer"]["References"] == f"{first.message_id} {second.message_id}"
    assert by_subject["[#T-9] Answer"]["Message-ID"] == third.message_id


def test_refused_connection_is_retried_with_exponential_backoff(
    queue: QueueMail, smtp_server: SmtpSink
) -> None:
    smtp_server.stop()
    mail = queue()
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        first = send_due_mail()
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        second = send_due_mail()

    assert first.retried == second.retried == 1
    mail = reload(mail)
    assert mail.status == MailStatus.QUEUED
    assert mail.attempts == 2
    assert "ConnectionRefusedError" in mail.last_error
    assert mail.next_attempt_at == start + timedelta(seconds=61 + 120)
    assert send_due_mail() is None  # not due before the backoff ends
    smtp_server.start()
    with time_machine.travel(mail.next_attempt_at, tick=False):
        assert drain_outbox().sent == 1
    assert smtp_server.message_ids() == [mail.message_id]


def test_temporary_4xx_answer_is_retried_later(queue: QueueMail, smtp_server: SmtpSink) -> None:
    smtp_server.refuse_with(451, times=1)
    mail = queue()

    report = drain_outbox()

    assert report.retried == 1
    mail = reload(mail)
    assert mail.status == MailStatus.QUEUED
    assert mail.last_error.startswith("451 ")
    with time_machine.travel(mail.next_attempt_at, tick=False):
        assert drain_outbox().sent == 1


def test_permanent_5xx_answer_fails_at_once(queue: QueueMail, smtp_server: SmtpSink) -> None:
    smtp_server.refuse_with(554)
    mail = queue()

    report = drain_outbox()

    assert report.failed == 1
    mail = reload(mail)
    assert mail.status == MailStatus.FAILED
    assert mail.attempts == 1
    assert mail.last_error.startswith("554 ")
    assert smtp_server.messages == []


@pytest.mark.parametrize(("code", "status"), [(550, MailStatus.FAILED), (452, MailStatus.QUEUED)])
def test_refused_recipient_fails_on_5xx_and_waits_on_4xx(
    queue: QueueMail, smtp_server: SmtpSink, code: int, status: MailStatus
) -> None:
    smtp_server.refuse_with(code, at="rcpt")
    mail = queue()

    drain_outbox()

    mail = reload(mail)
    assert mail.status == status
    assert f"kim@customer.example: {code}" in mail.last_error


def test_mail_fails_for_good_after_the_attempt_limit(
    queue: QueueMail, smtp_server: SmtpSink, settings
) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 3
    smtp_server.stop()
    mail = queue()

    for _ in range(3):
        with time_machine.travel(reload(mail).next_attempt_at, tick=False):
            send_due_mail()

    mail = reload(mail)
    assert mail.status == MailStatus.FAILED
    assert mail.attempts == 3


def test_malformed_address_fails_without_blocking_the_batch(
    queue: QueueMail, smtp_server: SmtpSink
) -> None:
    broken = queue(to=["kim@customer.example, eve@evil.example"])
    fine = queue(to=["ok@customer.example"])

    report = drain_outbox()

    assert (report.sent, report.failed) == (1, 1)
    assert reload(broken).status == MailStatus.FAILED
    assert "ValueError" in reload(broken).last_error
    assert smtp_server.message_ids() == [fine.message_id]


def test_row_of_a_dead_worker_is_resent_with_the_same_message_id_after_its_lease(
    queue: QueueMail, smtp_server: SmtpSink, settings
) -> None:
    mail = queue()
    lease_end = timezone.now() + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    # What a worker killed between claiming and sending leaves behind.
    OutboundMail.objects.filter(pk=mail.pk).update(
        status=MailStatus.SENDING, claimed_by="dead-worker", attempts=1, next_attempt_at=lease_end
    )

    assert send_due_mail() is None
    with time_machine.travel(lease_end + timedelta(seconds=1), tick=False):
        report = drain_outbox()

    assert report.sent == 1
    assert smtp_server.message_ids() == [mail.message_id]
    assert reload(mail).attempts == 2


def test_batch_hands_back_rows_it_cannot_finish_within_its_lease(
    queue: QueueMail, smtp_server: SmtpSink, settings
) -> None:
    settings.OUTBOX_LEASE_SECONDS = 1
    smtp_server.delay = 0.3
    mails = [queue() for _ in range(6)]

    report = send_due_mail()

    assert report.released > 0
    assert report.sent + report.released == 6
    released = OutboundMail.objects.filter(status=MailStatus.QUEUED)
    assert released.count() == report.released
    assert {mail.attempts for mail in released} == {0}
    assert drain_outbox().sent == report.released
    assert sorted(smtp_server.message_ids()) == sorted(mail.message_id for mail in mails)


def test_attachment_from_storage_is_sent(queue: QueueMail, smtp_server: SmtpSink) -> None:
    path = default_storage.save("outbox-test/report.txt", ContentFile(b"line 1\n"))
    queue(attachments=[MailAttachment(path=path, filename="Bericht.txt", mimetype="text/plain")])

    drain_outbox()

    [attachment] = list(smtp_server.messages[0].iter_attachments())
    assert attachment.get_filename() == "Bericht.txt"
    assert attachment.get_content().splitlines() == ["line 1"]


def test_missing_attachment_fails_the_mail(queue: QueueMail, smtp_server: SmtpSink) -> None:
    mail = queue(attachments=[MailAttachment(path="outbox-test/gone.pdf")])

    drain_outbox()

    assert reload(mail).status == MailStatus.FAILED
    assert "gone.pdf" in reload(mail).last_error


def test_without_smtp_each_mail_is_written_to_its_own_eml_file(
    queue: QueueMail, settings, tmp_path: Path
) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "ticketdesk.outbox.backends.EmlFileBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    mails = [queue(subject=f"Mail {n}") for n in range(3)]

    drain_outbox()
    # A resend after a crash replaces the file instead of adding one.
    OutboundMail.objects.filter(pk=mails[0].pk).update(status=MailStatus.QUEUED)
    drain_outbox()

    files = sorted(tmp_path.glob("*.eml"))
    assert sorted(f.name for f in files) == sorted(f"{m.message_id.strip('<>')}.eml" for m in mails)
    assert b"Subject: Mail 0" in (tmp_path / f"{mails[0].message_id.strip('<>')}.eml").read_bytes()
    assert list(tmp_path.glob("*.tmp")) == []


def test_send_mail_command_drains_the_outbox_and_reports_counts(
    queue: QueueMail, smtp_server: SmtpSink
) -> None:
    for _ in range(3):
        queue()
    out = StringIO()

    call_command("send_mail", "--batch-size", "2", stdout=out)

    assert "sent 3, retry later 0, failed 0" in out.getvalue()
    assert len(smtp_server.messages) == 3


def test_task_schedules_a_follow_up_run_when_mail_waits_on_backoff(
    queue: QueueMail, smtp_server: SmtpSink
) -> None:
    smtp_server.stop()
    mail = queue()

    result = send_outbox.call()

    assert result["retried"] == 1
    follow_up = DBTaskResult.objects.get(task_path="ticketdesk.outbox.tasks.send_outbox")
    assert follow_up.run_after == reload(mail).next_attempt_at
