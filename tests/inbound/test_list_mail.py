"""List, bulk and no-reply mail: a ticket like any other, but never an automatic answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory
from ticketdesk.inbound.models import ReviewReason
from ticketdesk.outbox.models import OutboundMail
from ticketdesk.tickets import services
from ticketdesk.tickets.models import Ticket

from .corpus import require_corpus
from .mail import deliver

pytestmark = pytest.mark.django_db

MAILS = Path(__file__).parent / "mails" / "bounces"
PRECEDENCE_MAILS = ["list-mail.eml", "bulk-notice.eml"]
OTHER_QUIET_MAILS = ["list-unsubscribe-only.eml", "no-reply-sender.eml"]


@pytest.mark.parametrize(
    "name",
    [*PRECEDENCE_MAILS, *OTHER_QUIET_MAILS],
)
def test_list_bulk_and_no_reply_mail_queue_no_confirmation(name: str) -> None:
    deliver((MAILS / name).read_bytes())
    assert not OutboundMail.objects.exists()


@pytest.mark.parametrize("name", [*PRECEDENCE_MAILS, *OTHER_QUIET_MAILS])
def test_list_bulk_and_no_reply_mail_open_a_ticket(name: str) -> None:
    inbound = deliver((MAILS / name).read_bytes())
    assert not inbound.is_auto_reply
    assert not inbound.is_bounce
    assert inbound.ticket is not None
    assert not OutboundMail.objects.exists()


def test_list_mail_from_a_contact_is_their_ticket_and_the_agent_can_answer() -> None:
    jonas = ContactFactory(email="jonas@customer.example", name="Jonas Weber")
    inbound = deliver((MAILS / "list-mail.eml").read_bytes())
    ticket = inbound.ticket
    assert ticket.requester == jonas
    assert ticket.subject == "[users] Printer driver 4.2 crashes on Windows 11"
    assert not OutboundMail.objects.exists()
    services.add_reply(ticket, by=UserFactory(), text="Driver 4.2.1 fixes this.")
    [reply] = OutboundMail.objects.all()
    assert reply.to == [jonas.email]
    assert reply.cc == []  # never the whole list


def test_automatic_notice_on_a_list_still_opens_no_ticket() -> None:
    """mail089 of the Zammad corpus: ServiceNow, Precedence bulk and Auto-Submitted."""
    raw = (require_corpus() / "zammad-mail" / "mail089.box").read_bytes()
    inbound = deliver(raw)
    assert inbound.is_auto_reply
    assert inbound.review_reason == ReviewReason.AUTOMATIC
    assert not Ticket.objects.exists()
    assert not OutboundMail.objects.exists()
