"""queue_mail: the row it writes, its headers, and its tie to the caller's transaction."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from ticketdesk.outbox.headers import MAX_REFERENCES, make_message_id
from ticketdesk.outbox.models import MailKind, MailStatus, OutboundMail

from .conftest import QueueMail

pytestmark = pytest.mark.django_db


def test_queued_mail_gets_a_message_id_on_the_support_domain(queue: QueueMail, settings) -> None:
    settings.SUPPORT_EMAIL = "Helpdesk <help@support.example>"

    mail = queue()

    assert mail.message_id.startswith("<")
    assert mail.message_id.endswith("@support.example>")
    assert mail.status == MailStatus.QUEUED
    assert mail.attempts == 0


def test_message_ids_are_unique(queue: QueueMail) -> None:
    ids = {queue().message_id for _ in range(50)}

    assert len(ids) == 50


def test_notification_carries_auto_submitted_headers(queue: QueueMail) -> None:
    mail = queue(auto_generated=True)

    assert mail.headers["Auto-Submitted"] == "auto-generated"
    assert mail.headers["X-Auto-Response-Suppress"] == "All"


def test_agent_reply_is_plain_human_mail(queue: QueueMail) -> None:
    mail = queue(auto_generated=False, kind=MailKind.REPLY)

    assert "Auto-Submitted" not in mail.headers
    assert "X-Auto-Response-Suppress" not in mail.headers
    assert mail.kind == MailKind.REPLY


def test_threading_headers_chain_to_the_previous_messages(queue: QueueMail) -> None:
    first, second = make_message_id(), make_message_id()

    mail = queue(in_reply_to=second, references=[first])

    assert mail.headers["In-Reply-To"] == second
    assert mail.headers["References"] == f"{first} {second}"


def test_references_keep_the_thread_root_when_trimmed(queue: QueueMail) -> None:
    chain = [make_message_id() for _ in range(MAX_REFERENCES + 10)]

    mail = queue(in_reply_to=chain[-1], references=chain)

    kept = mail.headers["References"].split()
    assert len(kept) == MAX_REFERENCES
    assert kept[0] == chain[0]
    assert kept[-1] == chain[-1]


def test_reply_to_defaults_to_the_support_address(queue: QueueMail, settings) -> None:
    settings.DEFAULT_FROM_EMAIL = "support@example.com"

    mail = queue()

    assert mail.from_email == "support@example.com"
    assert mail.reply_to == ["support@example.com"]


def test_recipients_are_cleaned_and_copies_do_not_repeat_recipients(queue: QueueMail) -> None:
    mail = queue(
        to=[" kim@customer.example", "", "KIM@customer.example"],
        cc=["kim@customer.example", "boss@customer.example"],
    )

    assert mail.to == ["kim@customer.example"]
    assert mail.cc == ["boss@customer.example"]


def test_subject_line_breaks_from_customer_text_are_flattened(queue: QueueMail) -> None:
    mail = queue(subject="Printer\r\nBcc: victim@example.com")

    assert mail.subject == "Printer Bcc: victim@example.com"


@pytest.mark.parametrize(
    "headers",
    [
        {"Message-ID": "<x@y>"},
        {"Bcc": "a@b.example"},
        {"X-Note": "one\r\nBcc: a@b.example"},
        {"Bad Name": "x"},
    ],
)
def test_reserved_or_injected_headers_are_refused(
    queue: QueueMail, headers: dict[str, str]
) -> None:
    with pytest.raises(ValueError, match="header"):
        queue(headers=headers)


def test_mail_without_recipients_is_refused(queue: QueueMail) -> None:
    with pytest.raises(ValueError, match="recipient"):
        queue(to=[" "])


def test_rolled_back_change_leaves_no_outbox_row(queue: QueueMail) -> None:
    class StaleVersion(Exception):
        pass

    def change_ticket() -> None:
        with transaction.atomic():
            queue(reference="T-77")
            raise StaleVersion

    with pytest.raises(StaleVersion):
        change_ticket()

    assert not OutboundMail.objects.filter(reference="T-77").exists()


def test_sender_task_is_enqueued_only_when_the_transaction_commits(
    queue: QueueMail, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as rolled_back:
        try:
            with transaction.atomic():
                queue()
                raise RuntimeError
        except RuntimeError:
            pass
    with django_capture_on_commit_callbacks(execute=True) as committed:
        queue()
        queue()

    assert rolled_back == []
    assert len(committed) == 2
    # The second commit finds the first run still waiting and does not add another.
    assert DBTaskResult.objects.filter(task_path="ticketdesk.outbox.tasks.send_outbox").count() == 1
