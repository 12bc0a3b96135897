"""Configuration → Support → Mailboxes: administrators only; the password never comes back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from tests.accounts.factories import UserFactory
from ticketdesk.accounts.models import User
from ticketdesk.inbound.imap.forms import MOVE_TARGET_REQUIRED, PASSWORD_REQUIRED
from ticketdesk.inbound.imap.tasks import fetch_mailboxes
from ticketdesk.inbound.models import AfterImport, Mailbox, MailboxSecurity

from .dovecot import Account, DovecotServer
from .factories import MailboxFactory, mailbox_for, sample_message

pytestmark = pytest.mark.django_db

STORED_PASSWORD = "s3cr3t-Stored-Password"


@pytest.fixture
def admin(client: Client) -> User:
    user = UserFactory(admin=True)
    client.force_login(user)
    return user


def form_data(**overrides: object) -> dict[str, object]:
    data = {
        "name": "Support",
        "host": "imap.example.com",
        "port": "993",
        "security": MailboxSecurity.TLS,
        "username": "support@example.com",
        "password": "",
        "folder": "INBOX",
        "after_import": AfterImport.MARK_SEEN,
        "move_to_folder": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def queued_fetch_runs() -> int:
    return DBTaskResult.objects.filter(
        status="READY", task_path=fetch_mailboxes.module_path
    ).count()


@pytest.mark.parametrize("trait", ["agent", "read_only"])
def test_non_administrators_get_403_on_every_mailbox_page(client: Client, trait: str) -> None:
    client.force_login(UserFactory(**({trait: True} if trait != "agent" else {})))
    mailbox = MailboxFactory()
    pages = [
        ("get", "/config/mailboxes/"),
        ("get", "/config/mailboxes/new/"),
        ("post", "/config/mailboxes/new/"),
        ("get", f"/config/mailboxes/{mailbox.pk}/"),
        ("post", f"/config/mailboxes/{mailbox.pk}/"),
        ("post", f"/config/mailboxes/{mailbox.pk}/test/"),
        ("post", f"/config/mailboxes/{mailbox.pk}/delete/"),
        ("post", "/config/mailboxes/fetch/"),
    ]
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 403, url
    assert Mailbox.objects.count() == 1


def test_configuration_page_links_to_mailboxes(client: Client, admin: User) -> None:
    response = client.get("/config/")

    assert b'href="/config/mailboxes/"' in response.content


def test_administrator_creates_a_mailbox_and_a_fetch_is_queued(
    client: Client, admin: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/config/mailboxes/new/", form_data(password=STORED_PASSWORD))

    assert response.status_code == 302
    mailbox = Mailbox.objects.get()
    assert (mailbox.name, mailbox.password, mailbox.is_active) == ("Support", STORED_PASSWORD, True)
    assert queued_fetch_runs() == 1


def test_new_mailbox_needs_a_password(client: Client, admin: User) -> None:
    response = client.post("/config/mailboxes/new/", form_data())

    assert response.status_code == 200
    assert str(PASSWORD_REQUIRED) in response.content.decode()
    assert not Mailbox.objects.exists()


def test_move_action_needs_a_target_folder(client: Client, admin: User) -> None:
    data = form_data(password="x", after_import=AfterImport.MOVE)

    response = client.post("/config/mailboxes/new/", data)

    assert str(MOVE_TARGET_REQUIRED) in response.content.decode()


def test_port_must_be_a_tcp_port(client: Client, admin: User) -> None:
    response = client.post("/config/mailboxes/new/", form_data(password="x", port="70000"))

    assert response.status_code == 200
    assert not Mailbox.objects.exists()


def test_stored_password_is_never_shown_and_empty_keeps_it(client: Client, admin: User) -> None:
    mailbox = MailboxFactory(password=STORED_PASSWORD)

    page = client.get(f"/config/mailboxes/{mailbox.pk}/")
    invalid = client.post(f"/config/mailboxes/{mailbox.pk}/", form_data(port="not a number"))
    saved = client.post(f"/config/mailboxes/{mailbox.pk}/", form_data(name="Renamed"))

    for response in (page, invalid):
        assert STORED_PASSWORD not in response.content.decode()
    assert saved.status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.name, mailbox.password) == ("Renamed", STORED_PASSWORD)
    assert STORED_PASSWORD not in client.get("/config/mailboxes/").content.decode()


def test_new_password_replaces_the_stored_one(client: Client, admin: User) -> None:
    mailbox = MailboxFactory(password=STORED_PASSWORD)

    client.post(f"/config/mailboxes/{mailbox.pk}/", form_data(password="changed"))

    mailbox.refresh_from_db()
    assert mailbox.password == "changed"
    column = Mailbox.objects.filter(pk=mailbox.pk).values_list("password", flat=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM inbound_mailbox WHERE id = %s", [mailbox.pk])
        [(stored,)] = cursor.fetchall()
    assert list(column) == ["changed"]
    assert "changed" not in stored
    assert STORED_PASSWORD not in stored


def test_pointing_a_mailbox_at_another_folder_resets_its_progress(
    client: Client, admin: User
) -> None:
    mailbox = MailboxFactory(
        host="imap.example.com", folder="INBOX", last_uidvalidity=7, last_uid=42
    )

    client.post(f"/config/mailboxes/{mailbox.pk}/", form_data(folder="Support"))

    mailbox.refresh_from_db()
    assert (mailbox.folder, mailbox.last_uidvalidity, mailbox.last_uid) == ("Support", None, 0)


def test_renaming_keeps_progress(client: Client, admin: User) -> None:
    mailbox = MailboxFactory(
        host="imap.example.com",
        port=993,
        username="support@example.com",
        last_uidvalidity=7,
        last_uid=42,
    )

    client.post(f"/config/mailboxes/{mailbox.pk}/", form_data(name="Other name"))

    mailbox.refresh_from_db()
    assert (mailbox.last_uidvalidity, mailbox.last_uid) == (7, 42)


def test_list_shows_the_last_error(client: Client, admin: User) -> None:
    MailboxFactory(name="Sales", last_error="Login failed: [AUTHENTICATIONFAILED]")

    response = client.get("/config/mailboxes/")

    assert "Login failed: [AUTHENTICATIONFAILED]" in response.content.decode()


def test_delete_removes_the_mailbox(client: Client, admin: User) -> None:
    mailbox = MailboxFactory()

    response = client.post(f"/config/mailboxes/{mailbox.pk}/delete/")

    assert response.status_code == 302
    assert not Mailbox.objects.exists()


def test_fetch_now_queues_one_run(client: Client, admin: User) -> None:
    MailboxFactory()

    client.post("/config/mailboxes/fetch/")
    client.post("/config/mailboxes/fetch/")

    assert queued_fetch_runs() == 1


def test_connection_test_reports_the_folder_size(
    client: Client, admin: User, dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.append(imap_account, "INBOX", [sample_message(1), sample_message(2)])
    mailbox = mailbox_for(imap_account)

    response = client.post(f"/config/mailboxes/{mailbox.pk}/test/", follow=True)

    assert "The folder “INBOX” holds 2 messages." in response.content.decode()
    assert dovecot.flags(imap_account, "INBOX") == {1: set(), 2: set()}


def test_connection_test_with_a_wrong_password_shows_the_error(
    client: Client, admin: User, imap_account: Account
) -> None:
    mailbox = mailbox_for(imap_account, password="wrong")

    response = client.post(f"/config/mailboxes/{mailbox.pk}/test/", follow=True)

    content = response.content.decode()
    assert "The connection test failed: Login failed" in content
    assert "AUTHENTICATIONFAILED" in content
