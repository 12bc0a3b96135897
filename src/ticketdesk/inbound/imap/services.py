"""Every write to the IMAP mailbox configuration."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ticketdesk.inbound.models import Mailbox

from .tasks import schedule_fetch

# Changing any of these points the mailbox at another folder, whose UIDs are unrelated.
_FOLDER_IDENTITY = ("host", "port", "username", "folder")


@transaction.atomic
def create_mailbox(**fields: Any) -> Mailbox:
    """A new mailbox. Side effects: when active, a fetch run is queued on commit."""
    mailbox = Mailbox.objects.create(**fields)
    if mailbox.is_active:
        transaction.on_commit(schedule_fetch, robust=True)
    return mailbox


@transaction.atomic
def update_mailbox(mailbox: Mailbox, *, password: str = "", **fields: Any) -> Mailbox:
    """Save changed settings; an empty `password` keeps the stored one.

    Side effects: pointing the mailbox at another server, account or folder resets
    its progress (the store still recognises messages imported before); when active,
    a fetch run is queued on commit.
    """
    if any(name in fields and fields[name] != getattr(mailbox, name) for name in _FOLDER_IDENTITY):
        fields.update(last_uidvalidity=None, last_uid=0)
    if password:
        fields["password"] = password
    for name, value in fields.items():
        setattr(mailbox, name, value)
    mailbox.save(update_fields=list(fields))
    if mailbox.is_active:
        transaction.on_commit(schedule_fetch, robust=True)
    return mailbox


@transaction.atomic
def delete_mailbox(mailbox: Mailbox) -> None:
    """Remove the mailbox; the messages it imported stay (they name it as text)."""
    mailbox.delete()
