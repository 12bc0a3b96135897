"""Factories for tickets; configuration lists come from the default data migration."""

from __future__ import annotations

from typing import Any

import factory

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory, CustomerFactory
from ticketdesk.tickets import services
from ticketdesk.tickets.models import Priority, Status, Ticket


def status(name_en: str) -> Status:
    return Status.objects.get(name_en=name_en)


def priority(name_en: str) -> Priority:
    return Priority.objects.get(name_en=name_en)


class TicketFactory(factory.Factory):
    """Opens tickets through the service, so every ticket is a real, consistent one."""

    class Meta:
        model = Ticket

    customer = factory.SubFactory(CustomerFactory)
    requester = factory.LazyAttribute(lambda o: ContactFactory(customers=[o.customer]))
    subject = factory.Sequence(lambda n: f"Internet connection drops #{n}")
    text = "Since this morning the line drops every ten minutes."
    by = factory.SubFactory(UserFactory)
    closed = False

    @classmethod
    def _create(cls, model_class: type[Ticket], **kwargs: Any) -> Ticket:
        closed = kwargs.pop("closed", False)
        ticket = services.open_ticket(**kwargs)
        if closed:
            services.close_ticket(ticket, by=kwargs["by"])
        return ticket
