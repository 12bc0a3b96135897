"""Two workers routing the same stored message at once on PostgreSQL: one ticket entry."""

from __future__ import annotations

import pytest

from tests.customers.factories import ContactFactory
from tests.threads import run_at_once
from ticketdesk.inbound.models import InboundMessage, InboundSource
from ticketdesk.inbound.services import route_message, store_raw_message
from ticketdesk.tickets.models import Message, Ticket

from .mail import compose


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_routing_one_message_make_one_ticket() -> None:
    contact = ContactFactory()
    stored, _ = store_raw_message(compose(sender=contact.email), source=InboundSource.IMAP)

    def work() -> None:
        route_message(InboundMessage.objects.get(pk=stored.pk))

    run_at_once([work] * 4)
    stored.refresh_from_db()
    assert Ticket.objects.count() == 1
    assert Message.objects.count() == 1
    assert stored.ticket == Ticket.objects.get()
