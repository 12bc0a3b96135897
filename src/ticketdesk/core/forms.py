"""Form helpers shared by the apps: plain labels and fields for untrusted URL and form parameters.

Every value a view reads from the query string or a form body goes through one of these
fields, so a page number beyond any table, a date the database cannot store, an id wider
than a 64-bit column or a NUL byte (PostgreSQL refuses it in text) never reaches a query.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

# A page past this one is treated like an unreadable page number: the first page is shown.
MAX_PAGE = 1_000_000
# Ids are 64-bit integers in every supported database.
MAX_ID = 2**63 - 1
# Dates outside this range cannot be real ticket dates; beyond it SQLite and time-zone
# arithmetic overflow (9999-12-31 plus a day, 0001-01-01 in UTC).
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2999, 12, 31)


class PlainLabelsMixin:
    """Labels without a trailing colon, so accessible names are exactly the field labels.

    Put it first in the bases of a Form or ModelForm.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def without_nul(value: str) -> str:
    return value.replace("\x00", "")


class SearchField(forms.CharField):
    """A search term: NUL characters are dropped (nobody searches for them), the rest kept."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return without_nul(super().to_python(value))


class PageField(forms.IntegerField):
    """A 1-based page number, at most MAX_PAGE."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(min_value=1, max_value=MAX_PAGE, **kwargs)


class IdField(forms.IntegerField):
    """A primary key as typed into a URL or form: a positive 64-bit integer."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class BoundedDateField(forms.DateField):
    """A calendar date between EARLIEST_DATE and LATEST_DATE."""

    default_validators = [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Several objects by primary key; a value that cannot be an id is refused before a query.

    Django's field looks them up with `pk__in`, which SQLite cannot run with an integer
    wider than 64 bits.
    """

    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else []:
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def parse_page(value: object) -> int:
    """A page number from the URL; anything unreadable or out of range means the first page."""
    field = PageField()
    try:
        return field.clean(value) or 1
    except forms.ValidationError:
        return 1


def parse_search(value: object) -> str:
    """A search term from the URL: NUL characters dropped, cut to the field's length."""
    text = value if isinstance(value, str) else ""
    field = SearchField()
    return field.clean(text[: field.max_length])


def parse_id(value: object) -> int | None:
    """An id from the URL or a form, or None for anything that cannot be one."""
    try:
        return IdField(required=False).clean(value)
    except forms.ValidationError:
        return None
