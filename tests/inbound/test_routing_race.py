"""Two workers routing the same stored message at once on PostgreSQL: one ticket entry."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.customers.factories import ContactFactory
from ticketdesk.inbound.models import InboundMessage, InboundSource
from ticketdesk.inbound.services import route_message, store_raw_message
from ticketdesk.tickets.models import Message, Ticket

from .mail import compose


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_routing_one_message_make_one_ticket() -> None:
    contact = ContactFactory()
    stored, _ = store_raw_message(compose(sender=contact.email), source=InboundSource.IMAP)
    barrier = threading.Barrier(4)

    def work() -> None:
        try:
            copy = InboundMessage.objects.get(pk=stored.pk)
            barrier.wait()
            route_message(copy)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored.refresh_from_db()
    assert Ticket.objects.count() == 1
    assert Message.objects.count() == 1
    assert stored.ticket == Ticket.objects.get()
