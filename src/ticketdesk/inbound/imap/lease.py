"""The lease that lets one fetcher at a time work on a mailbox, on SQLite and PostgreSQL alike.

A lease is taken with one conditional UPDATE (free, or expired) and renewed by every
progress write, which is conditional on still holding it. Both databases make a
single UPDATE atomic: SQLite holds its one write lock, PostgreSQL re-checks the WHERE
clause on the committed row after waiting for a concurrent updater. So exactly one of
two fetchers starting together gets the lease; the other skips the mailbox. A fetcher
that dies keeps the mailbox only until the lease expires. Unlike a row lock held for
the run (SELECT ... FOR UPDATE, advisory locks) it needs no open transaction or
dedicated connection during slow network I/O, and it works the same on SQLite.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ticketdesk.inbound.models import Mailbox


class LeaseLost(Exception):
    """The lease ran out and another fetcher took the mailbox over."""


def lease_duration() -> timedelta:
    return timedelta(seconds=settings.INBOUND_FETCH_LEASE_SECONDS)


@dataclass(frozen=True)
class Lease:
    mailbox_id: int
    holder: str

    @classmethod
    def take(cls, mailbox: Mailbox) -> Lease | None:
        """The lease on `mailbox`, or None while another fetcher holds it."""
        holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[-100:]
        now = timezone.now()
        taken = (
            Mailbox.objects.filter(pk=mailbox.pk)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
            .update(locked_by=holder, locked_until=now + lease_duration())
        )
        return cls(mailbox_id=mailbox.pk, holder=holder) if taken else None

    def renew(self, **fields: Any) -> None:
        """Extend the lease and write `fields` in one statement; LeaseLost if it is gone."""
        held = Mailbox.objects.filter(pk=self.mailbox_id, locked_by=self.holder).update(
            locked_until=timezone.now() + lease_duration(), **fields
        )
        if not held:
            raise LeaseLost

    def release(self, **fields: Any) -> None:
        Mailbox.objects.filter(pk=self.mailbox_id, locked_by=self.holder).update(
            locked_by="", locked_until=None, **fields
        )
