"""The ticket, its numbering, its copied addresses and its per-agent read marks."""

from __future__ import annotations

from django.conf import settings
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketdesk.customers.models import Customer


class Source(models.TextChoices):
    AGENT = "agent", _("Agent")
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("E-mail")
    API = "api", _("API")


class TicketSequence(models.Model):
    """One row holding the last ticket number handed out.

    Incrementing it with an UPDATE inside the ticket's transaction takes a row
    lock, so concurrent openings get consecutive, unique numbers on PostgreSQL
    and SQLite alike, and a rolled-back opening returns nothing twice.
    """

    last_number = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("ticket number counter")
        verbose_name_plural = _("ticket number counters")

    @classmethod
    def next_number(cls) -> int:
        """The next ticket number, in one statement on the hot path of every new ticket.

        UPDATE ... RETURNING (SQLite 3.35+, PostgreSQL) increments and reads at once;
        the row lock it takes serializes concurrent openers until their commit.
        """
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE tickets_ticketsequence SET last_number = last_number + 1 WHERE id = 1 "
                "RETURNING last_number"
            )
            row = cursor.fetchone()
        if row is not None:
            return row[0]
        cls.objects.get_or_create(pk=1)
        return cls.next_number()


class TicketQuerySet(models.QuerySet["Ticket"]):
    def open(self) -> TicketQuerySet:
        return self.filter(status__is_closed=False)

    def closed(self) -> TicketQuerySet:
        return self.filter(status__is_closed=True)

    def assigned_to(self, user: object) -> TicketQuerySet:
        return self.filter(assignee=user)

    def unassigned(self) -> TicketQuerySet:
        return self.filter(assignee__isnull=True)

    def of_teams(self, teams: object) -> TicketQuerySet:
        return self.filter(team__in=teams)

    def with_list_columns(self) -> TicketQuerySet:
        return self.select_related(
            "customer", "status", "priority", "category", "subcategory", "team", "assignee"
        )

    def search(self, term: str) -> TicketQuerySet:
        """Tickets by number ("T-12", "#12", "12"), subject or customer name.

        A reference with the number prefix or "#" matches the number only. The
        customer names are matched once in a subquery, not joined per ticket.
        """
        term = term.strip()
        if not term:
            return self
        prefix = settings.TICKET_NUMBER_PREFIX
        digits = term[len(prefix) :] if term.lower().startswith(prefix.lower()) else term
        digits = digits.lstrip("#")
        if digits.isdigit() and digits != term:
            return self.filter(number=int(digits))
        customers = Customer.objects.filter(name__icontains=term).values("pk")
        query = models.Q(subject__icontains=term) | models.Q(customer__in=customers)
        if digits.isdigit():
            query |= models.Q(number=int(digits))
        return self.filter(query)


