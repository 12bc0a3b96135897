"""Support contracts (points per customer), their append-only ledger, the points settings.

A contract's balance is never stored: it is the sum of its ledger movements (the opening
credit of its total points, adjustments, manual credits and debits, time consumed and
its reversals). Rows of the ledger are only ever added.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.models import TimeStampedModel
from ticketdesk.customers.models import Customer
from ticketdesk.tickets.models import Ticket

SETTINGS_PK = 1
DEFAULT_MINUTES_PER_POINT = 15
# A point is at most a working day; a contract at most a million points (typing errors).
MAX_MINUTES_PER_POINT = 480
MAX_POINTS = 1_000_000
REASON_MAX_LENGTH = 500


class Rounding(models.TextChoices):
    PER_SEGMENT = "segment", _("per time entry (each entry rounded up to whole points)")
    PER_TICKET = "ticket", _("per ticket (the ticket's billable time rounded up)")


class PointsSettings(TimeStampedModel):
    """The instance's points settings (one row, pk 1; defaults when it is missing)."""

    minutes_per_point = models.PositiveIntegerField(
        _("minutes per point"),
        default=DEFAULT_MINUTES_PER_POINT,
        validators=[MinValueValidator(1)],
    )
    price_per_point = models.DecimalField(
        _("price per point"), max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    rounding = models.CharField(
        _("rounding"), max_length=10, choices=Rounding.choices, default=Rounding.PER_SEGMENT
    )
    refuse_when_exhausted = models.BooleanField(
        _("refuse billable time when the contract is exhausted"), default=False
    )

    class Meta:
        verbose_name = _("points settings")
        verbose_name_plural = _("points settings")

    def __str__(self) -> str:
        return str(_("Points settings"))

    @property
    def currency(self) -> str:
        return settings.POINTS_CURRENCY

    def points_for(self, minutes: int) -> int:
        """Whole points for `minutes`, always rounded up."""
        return -(-max(minutes, 0) // self.minutes_per_point)


class ContractQuerySet(models.QuerySet["Contract"]):
    def for_customer(self, customer: Customer | int) -> ContractQuerySet:
        """Contracts the customer owns or that are shared with it."""
        pk = customer if isinstance(customer, int) else customer.pk
        shared = Contract.shared_with.through.objects.filter(customer_id=pk).values("contract_id")
        return self.filter(Q(customer_id=pk) | Q(pk__in=shared))

    def valid_on(self, day: datetime.date) -> ContractQuerySet:
        return self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day), is_active=True, valid_from__lte=day
        )

    def oldest_first(self) -> ContractQuerySet:
        """The order in which contracts are consumed."""
        return self.order_by("valid_from", "pk")


class Contract(TimeStampedModel):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=100)
    total_points = models.PositiveIntegerField(_("total points"))
    alert_threshold = models.PositiveIntegerField(
        _("alert threshold"),
        default=0,
        help_text=_(
            "Administrators and the customer's portal admins are e-mailed when the "
            "balance falls to this number of points."
        ),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    shared_with = models.ManyToManyField(
        Customer,
        related_name="shared_contracts",
        blank=True,
        verbose_name=_("shared with"),
        help_text=_("Other customers (group companies) whose time consumes this contract."),
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="contract_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contracts:detail", args=[self.customer_id, self.pk])

    def is_valid_on(self, day: datetime.date) -> bool:
        return (
            self.is_active
            and self.valid_from <= day
            and (self.valid_to is None or self.valid_to >= day)
        )


class MovementKind(models.TextChoices):
    OPENING = "opening", _("contract points")
    ADJUSTMENT = "adjustment", _("total points changed")
    CREDIT = "credit", _("manual credit")
    DEBIT = "debit", _("manual debit")
    TIME = "time", _("time logged")
    REVERSAL = "reversal", _("time corrected or deleted")


# What counts as consumption in reports: time, its reversals and manual debits.
CONSUMPTION_KINDS = (MovementKind.TIME, MovementKind.REVERSAL, MovementKind.DEBIT)
TIME_KINDS = (MovementKind.TIME, MovementKind.REVERSAL)


class MovementQuerySet(models.QuerySet["Movement"]):
    def balances(self) -> dict[int, int]:
        """{contract id: balance} of the contracts these movements belong to (one query)."""
        rows = self.order_by().values("contract").annotate(total=Sum("points"))
        return {row["contract"]: row["total"] for row in rows}

    def total(self) -> int:
        return self.aggregate(total=Coalesce(Sum("points"), 0))["total"]

    def consumption(self) -> MovementQuerySet:
        return self.filter(kind__in=CONSUMPTION_KINDS)

    def of_time(self) -> MovementQuerySet:
        return self.filter(kind__in=TIME_KINDS)


class Movement(models.Model):
    """One row of a contract's ledger: `points` added (positive) or taken (negative)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="movements", verbose_name=_("contract")
    )
    # Whose consumption it is: the ticket's customer (a shared contract has several).
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    points = models.IntegerField(_("points"))
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticket"),
    )
    # The time segment it was charged for; a plain number, as segments are deleted.
    segment_id = models.PositiveBigIntegerField(_("time entry"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # When it counts (time: when the work started; reports group by it).
    booked_at = models.DateTimeField(_("booked"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("point movement")
        verbose_name_plural = _("point movements")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["contract", "created_at"], name="movement_contract_idx"),
            models.Index(fields=["booked_at", "customer"], name="movement_booked_idx"),
            models.Index(fields=["segment_id"], name="movement_segment_idx"),
            models.Index(fields=["ticket", "kind"], name="movement_ticket_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="movement_points_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.points:+d} ({self.kind})"


class PointsAlert(models.Model):
    """A contract's balance fell to its alert threshold (one row per crossing, mail sent)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("contract")
    )
    balance = models.IntegerField(_("balance"))
    threshold = models.PositiveIntegerField(_("alert threshold"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("points alert")
        verbose_name_plural = _("points alerts")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.balance}"


class PointsSummary(models.Model):
    """The daily points summary of `day` was sent (unique: once a day, however many workers)."""

    day = models.DateField(_("day"), unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily points summary")
        verbose_name_plural = _("daily points summaries")

    def __str__(self) -> str:
        return self.day.isoformat()
