"""E-mails of contracts through the outbox: the threshold alert and the daily points summary.

Each e-mail is three templates (subject, text, HTML) rendered in the recipient's language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ticketdesk.accounts.models import Role, User
from ticketdesk.customers.models import Contact
from ticketdesk.outbox.services import queue_mail

from ..models import Contract, Movement, PointsAlert, PointsSummary
from .config import points_settings

ALERT = "contracts/email/threshold"
SUMMARY = "contracts/email/summary"


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str


def administrators() -> list[Recipient]:
    users = User.objects.active().filter(role=Role.ADMINISTRATOR).exclude(email="").order_by("pk")
    return [
        Recipient(u.email, u.get_full_name(), u.language or settings.LANGUAGE_CODE) for u in users
    ]


def portal_admins(contract: Contract) -> list[Recipient]:
    """The contract customer's active portal-admin contacts with an address."""
    customer = contract.customer
    contacts = (
        Contact.objects.active()
        .filter(customers=customer, portal_admin=True)
        .exclude(email="")
        .order_by("pk")
    )
    return [
        Recipient(c.email, c.name, c.language or customer.language or settings.LANGUAGE_CODE)
        for c in contacts
    ]


def _queue(template: str, recipient: Recipient, context: dict[str, Any], reference: str) -> None:
    with translation.override(recipient.language):
        context = {**context, "recipient": recipient}
        subject = render_to_string(f"{template}_subject.txt", context)
        queue_mail(
            to=[recipient.email],
            subject=" ".join(subject.split()),
            text=render_to_string(f"{template}.txt", context),
            html=render_to_string(f"{template}.html", context),
            auto_generated=True,
            reference=reference,
            language=recipient.language,
        )


def alert_threshold_reached(contract: Contract, *, balance: int) -> PointsAlert:
    """The balance fell to the threshold: record it, e-mail the customer's portal admins
    and the administrators (outbox rows in the running transaction)."""
    alert = PointsAlert.objects.create(
        contract=contract, balance=balance, threshold=contract.alert_threshold
    )
    context = {
        "contract": contract,
        "customer": contract.customer,
        "balance": balance,
        "threshold": contract.alert_threshold,
        "minutes_per_point": points_settings().minutes_per_point,
    }
    seen: set[str] = set()
    for recipient in [*portal_admins(contract), *administrators()]:
        if recipient.email.lower() in seen:
            continue
        seen.add(recipient.email.lower())
        _queue(ALERT, recipient, context, reference=f"contract-{contract.pk}")
    return alert


@dataclass(frozen=True)
class SummaryRow:
    contract: Contract
    balance: int
    consumed: int

    @property
    def below_threshold(self) -> bool:
        return self.balance <= self.contract.alert_threshold


def summary_rows(day: datetime.date) -> list[SummaryRow]:
    """Active contracts valid on `day` with balance and the points consumed the day
    before (by when the movements were written); three queries."""
    contracts = list(
        Contract.objects.valid_on(day).select_related("customer").order_by("customer__name", "pk")
    )
    ids = [c.pk for c in contracts]
    balances = Movement.objects.filter(contract__in=ids).balances()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    consumed = dict(
        Movement.objects.filter(contract__in=ids)
        .consumption()
        .filter(created_at__gte=start - datetime.timedelta(days=1), created_at__lt=start)
        .order_by()
        .values("contract")
        .annotate(total=Sum("points"))
        .values_list("contract", "total")
    )
    return [SummaryRow(c, balances.get(c.pk, 0), -consumed.get(c.pk, 0)) for c in contracts]


def send_points_summary(day: datetime.date | None = None) -> bool:
    """E-mail the administrators the points summary of `day` (today), once per day.

    Returns False when it was sent already (another worker, an earlier run). A day
    without any valid contract records the day but mails no one.
    """
    day = day or timezone.localdate()
    try:
        with transaction.atomic():
            PointsSummary.objects.create(day=day)
            rows = summary_rows(day)
            if rows:
                config = points_settings()
                context = {"day": day, "rows": rows, "currency": config.currency}
                for recipient in administrators():
                    _queue(SUMMARY, recipient, context, reference=f"points-{day.isoformat()}")
    except IntegrityError:
        return False
    return True
