"""What contracts add to other apps' pages: the ticket's points panel and the customer's
contracts panel. Each reads in a fixed number of queries, whatever the number of movements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from .models import Contract, Movement
from .permissions import can_manage_contracts, can_view_points
from .services.config import points_settings

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User
    from ticketdesk.customers.models import Customer
    from ticketdesk.tickets.models import Ticket


@dataclass(frozen=True)
class ContractBalance:
    contract: Contract
    balance: int
    valid_today: bool

    @property
    def below_threshold(self) -> bool:
        return self.balance <= self.contract.alert_threshold

    @property
    def exhausted(self) -> bool:
        return self.balance <= 0


def contract_balances(contracts: list[Contract]) -> list[ContractBalance]:
    """Each contract with its balance (one query for all)."""
    balances = Movement.objects.filter(contract__in=[c.pk for c in contracts]).balances()
    today = timezone.localdate()
    return [ContractBalance(c, balances.get(c.pk, 0), c.is_valid_on(today)) for c in contracts]


def ticket_points_context(ticket: Ticket, user: User) -> dict[str, Any] | None:
    """The points of the ticket's customer and what the ticket consumed; None without
    any contract (three queries)."""
    if not can_view_points(user):
        return None
    today = timezone.localdate()
    contracts = list(
        Contract.objects.for_customer(ticket.customer_id).valid_on(today).oldest_first()
    )
    charged = -Movement.objects.of_time().filter(ticket=ticket).total()
    if not contracts and not charged:
        return None
    rows = contract_balances(contracts)
    config = points_settings()
    return {
        "ticket": ticket,
        "contracts": rows,
        "available": sum(max(row.balance, 0) for row in rows),
        "balance": sum(row.balance for row in rows),
        "exhausted": bool(rows) and all(row.exhausted for row in rows),
        "refuses": config.refuse_when_exhausted,
        "charged": charged,
        "minutes_per_point": config.minutes_per_point,
    }


def customer_contracts_context(customer: Customer, user: User) -> dict[str, Any] | None:
    """The customer's contracts (owned and shared with it) with balances (three queries)."""
    if not can_view_points(user):
        return None
    contracts = list(
        Contract.objects.for_customer(customer)
        .select_related("customer")
        .prefetch_related("shared_with")
        .order_by("-is_active", "valid_from", "pk")
    )
    return {
        "customer": customer,
        "contracts": contract_balances(contracts),
        "can_manage": can_manage_contracts(user),
        "currency": points_settings().currency,
    }
