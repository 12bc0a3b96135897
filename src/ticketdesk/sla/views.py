"""Configuration → Support → Business hours (administrators): one page, a form per topic."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ticketdesk.core.permissions import admin_required

from . import regions, services
from .calendar import BusinessCalendar
from .forms import ClosedDayForm, PublicHolidaysForm, RemoveClosedDayForm, WeeklyScheduleForm

PAGE = "sla:business_hours"
PREVIEW_DAYS = 14
HOLIDAYS_AHEAD = timedelta(days=365)


def _clock(moment: datetime, day: date) -> str:
    """Wall-clock time on `day`; the midnight that ends the day reads 24:00."""
    return "24:00" if moment.date() > day else f"{moment:%H:%M}"


def _preview(calendar: BusinessCalendar, today: date) -> list[dict[str, Any]]:
    rows = []
    for entry in calendar.days(today, PREVIEW_DAYS, language=get_language()):
        hours = ", ".join(
            f"{_clock(opens, entry.day)}–{_clock(closes, entry.day)}"
            for opens, closes in entry.intervals
        )
        rows.append({"day": entry.day, "hours": hours, "closed_because": entry.closed_because})
    return rows


def _page(request: HttpRequest, **bound: Form) -> HttpResponse:
    """The page with the current configuration; a form the user just sent replaces its own."""
    calendar = services.instance_calendar()
    today = timezone.now().astimezone(calendar.tz).date()
    country, subdivision = calendar.holiday_country, calendar.holiday_subdivision
    forms = {
        "schedule_form": WeeklyScheduleForm(calendar=calendar),
        "holidays_form": PublicHolidaysForm(
            initial={"country": country, "subdivision": subdivision}
        ),
        "closed_day_form": ClosedDayForm(),
    } | bound
    context = {
        **forms,
        "region": regions.region_label(country, subdivision),
        "regions": regions.subdivisions(country),
        "upcoming_holidays": calendar.public_holidays_between(
            today, today + HOLIDAYS_AHEAD, language=get_language()
        ),
        "closed_days": sorted(calendar.closed_days.items()),
        "today": today,
        "preview": _preview(calendar, today),
        "time_zone": str(calendar.tz),
    }
    return render(request, "sla/business_hours.html", context)


@admin_required
@require_GET
def business_hours(request: HttpRequest) -> HttpResponse:
    return _page(request)


@admin_required
@require_POST
def save_schedule(request: HttpRequest) -> HttpResponse:
    form = WeeklyScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.save_weekly_schedule(weekly=form.weekly())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The weekly business hours have been saved."))
            return redirect(PAGE)
    return _page(request, schedule_form=form)


@admin_required
@require_POST
def save_holidays(request: HttpRequest) -> HttpResponse:
    form = PublicHolidaysForm(request.POST)
    if form.is_valid():
        try:
            services.set_public_holidays(
                country=form.cleaned_data["country"], subdivision=form.cleaned_data["subdivision"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The public holidays have been saved."))
            return redirect(PAGE)
    return _page(request, holidays_form=form)


@admin_required
@require_POST
def add_closed_day(request: HttpRequest) -> HttpResponse:
    form = ClosedDayForm(request.POST)
    if form.is_valid():
        try:
            services.add_closed_day(day=form.cleaned_data["day"], name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The closed day has been added."))
            return redirect(PAGE)
    return _page(request, closed_day_form=form)


@admin_required
@require_POST
def remove_closed_day(request: HttpRequest) -> HttpResponse:
    form = RemoveClosedDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the closed day to remove."))
        return redirect(PAGE)
    try:
        services.remove_closed_day(day=form.cleaned_data["day"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The closed day has been removed."))
    return redirect(PAGE)
