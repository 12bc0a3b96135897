"""The IMAP fetcher: each new message of an active mailbox is stored once and routed once.

Per message: download (BODY.PEEK[], so \\Seen stays as it was), store the raw bytes
(committed), record the UID as progress (its own statement, after the store), route,
then apply the mailbox's after-import action. A fetcher killed between the store and
the progress write downloads that message again next time, and the store returns the
row it already has (same bytes, line endings aside): stored once, routed once. A
fetcher killed after the progress write leaves a stored but unrouted row, which the
next run routes before it looks for new mail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.crypto import SecretUnreadable, reveal
from ticketdesk.inbound.models import AfterImport, InboundMessage, InboundSource, Mailbox
from ticketdesk.inbound.services import route_message, store_raw_message

from .client import FolderState, ImapError, ImapSession, ServerSettings, open_session
from .lease import Lease, LeaseLost

logger = logging.getLogger(__name__)

INTERNAL_ERROR = _("Internal error while fetching: %(error)s")
LEASE_LOST = _("Another fetcher took over this mailbox (the lease ran out).")
RESUME_BATCH = 100

# Called after each imported message: (mailbox, uid, stored row, newly stored?).
OnMessage = Callable[[Mailbox, int, InboundMessage, bool], None]


@dataclass
class FetchReport:
    """What one run did for one mailbox."""

    mailbox: str
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    locked: bool = False
    error: str = ""


# The connection test runs inside a web request: it must give up well before gunicorn's own
# 30 s worker timeout, and never wait longer than the configured IMAP timeout.
CHECK_TIMEOUT_SECONDS = 15.0


def server_settings(mailbox: Mailbox, *, timeout: float | None = None) -> ServerSettings:
    """How to reach the mailbox; ImapError when its stored password cannot be decrypted."""
    try:
        password = reveal(mailbox.password)
    except SecretUnreadable as exc:
        raise ImapError(str(exc)) from None
    return ServerSettings(
        host=mailbox.host,
        port=mailbox.port,
        security=mailbox.security,
        username=mailbox.username,
        password=password,
        timeout=timeout or float(settings.INBOUND_IMAP_TIMEOUT_SECONDS),
    )


def check_connection(mailbox: Mailbox) -> FolderState:
    """Log in and open the folder, changing nothing; raises ImapError.

    Runs inside a web request, so a server that does not answer fails sooner.
    """
    timeout = min(CHECK_TIMEOUT_SECONDS, float(settings.INBOUND_IMAP_TIMEOUT_SECONDS))
    with open_session(server_settings(mailbox, timeout=timeout)) as session:
        return session.select(mailbox.folder)


def fetch_all_mailboxes(*, on_message: OnMessage | None = None) -> list[FetchReport]:
    """One run over every active mailbox; a failing mailbox does not stop the others."""
    return [fetch_mailbox(mailbox, on_message=on_message) for mailbox in Mailbox.objects.active()]


def fetch_mailbox(mailbox: Mailbox, *, on_message: OnMessage | None = None) -> FetchReport:
    """Import the new messages of `mailbox`, unless another fetcher holds its lease.

    Side effects: InboundMessage rows (routed into tickets by the inbound pipeline);
    progress, last_fetch_at and last_error on the mailbox; the after-import action
    on the server.
    """
    report = FetchReport(mailbox=mailbox.name)
    lease = Lease.take(mailbox)
    if lease is None:
        report.locked = True
        return report
    try:
        _resume_unrouted(mailbox)
        with open_session(server_settings(mailbox)) as session:
            current = Mailbox.objects.get(pk=mailbox.pk)
            _import_new(session, current, lease, report, on_message)
    except LeaseLost:
        logger.warning("imap %s: lease lost, stopping", mailbox.name)
        report.error = str(LEASE_LOST)
        return report  # the new holder owns the row now; leave its lease alone
    except ImapError as exc:
        report.error = str(exc)
    except Exception as exc:  # one broken mailbox must not stop the others or the loop
        logger.exception("imap %s: fetch failed", mailbox.name)
        report.error = str(INTERNAL_ERROR % {"error": exc})
    if report.error:
        logger.warning("imap %s: %s", mailbox.name, report.error)
    lease.release(last_fetch_at=timezone.now(), last_error=report.error[:5000])
    return report


def _import_new(
    session: ImapSession,
    mailbox: Mailbox,
    lease: Lease,
    report: FetchReport,
    on_message: OnMessage | None,
) -> None:
    state = session.select(mailbox.folder)
    last_uid = mailbox.last_uid
    if state.uidvalidity != mailbox.last_uidvalidity:
        # RFC 3501 §2.3.1.1: under a new UIDVALIDITY the old UIDs mean nothing. Start
        # over; the store recognises every message imported before.
        if mailbox.last_uidvalidity is not None:
            logger.info("imap %s: UIDVALIDITY changed, fetching the folder again", mailbox.name)
        last_uid = 0
        lease.renew(last_uidvalidity=state.uidvalidity, last_uid=0)
    else:
        lease.renew()
    for uid in session.uids_after(last_uid):
        inbound, created = _download_and_store(session, mailbox, state, uid)
        # Progress only after the store committed, in a statement of its own.
        lease.renew(last_uid=uid)
        if inbound is None:
            continue  # expunged by someone else between SEARCH and FETCH
        report.fetched += 1
        report.stored += int(created)
        report.duplicates += int(not created)
        route_message(inbound)
        _after_import(session, mailbox, uid, report)
        if on_message is not None:
            on_message(mailbox, uid, inbound, created)


def _download_and_store(
    session: ImapSession, mailbox: Mailbox, state: FolderState, uid: int
) -> tuple[InboundMessage | None, bool]:
    raw = session.fetch(uid)
    if raw is None:
        return None, False
    return store_raw_message(
        raw,
        source=InboundSource.IMAP,
        mailbox=mailbox.name,
        imap_uidvalidity=state.uidvalidity,
        imap_uid=uid,
    )


def _after_import(session: ImapSession, mailbox: Mailbox, uid: int, report: FetchReport) -> None:
    """Apply the mailbox's action; a failure is reported but does not stop the import."""
    try:
        if mailbox.after_import == AfterImport.MARK_SEEN:
            session.mark_seen(uid)
        elif mailbox.after_import == AfterImport.MOVE:
            session.move(uid, mailbox.move_to_folder)
        elif mailbox.after_import == AfterImport.DELETE:
            session.delete(uid)
    except ImapError as exc:
        report.error = report.error or str(exc)


def _resume_unrouted(mailbox: Mailbox) -> None:
    """Route what an earlier run stored but did not get to route before it died."""
    stranded = InboundMessage.objects.without_raw().filter(
        source=InboundSource.IMAP, mailbox=mailbox.name, processed_at__isnull=True
    )
    for inbound in stranded.order_by("pk")[:RESUME_BATCH]:
        route_message(inbound)
