"""Mailbox passwords: encrypted in the database, decrypted for Dovecot, a lost key named."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from pytest_django.fixtures import Settings

from tests.accounts.factories import UserFactory
from ticketdesk.core.crypto import SECRET_UNREADABLE, decrypt
from ticketdesk.inbound.imap.fetcher import fetch_all_mailboxes
from ticketdesk.inbound.imap.services import update_mailbox
from ticketdesk.inbound.models import InboundMessage, Mailbox

from .dovecot import Account, DovecotServer
from .factories import MailboxFactory, mailbox_for, sample_message

pytestmark = pytest.mark.django_db

PASSWORD = "Pässwörd-in-the-column?"
BEFORE = ("inbound", "0003_mail_filters_and_inbox_decisions")
AFTER = ("inbound", "0004_encrypt_mailbox_passwords")


def stored_column(mailbox: Mailbox) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM inbound_mailbox WHERE id = %s", [mailbox.pk])
        return cursor.fetchone()[0]


def test_column_holds_a_token_never_the_password() -> None:
    mailbox = MailboxFactory(password=PASSWORD)

    column = stored_column(mailbox)
    assert PASSWORD not in column
    assert decrypt(column) == PASSWORD
    assert Mailbox.objects.get(pk=mailbox.pk).password == PASSWORD


def test_password_saved_through_the_form_and_the_service_is_encrypted(client: Client) -> None:
    client.force_login(UserFactory(admin=True))
    client.post(
        "/config/mailboxes/new/",
        {
            "name": "Support",
            "host": "imap.example.com",
            "port": "993",
            "security": "tls",
            "username": "support@example.com",
            "password": PASSWORD,
            "folder": "INBOX",
            "after_import": "seen",
            "is_active": "on",
        },
    )
    mailbox = Mailbox.objects.get()
    assert PASSWORD not in stored_column(mailbox)

    update_mailbox(mailbox, password="another one")

    assert "another one" not in stored_column(mailbox)
    assert Mailbox.objects.get().password == "another one"


def test_empty_password_stays_empty() -> None:
    assert stored_column(MailboxFactory(password="")) == ""


def test_fetch_from_dovecot_decrypts_the_stored_password(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.append(imap_account, "INBOX", [sample_message(1), sample_message(2)])
    mailbox_for(imap_account)

    [report] = fetch_all_mailboxes()

    assert (report.error, report.stored) == ("", 2)
    assert InboundMessage.objects.count() == 2


def test_a_changed_secret_key_is_named_on_the_mailbox_and_others_are_still_fetched(
    dovecot: DovecotServer, imap_account: Account, settings: Settings, client: Client
) -> None:
    settings.ENCRYPTION_KEY = ""
    lost = MailboxFactory(name="A lost key", password="whatever")
    settings.SECRET_KEY = "a-different-secret-key-" + "x" * 40
    dovecot.append(imap_account, "INBOX", [sample_message(1)])
    mailbox_for(imap_account, name="B still fine")

    reports = {report.mailbox: report for report in fetch_all_mailboxes()}

    assert reports["A lost key"].error == str(SECRET_UNREADABLE)
    assert Mailbox.objects.get(pk=lost.pk).last_error == str(SECRET_UNREADABLE)
    assert (reports["B still fine"].error, reports["B still fine"].stored) == ("", 1)
    client.force_login(UserFactory(admin=True))
    page = client.post(f"/config/mailboxes/{lost.pk}/test/", follow=True).content.decode()
    assert "The stored password cannot be decrypted" in page


def test_an_unreadable_password_is_kept_by_other_edits_and_replaced_by_a_new_one(
    dovecot: DovecotServer, imap_account: Account, settings: Settings
) -> None:
    mailbox = mailbox_for(imap_account, password=imap_account.password)
    token = stored_column(mailbox)
    settings.SECRET_KEY = "a-different-secret-key-" + "y" * 40
    unreadable = Mailbox.objects.get(pk=mailbox.pk)

    unreadable.name = "Renamed"
    unreadable.save()
    assert stored_column(mailbox) == token
    update_mailbox(Mailbox.objects.get(pk=mailbox.pk), password=imap_account.password)

    [report] = fetch_all_mailboxes()
    assert report.error == ""


def test_encryption_key_encrypts_and_older_secret_key_tokens_stay_readable(
    settings: Settings,
) -> None:
    settings.ENCRYPTION_KEY = ""
    first_secret = settings.SECRET_KEY
    older = MailboxFactory(password="from before")
    settings.ENCRYPTION_KEY = "a-separate-encryption-key-" + "z" * 40
    newer = MailboxFactory(password="from after")

    assert Mailbox.objects.get(pk=older.pk).password == "from before"
    settings.SECRET_KEY = "rotated-secret-key-" + "w" * 40
    assert Mailbox.objects.get(pk=newer.pk).password == "from after"
    assert str(Mailbox.objects.get(pk=older.pk).password) == ""  # no key opens it now
    settings.SECRET_KEY_FALLBACKS = [first_secret]
    assert Mailbox.objects.get(pk=older.pk).password == "from before"


@pytest.mark.django_db(transaction=True)
def test_migration_encrypts_plain_rows_and_reverses() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO inbound_mailbox (name, host, port, security, username, password, folder,"
            " is_active, after_import, move_to_folder, last_uid, last_error, locked_by)"
            " VALUES ('Old', 'imap.example.com', 993, 'tls', 'u', %s, 'INBOX', true, 'seen', '',"
            " 0, '', '')",
            [PASSWORD],
        )
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
        mailbox = Mailbox.objects.get(name="Old")
        assert PASSWORD not in stored_column(mailbox)
        assert mailbox.password == PASSWORD

        executor = MigrationExecutor(connection)
        executor.migrate([BEFORE])
        assert stored_column(mailbox) == PASSWORD
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
