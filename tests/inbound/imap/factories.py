"""Factories and sample messages for the IMAP tests."""

from __future__ import annotations

import factory

from ticketdesk.inbound.models import AfterImport, Mailbox, MailboxSecurity

from .dovecot import Account


class MailboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mailbox

    name = factory.Sequence(lambda n: f"Support {n}")
    host = "127.0.0.1"
    port = 143
    security = MailboxSecurity.NONE
    username = factory.Sequence(lambda n: f"user{n}")
    password = "imap-secret"
    folder = "INBOX"
    after_import = AfterImport.LEAVE


def mailbox_for(account: Account, **fields: object) -> Mailbox:
    account_fields = {
        "host": account.host,
        "port": account.port,
        "username": account.username,
        "password": account.password,
    }
    return MailboxFactory(**{**account_fields, **fields})


def sample_message(number: int, *, tag: str = "imap", sender: str | None = None) -> bytes:
    """A small RFC 5322 message with its own Message-ID, from its own sender."""
    sender = sender or f"customer{number}@{tag}.example"
    return (
        f"From: Customer {number} <{sender}>\r\n"
        f"To: support@example.com\r\n"
        f"Subject: Problem number {number}\r\n"
        f"Message-ID: <{tag}-{number}@customers.example>\r\n"
        f"Date: Mon, 02 Mar 2026 10:00:00 +0100\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n"
        f"\r\n"
        f"Hello, this is message {number}.\r\n"
    ).encode()


def message_id(number: int, *, tag: str = "imap") -> str:
    return f"{tag}-{number}@customers.example"
