"""The periodic fetch task: one queued run at a time, next run queued before fetching."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ticketdesk.inbound.imap.tasks import fetch_mailboxes, schedule_fetch
from ticketdesk.inbound.models import InboundMessage

from .dovecot import Account, DovecotServer
from .factories import MailboxFactory, mailbox_for, sample_message

pytestmark = pytest.mark.django_db


def queued_runs() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status="READY", task_path=fetch_mailboxes.module_path))


def test_run_fetches_mailboxes_and_queues_the_next_run_one_interval_later(
    settings, dovecot: DovecotServer, imap_account: Account
) -> None:
    settings.INBOUND_FETCH_INTERVAL_SECONDS = 90
    dovecot.append(imap_account, "INBOX", [sample_message(1)])
    mailbox_for(imap_account)
    now = timezone.now()

    with time_machine.travel(now, tick=False):
        reports = fetch_mailboxes.call()

    assert [(r["fetched"], r["error"]) for r in reports] == [(1, "")]
    assert InboundMessage.objects.count() == 1
    [next_run] = queued_runs()
    assert next_run.run_after == now + timedelta(seconds=90)


def test_run_without_active_mailboxes_ends_the_chain() -> None:
    MailboxFactory(is_active=False)

    assert fetch_mailboxes.call() == []
    assert queued_runs() == []


def test_scheduling_twice_queues_one_run() -> None:
    schedule_fetch()
    schedule_fetch()
    schedule_fetch(at=timezone.now() + timedelta(seconds=60))

    assert len(queued_runs()) == 1


def test_an_immediate_request_is_queued_even_when_a_later_run_waits() -> None:
    schedule_fetch(at=timezone.now() + timedelta(seconds=60))

    schedule_fetch()

    assert len(queued_runs()) == 2


def test_a_run_does_not_queue_a_second_successor(
    settings, dovecot: DovecotServer, imap_account: Account
) -> None:
    mailbox_for(imap_account)
    schedule_fetch(at=timezone.now() + timedelta(seconds=30))

    fetch_mailboxes.call()

    assert len(queued_runs()) == 1
