"""The points settings (Configuration → Support → Points): read cached, saved by administrators."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from ticketdesk.core.config_cache import cached

from .. import errors
from ..models import MAX_MINUTES_PER_POINT, SETTINGS_PK, PointsSettings, Rounding


def points_settings() -> PointsSettings:
    """The instance's settings (defaults while none were saved); shared, read-only."""
    return cached("contracts.settings", _load)


def _load() -> PointsSettings:
    return PointsSettings.objects.filter(pk=SETTINGS_PK).first() or PointsSettings(pk=SETTINGS_PK)


def check_settings_values(*, minutes_per_point: int, price_per_point: Decimal) -> None:
    problems: dict[str, ValidationError] = {}
    if not 1 <= minutes_per_point <= MAX_MINUTES_PER_POINT:
        problems["minutes_per_point"] = ValidationError(
            errors.MINUTES_PER_POINT_RANGE, code="range", params={"limit": MAX_MINUTES_PER_POINT}
        )
    if price_per_point < 0:
        problems["price_per_point"] = ValidationError(errors.PRICE_NEGATIVE, code="min")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def save_points_settings(
    *,
    minutes_per_point: int,
    price_per_point: Decimal,
    rounding: str,
    refuse_when_exhausted: bool,
) -> PointsSettings:
    """Save the settings; they apply to time logged or corrected from now on."""
    check_settings_values(minutes_per_point=minutes_per_point, price_per_point=price_per_point)
    row = PointsSettings.objects.select_for_update().filter(pk=SETTINGS_PK).first()
    row = row or PointsSettings(pk=SETTINGS_PK)
    row.minutes_per_point = minutes_per_point
    row.price_per_point = price_per_point
    row.rounding = Rounding(rounding)
    row.refuse_when_exhausted = refuse_when_exhausted
    row.save()
    return row