class Ticket(models.Model):
    number = models.PositiveBigIntegerField(_("number"), unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=250)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("customer"),
    )
    requester = models.ForeignKey(
        "customers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requested_tickets",
        verbose_name=_("requester"),
    )
    requester_email = models.EmailField(
        _("requester e-mail"),
        blank=True,
        help_text=_("Address of an unknown sender, when no contact matched."),
    )
    unknown_contact = models.BooleanField(_("unknown contact"), default=False)
    requester_bounced_at = models.DateTimeField(
        _("requester address bounced"),
        null=True,
        blank=True,
        help_text=_("When a delivery report said mail to the requester could not be delivered."),
    )
    requester_bounce_reason = models.CharField(
        _("requester bounce reason"), max_length=500, blank=True
    )
    status = models.ForeignKey(
        "tickets.Status",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("status"),
    )
    priority = models.ForeignKey(
        "tickets.Priority",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("priority"),
    )
    category = models.ForeignKey(
        "tickets.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("category"),
    )
    subcategory = models.ForeignKey(
        "tickets.SubCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("sub-category"),
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("team"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    target_resolution_at = models.DateTimeField(_("target date"), null=True, blank=True)
    estimated_resolution_date = models.DateField(
        _("estimated resolution date"), null=True, blank=True
    )
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_customer_message_at = models.DateTimeField(
        _("last customer message"), null=True, blank=True
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.AGENT
    )
    # The SLA clock (tickets.services.sla_clock keeps these in step with every change).
    target_first_response_at = models.DateTimeField(
        _("first-response target"), null=True, blank=True
    )
    sla_paused_at = models.DateTimeField(_("SLA paused since"), null=True, blank=True)
    sla_paused_minutes = models.PositiveIntegerField(_("SLA paused (business minutes)"), default=0)
    sla_due_at = models.DateTimeField(_("next SLA target"), null=True, blank=True)
    sla_at_risk_at = models.DateTimeField(_("SLA at risk from"), null=True, blank=True)
    # Lifecycle durations, kept by the services so that reports only aggregate.
    status_since = models.DateTimeField(_("in this status since"), default=timezone.now)
    first_response_minutes = models.PositiveIntegerField(
        _("time to first response (minutes)"), null=True, blank=True
    )
    first_response_business_minutes = models.PositiveIntegerField(
        _("time to first response (business minutes)"), null=True, blank=True
    )
    first_response_breached = models.BooleanField(
        _("first-response target missed"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("time to resolution (minutes)"), null=True, blank=True
    )
    resolution_business_minutes = models.PositiveIntegerField(
        _("time to resolution (business minutes)"), null=True, blank=True
    )
    resolution_breached = models.BooleanField(_("resolution target missed"), null=True, blank=True)
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-opened_at", "-pk"]
        indexes = [
            models.Index(fields=["-opened_at", "-id"], name="ticket_opened_idx"),
            models.Index(fields=["status", "-opened_at"], name="ticket_status_opened_idx"),
            models.Index(fields=["assignee", "-opened_at"], name="ticket_assignee_opened_idx"),
            models.Index(fields=["team", "-opened_at"], name="ticket_team_opened_idx"),
            models.Index(fields=["customer", "-opened_at"], name="ticket_customer_opened_idx"),
            models.Index(fields=["priority", "-opened_at"], name="ticket_priority_opened_idx"),
            models.Index(fields=["target_resolution_at"], name="ticket_target_idx"),
            # The ticket list sorts and filters by these; without them that reads every row.
            models.Index(fields=["category", "-opened_at"], name="ticket_category_opened_idx"),
            models.Index(fields=["subject", "-opened_at"], name="ticket_subject_idx"),
            # The dashboard's and the warning task's "at risk" and "breached": open tickets only.
            # (due, risk): "at risk" reads the few targets still ahead, not every one
            # that turned at risk long ago.
            models.Index(
                fields=["sla_due_at", "sla_at_risk_at"],
                name="ticket_sla_due_risk_idx",
                condition=models.Q(sla_due_at__isnull=False),
            ),
            # Reports count closings and first responses in a date range. With the columns
            # they group by, the SLA and distribution reports read a year of them from the
            # index alone rather than each ticket's row (four times faster on SQLite).
            models.Index(
                fields=[
                    "closed_at",
                    "priority",
                    "resolution_breached",
                    "assignee",
                    "team",
                    "category",
                ],
                name="ticket_closed_idx",
                condition=models.Q(closed_at__isnull=False),
            ),
            models.Index(
                fields=["first_response_at", "priority", "first_response_breached"],
                name="ticket_first_response_idx",
                condition=models.Q(first_response_at__isnull=False),
            ),
            # Team performance on SQLite counts each duration per team, assignee and value:
            # in this order the index answers without sorting (see reports/stats.py).
            *[
                models.Index(
                    fields=["team", "assignee", minutes, moment],
                    name=name,
                    condition=models.Q(**{f"{minutes}__isnull": False}),
                )
                for minutes, moment, name in [
                    ("first_response_minutes", "first_response_at", "ticket_report_fr_idx"),
                    (
                        "first_response_business_minutes",
                        "first_response_at",
                        "ticket_report_fr_biz_idx",
                    ),
                    ("resolution_minutes", "closed_at", "ticket_report_res_idx"),
                    ("resolution_business_minutes", "closed_at", "ticket_report_res_biz_idx"),
                ]
            ],
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("tickets:detail", args=[self.number])

    @property
    def reference(self) -> str:
        return f"{settings.TICKET_NUMBER_PREFIX}{self.number}"

    @property
    def is_closed(self) -> bool:
        return self.status.is_closed


class TicketCC(models.Model):
    """An extra e-mail address that receives the ticket's updates."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="cc_addresses", verbose_name=_("ticket")
    )
    email = models.EmailField(_("e-mail"))
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    bounce_reason = models.CharField(_("bounce reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("copied address")
        verbose_name_plural = _("copied addresses")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "email"], name="ticketcc_unique_email")
        ]

    def __str__(self) -> str:
        return self.email


class TicketReadMark(models.Model):
    """When an agent last looked at a ticket; drives the list's unread marker."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="read_marks", verbose_name=_("ticket")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    seen_at = models.DateTimeField(_("seen at"), default=timezone.now)

    class Meta:
        verbose_name = _("read mark")
        verbose_name_plural = _("read marks")
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="readmark_unique")]


class StatusPeriod(models.Model):
    """A finished stretch of a ticket in one status; the current one is status + status_since."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="status_periods", verbose_name=_("ticket")
    )
    status = models.ForeignKey(
        "tickets.Status", on_delete=models.PROTECT, related_name="+", verbose_name=_("status")
    )
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"))
    minutes = models.PositiveIntegerField(_("minutes"))

    class Meta:
        verbose_name = _("status period")
        verbose_name_plural = _("status periods")
        indexes = [
            models.Index(fields=["ticket", "started_at"], name="statusperiod_ticket_idx"),
            models.Index(fields=["ended_at"], name="statusperiod_ended_idx"),
        ]
