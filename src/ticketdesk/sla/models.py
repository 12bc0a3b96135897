"""The instance's business hours: weekly opening intervals, public holidays, closed days.

One `BusinessHours` row (pk 1) holds the holiday region and a revision that changes with
every save, so each process can tell cheaply whether its cached calendar is still current.
Times are wall-clock times in the instance time zone (settings.TIME_ZONE).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.models import TimeStampedModel

from .calendar import MINUTES_PER_DAY, format_intervals

INSTANCE_PK = 1


class Weekday(models.IntegerChoices):
    # date.weekday() numbering, so the calendar needs no translation table.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessHours(TimeStampedModel):
    holiday_country = models.CharField(
        _("public holidays of"),
        max_length=3,
        blank=True,
        default="DE",
        help_text=_("Country code as ISO 3166 (DE, AT, CH, …); empty: no public holidays."),
    )
    holiday_subdivision = models.CharField(
        _("region"),
        max_length=20,
        blank=True,
        default="",
        help_text=_("State or region with its own holidays, e.g. BY for Bavaria; may be empty."),
    )
    revision = models.UUIDField(_("revision"), default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")

    def __str__(self) -> str:
        return str(_("Business hours"))


class OpeningInterval(models.Model):
    business_hours = models.ForeignKey(
        BusinessHours,
        on_delete=models.CASCADE,
        related_name="intervals",
        verbose_name=_("business hours"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    # Minutes after local midnight; an interval may end at 1440 (24:00), which a TimeField
    # cannot hold.
    start_minute = models.PositiveSmallIntegerField(_("opens (minute of the day)"))
    end_minute = models.PositiveSmallIntegerField(_("closes (minute of the day)"))

    class Meta:
        verbose_name = _("opening interval")
        verbose_name_plural = _("opening intervals")
        ordering = ["weekday", "start_minute"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__lte=6)
                & Q(start_minute__lt=F("end_minute"))
                & Q(end_minute__lte=MINUTES_PER_DAY),
                name="sla_interval_within_day",
            ),
        ]

    def __str__(self) -> str:
        interval = format_intervals([(self.start_minute, self.end_minute)])
        return f"{self.get_weekday_display()} {interval}"


class ClosedDay(TimeStampedModel):
    business_hours = models.ForeignKey(
        BusinessHours,
        on_delete=models.CASCADE,
        related_name="closed_days",
        verbose_name=_("business hours"),
    )
    day = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["business_hours", "day"], name="sla_closed_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.name}"
