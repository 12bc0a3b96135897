"""Leased work queues: rows a worker claims for a while, and takes back from a dead predecessor.

A row is `sending` under `claimed_by` until `next_attempt_at` (the lease end). If its worker
dies, the lease runs out and another worker claims the row again; a worker restarted under
the same identity (`ticketdesk serve` keeps it) releases its predecessor's rows at once.
The e-mail outbox and the webhook deliveries both work this way; each model has `status`,
`claimed_by`, `next_attempt_at`, `attempts` and a manager method `due(now)`.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Collection, Sequence
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Model
from django.utils import timezone

from ticketdesk.core.workers import worker_id

logger = logging.getLogger(__name__)

# `claimed_by` is "<worker identity>|<pid>|<batch>"; the pid tells the processes of one identity
# apart, so a worker can tell its dead predecessor's leases from its own.
LEASE_SEPARATOR = "|"


class LeasedQueue:
    def __init__(
        self,
        model: type[Model],
        *,
        sending: str,
        queued: str,
        pending: Collection[str],
        label: str,
    ) -> None:
        self.model = model
        self.sending, self.queued, self.pending = sending, queued, pending
        self.label = label
        self._predecessors_released_in: int | None = None

    def new_lease(self) -> str:
        """A `claimed_by` value for one batch of this process."""
        return LEASE_SEPARATOR.join((_lease_prefix(), str(os.getpid()), uuid.uuid4().hex[:8]))

    def claim(
        self, *, limit: int, worker: str, lease: timedelta, related: Sequence[str] = ()
    ) -> list[Any]:
        """Lease up to `limit` due rows to `worker`; the claim counts as an attempt."""
        self.release_predecessors_once()
        now = timezone.now()
        manager = self.model._default_manager
        with transaction.atomic():
            # PostgreSQL: concurrent workers skip each other's rows. SQLite: the
            # IMMEDIATE transaction serializes claims; the status/time condition on
            # the UPDATE keeps a claim exclusive even without either.
            due = manager.due(now)
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            ids = list(due.values_list("pk", flat=True)[:limit])
            if not ids:
                return []
            manager.filter(pk__in=ids, status__in=self.pending, next_attempt_at__lte=now).update(
                status=self.sending,
                claimed_by=worker,
                next_attempt_at=now + lease,
                attempts=F("attempts") + 1,
            )
        claimed = manager.filter(pk__in=ids, claimed_by=worker)
        return list(claimed.select_related(*related).order_by("pk"))

    def release(self, rows: Sequence[Any]) -> None:
        """Hand untried rows back: due now, and the claim does not count as an attempt."""
        self.model._default_manager.filter(
            pk__in=[row.pk for row in rows], claimed_by=rows[0].claimed_by
        ).update(
            status=self.queued,
            next_attempt_at=timezone.now(),
            attempts=F("attempts") - 1,
            claimed_by="",
        )

    def release_predecessors(self) -> int:
        """Hand back, due now, the rows leased by a dead earlier process of this identity.

        Only one process runs under an identity at a time, so a lease held under it by
        another pid belongs to a predecessor that died mid-batch. The claim keeps counting
        as an attempt: a row that kills its worker reaches the attempt limit instead of
        looping forever.
        """
        prefix = _lease_prefix() + LEASE_SEPARATOR
        released = (
            self.model._default_manager.filter(status=self.sending, claimed_by__startswith=prefix)
            .exclude(claimed_by__startswith=f"{prefix}{os.getpid()}{LEASE_SEPARATOR}")
            .update(status=self.queued, next_attempt_at=timezone.now(), claimed_by="")
        )
        if released:
            logger.warning(
                "%s: released %d rows leased by a dead worker %s", self.label, released, prefix
            )
        return released

    def release_predecessors_once(self) -> None:
        # Once per process: its predecessors died before it started.
        if self._predecessors_released_in != os.getpid():
            self.release_predecessors()
            self._predecessors_released_in = os.getpid()


def _lease_prefix() -> str:
    return worker_id()[:45]
