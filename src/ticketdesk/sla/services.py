"""Every write of the business hours, and the instance calendar built from them.

Each write runs in a transaction on the locked `BusinessHours` row and saves it with a
new revision; the configuration cache (`ticketdesk.core.config_cache`, which tracks the
sla models) then drops the calendar this process built, and other processes see the
change within a second. Opening a ticket therefore costs no query for the calendar.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.config_cache import cached

from . import regions
from .calendar import (
    DEFAULT_HOLIDAY_COUNTRY,
    DEFAULT_WEEKLY,
    MINUTES_PER_DAY,
    BusinessCalendar,
    Interval,
    format_intervals,
    format_minute,
)
from .models import INSTANCE_PK, BusinessHours, ClosedDay, OpeningInterval, Weekday

NOT_A_TIME = _("%(day)s: %(time)s is not a time of day (00:00 to 24:00).")
ENDS_BEFORE_START = _("%(day)s: %(interval)s ends before it starts.")
EMPTY_INTERVAL = _("%(day)s: %(interval)s is empty; opening and closing time are the same.")
OVERLAP = _("%(day)s: %(first)s and %(second)s overlap.")
EMPTY_WEEK = _(
    "The week needs at least one opening interval: without business hours no SLA target "
    "could ever be reached."
)
UNKNOWN_COUNTRY = _("“%(country)s” is not a country the holiday calendar knows.")
REGION_WITHOUT_COUNTRY = _("A region needs a country; choose the country first.")
NO_REGIONS = _("%(country)s has no regions with holidays of their own; leave the region empty.")
UNKNOWN_REGION = _("“%(region)s” is not a region of %(country)s. Known regions: %(known)s.")
CLOSED_DAY_NEEDS_NAME = _("Give the closed day a name, e.g. “Company outing”.")
DUPLICATE_CLOSED_DAY = _("%(day)s is already a closed day (“%(name)s”).")
NOT_A_CLOSED_DAY = _("%(day)s is not a closed day.")

Weekly = Mapping[int, Iterable[Interval]]
logger = logging.getLogger(__name__)


def instance_calendar() -> BusinessCalendar:
    """The instance's business calendar, rebuilt only when its configuration changed.

    The calendar is shared and immutable, so callers computing many targets in a loop
    (the data generator) may call this once and keep it.
    """
    return cached(f"sla.calendar.{settings.TIME_ZONE}", _load_calendar)


def _load_calendar() -> BusinessCalendar:
    hours = BusinessHours.objects.filter(pk=INSTANCE_PK).first()
    if hours is None:
        # Only a test database flushed after its migrations lacks the row.
        return BusinessCalendar(
            DEFAULT_WEEKLY, tz=settings.TIME_ZONE, holiday_country=DEFAULT_HOLIDAY_COUNTRY
        )
    weekly: dict[int, list[Interval]] = {}
    for row in hours.intervals.all():
        weekly.setdefault(row.weekday, []).append((row.start_minute, row.end_minute))
    country, subdivision = hours.holiday_country, hours.holiday_subdivision
    # A newer `holidays` package may drop a region (or country) saved earlier; tickets must
    # still open, so the calendar does without it until an administrator chooses again.
    if country and country not in regions.countries():
        logger.warning("Public holidays of %r are no longer known; none are used.", country)
        country = subdivision = ""
    if subdivision and subdivision not in regions.subdivisions(country):
        logger.warning(
            "Region %r of %r is no longer known; the country's holidays are used.",
            subdivision,
            country,
        )
        subdivision = ""
    return BusinessCalendar(
        weekly,
        tz=settings.TIME_ZONE,
        holiday_country=country,
        holiday_subdivision=subdivision,
        closed_days=dict(hours.closed_days.values_list("day", "name")),
    )


def _locked() -> BusinessHours:
    """The configuration row, locked for this transaction; recreated with defaults if gone."""
    hours = BusinessHours.objects.select_for_update().filter(pk=INSTANCE_PK).first()
    if hours is None:
        hours = BusinessHours.objects.create(
            pk=INSTANCE_PK, holiday_country=DEFAULT_HOLIDAY_COUNTRY
        )
        OpeningInterval.objects.bulk_create(
            OpeningInterval(business_hours=hours, weekday=day, start_minute=s, end_minute=e)
            for day, intervals in DEFAULT_WEEKLY.items()
            for s, e in intervals
        )
    return hours


def _touch(hours: BusinessHours, *fields: str) -> None:
    hours.revision = uuid.uuid4()
    hours.save(update_fields=[*fields, "revision", "updated_at"])


def _weekly_errors(weekly: Weekly) -> tuple[dict[int, list[Interval]], list[ValidationError]]:
    """The week sorted per day, and everything that is wrong with it."""
    if unknown := set(weekly) - set(Weekday.values):
        raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday), not {sorted(unknown)}")
    errors: list[ValidationError] = []
    days: dict[int, list[Interval]] = {}
    for weekday in Weekday:
        days[weekday.value] = intervals = sorted(weekly.get(weekday.value, ()))
        previous: Interval | None = None  # the interval reaching furthest into the day so far
        for start, end in intervals:
            params = {"day": weekday.label, "interval": format_intervals([(start, end)])}
            if not (0 <= start <= MINUTES_PER_DAY and 0 <= end <= MINUTES_PER_DAY):
                bad = start if not 0 <= start <= MINUTES_PER_DAY else end
                params["time"] = format_minute(bad) if bad >= 0 else str(bad)
                errors.append(ValidationError(NOT_A_TIME, code="not_a_time", params=params))
            elif end < start:
                errors.append(ValidationError(ENDS_BEFORE_START, code="backwards", params=params))
            elif end == start:
                errors.append(ValidationError(EMPTY_INTERVAL, code="empty", params=params))
            elif previous is not None and start < previous[1]:
                params |= {"first": format_intervals([previous]), "second": params["interval"]}
                errors.append(ValidationError(OVERLAP, code="overlap", params=params))
            if start < end and (previous is None or end > previous[1]):
                previous = (start, end)
    if not errors and not any(days.values()):
        errors.append(ValidationError(EMPTY_WEEK, code="empty_week"))
    return days, errors


@transaction.atomic
def save_weekly_schedule(*, weekly: Weekly) -> BusinessHours:
    """Replace the weekly opening intervals ({weekday 0=Monday: [(start, end) minutes]}).

    Intervals that touch (12:00-13:00, 13:00-14:00) are kept as given; the calendar joins
    them. Raises ValidationError listing every time outside 00:00-24:00, interval that ends
    before it starts or is empty, overlap on a day, or an empty week; nothing is saved then.
    """
    days, errors = _weekly_errors(weekly)
    if errors:
        raise ValidationError(errors)
    hours = _locked()
    hours.intervals.all().delete()
    OpeningInterval.objects.bulk_create(
        OpeningInterval(business_hours=hours, weekday=day, start_minute=start, end_minute=end)
        for day, intervals in days.items()
        for start, end in intervals
    )
    _touch(hours)
    return hours


@transaction.atomic
def set_public_holidays(*, country: str, subdivision: str = "") -> BusinessHours:
    """Take public holidays from `country` (ISO code, any case; "" = none) and its region.

    The region may be given by code or name ("BY", "Bayern") and is stored as its code.
    Raises ValidationError for a country or region the `holidays` package does not know,
    or a region without a country.
    """
    country, subdivision = country.strip(), subdivision.strip()
    code = regions.known_country(country) if country else ""
    if code is None:
        raise ValidationError(UNKNOWN_COUNTRY, code="unknown_country", params={"country": country})
    region = ""
    if subdivision and not code:
        raise ValidationError(REGION_WITHOUT_COUNTRY, code="region_without_country")
    if subdivision:
        label = regions.region_label(code)
        known = regions.subdivisions(code)
        if not known:
            raise ValidationError(NO_REGIONS, code="no_regions", params={"country": label})
        region = regions.known_subdivision(code, subdivision) or ""
        if not region:
            params = {"region": subdivision, "country": label, "known": ", ".join(known)}
            raise ValidationError(UNKNOWN_REGION, code="unknown_region", params=params)
    hours = _locked()
    hours.holiday_country, hours.holiday_subdivision = code, region
    _touch(hours, "holiday_country", "holiday_subdivision")
    return hours


def add_closed_day(*, day: date, name: str) -> ClosedDay:
    """Close the whole of `day` (a company outing, the day between two holidays).

    Raises ValidationError for an empty name or a day that is already closed.
    """
    name = name.strip()
    if not name:
        raise ValidationError(CLOSED_DAY_NEEDS_NAME, code="name_required")
    try:
        with transaction.atomic():
            hours = _locked()
            if existing := hours.closed_days.filter(day=day).first():
                raise _duplicate(existing)
            closed_day = ClosedDay.objects.create(business_hours=hours, day=day, name=name)
            _touch(hours)
    except IntegrityError:
        # Only a concurrent add of the same day gets here; the row lock makes it rare.
        raise _duplicate(ClosedDay.objects.get(day=day)) from None
    return closed_day


def _duplicate(existing: ClosedDay) -> ValidationError:
    params = {"day": date_format(existing.day, "DATE_FORMAT"), "name": existing.name}
    return ValidationError(DUPLICATE_CLOSED_DAY, code="duplicate", params=params)


@transaction.atomic
def remove_closed_day(*, day: date) -> None:
    """Open `day` again as its weekday schedule says. Raises ValidationError if not closed."""
    hours = _locked()
    deleted, _rows = hours.closed_days.filter(day=day).delete()
    if not deleted:
        params = {"day": date_format(day, "DATE_FORMAT")}
        raise ValidationError(NOT_A_CLOSED_DAY, code="not_closed", params=params)
    _touch(hours)
