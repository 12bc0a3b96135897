"""The IMAP fetcher against a real Dovecot: progress, UIDVALIDITY, actions, errors, the lease."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ticketdesk.inbound.imap.fetcher import LEASE_LOST, fetch_mailbox
from ticketdesk.inbound.imap.lease import Lease
from ticketdesk.inbound.models import (
    AfterImport,
    InboundMessage,
    InboundSource,
    Mailbox,
    MailboxSecurity,
)
from ticketdesk.inbound.services import store_raw_message

from .dovecot import Account, DovecotServer
from .factories import mailbox_for, message_id, sample_message

pytestmark = pytest.mark.django_db


def messages(numbers: range, tag: str = "imap") -> list[bytes]:
    return [sample_message(n, tag=tag) for n in numbers]


def test_new_messages_are_stored_routed_and_tracked_by_uid(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.append(imap_account, "INBOX", messages(range(1, 4)))
    mailbox = mailbox_for(imap_account)

    report = fetch_mailbox(mailbox)

    assert (report.fetched, report.stored, report.duplicates, report.error) == (3, 3, 0, "")
    stored = InboundMessage.objects.order_by("imap_uid")
    assert [m.message_id for m in stored] == [message_id(n) for n in range(1, 4)]
    assert {m.source for m in stored} == {InboundSource.IMAP}
    assert [m.imap_uid for m in stored] == [1, 2, 3]
    assert all(m.processed_at and m.ticket_id for m in stored)
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 3
    assert mailbox.last_uidvalidity == dovecot.uidvalidity(imap_account, "INBOX")
    assert mailbox.last_fetch_at is not None
    assert (mailbox.locked_by, mailbox.locked_until) == ("", None)


def test_a_second_run_fetches_only_what_arrived_since(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.append(imap_account, "INBOX", messages(range(1, 3)))
    mailbox = mailbox_for(imap_account)
    fetch_mailbox(mailbox)

    # `UID SEARCH UID 3:*` answers with UID 2 (the highest) when nothing is newer.
    nothing_new = fetch_mailbox(mailbox)
    dovecot.append(imap_account, "INBOX", messages(range(3, 5)))
    two_new = fetch_mailbox(mailbox)

    assert nothing_new.fetched == 0
    assert (two_new.fetched, two_new.stored) == (2, 2)
    assert InboundMessage.objects.count() == 4
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 4


def test_leave_action_keeps_messages_unread(dovecot: DovecotServer, imap_account: Account) -> None:
    dovecot.append(imap_account, "INBOX", messages(range(1, 3)))

    fetch_mailbox(mailbox_for(imap_account, after_import=AfterImport.LEAVE))

    assert dovecot.flags(imap_account, "INBOX") == {1: set(), 2: set()}


def test_mark_seen_action_flags_imported_messages(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.append(imap_account, "INBOX", messages(range(1, 3)))

    fetch_mailbox(mailbox_for(imap_account, after_import=AfterImport.MARK_SEEN))

    assert dovecot.flags(imap_account, "INBOX") == {1: {"\\Seen"}, 2: {"\\Seen"}}


def test_move_action_moves_messages_into_a_folder_it_creates(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.append(imap_account, "INBOX", messages(range(1, 4)))
    mailbox = mailbox_for(
        imap_account, after_import=AfterImport.MOVE, move_to_folder="Imported by Ticketdesk"
    )

    report = fetch_mailbox(mailbox)

    assert (report.fetched, report.error) == (3, "")
    assert dovecot.uids(imap_account, "INBOX") == []
    assert len(dovecot.uids(imap_account, '"Imported by Ticketdesk"')) == 3


def test_move_action_handles_non_ascii_folder_names(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.append(imap_account, "INBOX", messages(range(1, 2)))
    mailbox = mailbox_for(imap_account, after_import=AfterImport.MOVE, move_to_folder="Erledigt ä")

    report = fetch_mailbox(mailbox)

    assert report.error == ""
    assert dovecot.uids(imap_account, "INBOX") == []
    assert len(dovecot.uids(imap_account, '"Erledigt &AOQ-"')) == 1


def test_delete_action_expunges_imported_messages(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.append(imap_account, "INBOX", messages(range(1, 3)))

    fetch_mailbox(mailbox_for(imap_account, after_import=AfterImport.DELETE))

    assert dovecot.uids(imap_account, "INBOX") == []
    assert InboundMessage.objects.count() == 2


def test_uidvalidity_change_fetches_the_folder_again_without_duplicates(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.append(imap_account, "Support", messages(range(1, 4)))
    mailbox = mailbox_for(imap_account, folder="Support")
    fetch_mailbox(mailbox)
    mailbox.refresh_from_db()
    old_validity = mailbox.last_uidvalidity

    # The folder is rebuilt (a restore, a server move): UIDs start at 1 again, and the
    # first UIDs now name other messages than before.
    dovecot.recreate_folder(imap_account, "Support")
    dovecot.append(imap_account, "Support", messages(range(3, 7)))
    report = fetch_mailbox(mailbox)

    mailbox.refresh_from_db()
    assert mailbox.last_uidvalidity != old_validity
    assert mailbox.last_uid == 4
    assert (report.fetched, report.stored, report.duplicates) == (4, 3, 1)
    assert sorted(InboundMessage.objects.values_list("message_id", flat=True)) == sorted(
        message_id(n) for n in range(1, 7)
    )


def test_wrong_password_is_recorded_as_last_error(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.append(imap_account, "INBOX", messages(range(1, 2)))
    mailbox = mailbox_for(imap_account, password="wrong")

    report = fetch_mailbox(mailbox)

    mailbox.refresh_from_db()
    assert report.error.startswith("Login failed")
    assert mailbox.last_error == report.error
    assert mailbox.last_fetch_at is not None
    assert (mailbox.locked_by, mailbox.last_uid) == ("", 0)
    assert InboundMessage.objects.count() == 0


def test_last_error_is_cleared_by_a_successful_run(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    mailbox = mailbox_for(imap_account, folder="Does not exist")
    assert "Does not exist" in fetch_mailbox(mailbox).error
    Mailbox.objects.filter(pk=mailbox.pk).update(folder="INBOX")

    report = fetch_mailbox(Mailbox.objects.get(pk=mailbox.pk))

    assert report.error == ""
    assert Mailbox.objects.get(pk=mailbox.pk).last_error == ""


def test_unreachable_server_is_recorded_as_last_error(imap_account: Account) -> None:
    mailbox = mailbox_for(imap_account, port=1)

    report = fetch_mailbox(mailbox)

    assert report.error.startswith("Could not connect to 127.0.0.1:1")
    assert Mailbox.objects.get(pk=mailbox.pk).last_error == report.error


@pytest.mark.parametrize(
    ("security", "error"),
    [
        (MailboxSecurity.STARTTLS, "TLS not supported by server"),
        (MailboxSecurity.TLS, "Could not connect to 127.0.0.1"),
    ],
)
def test_encryption_the_server_does_not_offer_is_an_error_never_plaintext(
    dovecot: DovecotServer, imap_account: Account, security: str, error: str
) -> None:
    dovecot.append(imap_account, "INBOX", messages(range(1, 2)))

    report = fetch_mailbox(mailbox_for(imap_account, security=security))

    assert error in report.error
    assert InboundMessage.objects.count() == 0


def test_mailbox_held_by_another_fetcher_is_skipped(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.append(imap_account, "INBOX", messages(range(1, 3)))
    mailbox = mailbox_for(imap_account)
    assert Lease.take(mailbox) is not None

    report = fetch_mailbox(mailbox)

    assert report.locked
    assert report.fetched == 0
    assert InboundMessage.objects.count() == 0


def test_expired_lease_of_a_dead_fetcher_is_taken_over(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.append(imap_account, "INBOX", messages(range(1, 3)))
    mailbox = mailbox_for(imap_account)
    Mailbox.objects.filter(pk=mailbox.pk).update(
        locked_by="dead-host:1234:abcd", locked_until=timezone.now() - timedelta(seconds=1)
    )

    report = fetch_mailbox(mailbox)

    assert not report.locked
    assert report.fetched == 2


def test_fetcher_whose_lease_was_taken_over_stops_at_once(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.append(imap_account, "INBOX", messages(range(1, 6)))
    mailbox = mailbox_for(imap_account)

    def taken_over(mailbox: Mailbox, uid: int, *args: object) -> None:
        if uid == 2:
            Mailbox.objects.filter(pk=mailbox.pk).update(locked_by="other:1:ffff")

    report = fetch_mailbox(mailbox, on_message=taken_over)

    assert report.error == str(LEASE_LOST)
    assert report.fetched == 2
    assert InboundMessage.objects.count() == 3  # the third was stored, its progress refused
    assert Mailbox.objects.get(pk=mailbox.pk).locked_by == "other:1:ffff"


def test_message_stored_but_not_routed_by_a_dead_run_is_routed_next_time(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    mailbox = mailbox_for(imap_account)
    stranded, _ = store_raw_message(
        sample_message(1), source=InboundSource.IMAP, mailbox=mailbox.name, imap_uid=1
    )

    fetch_mailbox(mailbox)

    stranded.refresh_from_db()
    assert stranded.processed_at is not None
    assert stranded.ticket_id is not None


def test_message_already_stored_from_another_channel_is_not_routed_again(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    from ticketdesk.inbound.services import ingest_raw_message

    piped = ingest_raw_message(sample_message(1), source=InboundSource.PIPE).inbound
    dovecot.append(imap_account, "INBOX", messages(range(1, 3)))

    report = fetch_mailbox(mailbox_for(imap_account))

    assert (report.fetched, report.stored, report.duplicates) == (2, 1, 1)
    assert InboundMessage.objects.count() == 2
    piped.refresh_from_db()
    assert piped.source == InboundSource.PIPE
