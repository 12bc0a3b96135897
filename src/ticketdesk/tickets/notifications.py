"""Notification rules: turn a recorded change-set into outgoing e-mail.

`changeset_recorded` is called by every ticket service inside its transaction,
after the events are written. The rules live here so services never send mail
themselves; the outbox sends what is queued here once the transaction commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ticketdesk.tickets.services.changesets import ChangeSet


def changeset_recorded(changeset: ChangeSet) -> None:
    """Queue the e-mails a change-set causes (filled in by the e-mail-out rules)."""
