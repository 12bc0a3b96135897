"""Contracts made through the service, so each has its opening credit in the ledger."""

from __future__ import annotations

import datetime
from typing import Any

from tests.accounts.factories import UserFactory
from ticketdesk.contracts.models import Contract
from ticketdesk.contracts.services.contracts import create_contract
from ticketdesk.customers.models import Customer


def make_contract(customer: Customer, **values: Any) -> Contract:
    if "by" not in values:
        values["by"] = UserFactory(admin=True)
    values.setdefault("name", "Support")
    values.setdefault("total_points", 10)
    values.setdefault("valid_from", datetime.date(2026, 1, 1))
    return create_contract(customer, **values)
