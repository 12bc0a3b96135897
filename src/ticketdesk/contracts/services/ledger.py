"""Writing the ledger: movements appended under the contracts' row locks, alerts on crossing.

Every movement goes through `Ledger`: it locks the contracts it touches (in id order, so two
writers never deadlock), reads their balances, appends the rows and then e-mails an alert
for each contract whose balance fell from above its alert threshold to it or below. The
balance is the sum of the rows; nothing else is ever updated.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..models import Contract, Movement, MovementKind

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User
    from ticketdesk.customers.models import Customer
    from ticketdesk.tickets.models import Ticket


def lock_contracts(ids: Iterable[int]) -> dict[int, Contract]:
    """The contracts, locked for this transaction, in id order; {id: contract}."""
    rows = Contract.objects.select_for_update().filter(pk__in=sorted(set(ids))).order_by("pk")
    return {contract.pk: contract for contract in rows}


class Ledger:
    """Movements of some locked contracts, written together by `save()`."""

    def __init__(self, contracts: dict[int, Contract]) -> None:
        self.contracts = contracts
        self.before = Movement.objects.filter(contract__in=list(contracts)).balances()
        self.balance = {pk: self.before.get(pk, 0) for pk in contracts}
        self.rows: list[Movement] = []

    def add(
        self,
        contract: Contract,
        *,
        points: int,
        kind: str,
        booked_at: datetime.datetime,
        customer: Customer | None = None,
        customer_id: int | None = None,
        ticket: Ticket | None = None,
        segment_id: int | None = None,
        reason: str = "",
        by: User | None = None,
    ) -> None:
        if points == 0:
            return
        self.rows.append(
            Movement(
                contract=contract,
                customer_id=customer.pk if customer else customer_id or contract.customer_id,
                kind=MovementKind(kind),
                points=points,
                ticket=ticket,
                segment_id=segment_id,
                reason=reason,
                by=by,
                booked_at=booked_at,
            )
        )
        self.balance[contract.pk] += points

    def save(self) -> list[Movement]:
        """Append the rows; alert for every contract that reached its threshold by them.

        Side effects: Movement rows; per crossing a PointsAlert and its e-mails (outbox).
        """
        from .mails import alert_threshold_reached

        if not self.rows:
            return []
        created = Movement.objects.bulk_create(self.rows)
        for pk, contract in self.contracts.items():
            before, after = self.before.get(pk, 0), self.balance[pk]
            if before > contract.alert_threshold >= after:
                alert_threshold_reached(contract, balance=after)
        self.rows = []
        return created
