"""`ticketdesk fetch_mail`: one run over the active mailboxes, counts printed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ticketdesk.inbound.imap.lease import Lease
from ticketdesk.inbound.management.commands import fetch_mail as fetch_mail_command

from .dovecot import Account, DovecotServer
from .factories import MailboxFactory, mailbox_for, sample_message

pytestmark = pytest.mark.django_db


def fetch_mail(*args: str) -> str:
    out = StringIO()
    call_command("fetch_mail", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_fetch_mail_prints_counts_per_mailbox(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.append(imap_account, "INBOX", [sample_message(n) for n in range(1, 4)])
    mailbox_for(imap_account, name="Support")
    MailboxFactory(name="Old", is_active=False)

    first = fetch_mail()
    second = fetch_mail()

    assert first.strip() == "Support: fetched 3, new 3, already stored 0"
    assert second.strip() == "Support: fetched 0, new 0, already stored 0"


def test_fetch_mail_verbose_prints_one_line_per_message(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.append(imap_account, "INBOX", [sample_message(n) for n in range(1, 3)])
    mailbox_for(imap_account, name="Support")

    lines = fetch_mail("-v", "2").splitlines()

    assert [line.split("\t")[:2] for line in lines[:2]] == [
        ["Support", "UID 1"],
        ["Support", "UID 2"],
    ]


def test_fetch_mail_loop_fetches_again_after_the_interval(
    dovecot: DovecotServer, imap_account: Account, monkeypatch: pytest.MonkeyPatch, settings
) -> None:
    settings.INBOUND_FETCH_INTERVAL_SECONDS = 30
    dovecot.append(imap_account, "INBOX", [sample_message(1)])
    mailbox_for(imap_account, name="Support")
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 2:
            raise KeyboardInterrupt
        dovecot.append(imap_account, "INBOX", [sample_message(2)])

    monkeypatch.setattr(fetch_mail_command.time, "sleep", sleep)
    out = StringIO()
    with pytest.raises(KeyboardInterrupt):
        call_command("fetch_mail", "--loop", stdout=out)

    assert pauses == [30, 30]
    assert out.getvalue().splitlines() == [
        "Support: fetched 1, new 1, already stored 0",
        "Support: fetched 1, new 1, already stored 0",
    ]


def test_fetch_mail_reports_a_mailbox_held_by_another_fetcher(imap_account: Account) -> None:
    Lease.take(mailbox_for(imap_account, name="Support"))

    assert fetch_mail().strip() == "Support: skipped, another fetcher is working on it"


def test_fetch_mail_exits_non_zero_when_a_mailbox_fails(imap_account: Account) -> None:
    mailbox_for(imap_account, name="Support", password="wrong")

    with pytest.raises(CommandError) as error:
        fetch_mail()

    assert error.value.returncode == 75


def test_fetch_mail_without_mailboxes_says_so() -> None:
    assert fetch_mail().strip() == "No active mailbox is configured."
