"""Admin helpers the apps' admin modules share (core itself registers no models)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import BadRequest, FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import connections, models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.functional import cached_property

from ticketdesk.core.forms import ModelIdsField, parse_id

# Below this many rows the exact count is cheap enough on any database.
ESTIMATE_ABOVE = 100_000


class LargeTablePaginator(Paginator):
    """Takes the planner's row estimate for an unfiltered PostgreSQL table.

    COUNT(*) over millions of rows costs seconds on PostgreSQL; the admin only
    needs it for "page N of M". Filtered lists and SQLite count exactly.
    """

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        connection = connections[getattr(queryset, "db", "default")]
        if connection.vendor == "postgresql" and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] > ESTIMATE_ABOVE:
                return int(row[0])
        return super().count


class CheckedIdChoiceField(forms.ModelChoiceField):
    """One related object by id, re-displayed as no choice when the value cannot be an id.

    Django re-displays a refused value in the widget, and the admin's autocomplete widget
    looks it up with `pk__in`: an integer wider than 64 bits overflows SQLite, and a NUL is
    no number at all (a ValueError).
    """

    def bound_data(self, data: Any, initial: Any) -> Any:
        data = super().bound_data(data, initial)
        return data if parse_id(data) is not None else None


class CheckedIdsChoiceField(ModelIdsField):
    """Several related objects by id, re-displayed without the values that cannot be ids."""

    def bound_data(self, data: Any, initial: Any) -> Any:
        data = super().bound_data(data, initial)
        if not isinstance(data, list | tuple):
            return data
        return [value for value in data if parse_id(value) is not None]


def _has_integer_key(model: type[models.Model]) -> bool:
    return isinstance(model._meta.pk, models.IntegerField)


def _related_field(model: type[models.Model], name: str) -> models.Field | None:
    """The foreign key or many-to-many field `name` of `model` if it points at integer ids."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if isinstance(field, models.ManyToManyField):
        return field if _has_integer_key(field.remote_field.model) else None
    if isinstance(field, models.ForeignKey):
        return field if isinstance(field.target_field, models.IntegerField) else None
    return None


class CheckedIdsMixin:
    """Related-object fields that check ids before querying; inlines put it first in bases."""

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if isinstance(db_field.target_field, models.IntegerField):
            kwargs.setdefault("form_class", CheckedIdChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if _has_integer_key(db_field.remote_field.model):
            kwargs.setdefault("form_class", CheckedIdsChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class CheckedAdmin(CheckedIdsMixin, admin.ModelAdmin):
    """The base of every ModelAdmin: ids from forms and the change list are checked first.

    The change list gives no hook between the posted ids of edited rows or selected actions
    and Django's `pk__in` query over them (an OverflowError on SQLite for an id wider than
    64 bits, a ValueError for a NUL). A browser only ever posts the ids the page listed, so
    a post with anything else is refused as a bad request (400) before Django reads it.
    """

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST" and _has_integer_key(self.model):
            self._refuse_posted_non_ids(request)
        return super().changelist_view(request, extra_context)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        # The add page takes initial values from the query string (?customer=7) and shows
        # them in the same widgets; values that cannot be ids are left out.
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            field = _related_field(self.model, name)
            if field is None:
                continue
            if field.many_to_many:
                initial[name] = [pk for pk in value if parse_id(pk) is not None]
            elif parse_id(value) is None:
                del initial[name]
        return initial

    def _refuse_posted_non_ids(self, request: HttpRequest) -> None:
        edited = re.compile(rf"form-\d+-{re.escape(self.model._meta.pk.name)}$")
        ids = [
            *request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            *(value for key in request.POST if edited.match(key)
              for value in request.POST.getlist(key)),
        ]  # fmt: skip
        if any(parse_id(value) is None for value in ids):
            raise BadRequest("The posted rows are not rows of this list.")


class LargeTableAdmin(CheckedAdmin):
    """For tables that grow to millions of rows: no full count, no unbounded dropdowns."""

    paginator = LargeTablePaginator
    show_full_result_count = False
    list_per_page = 50


class ServiceErrorsAdmin(CheckedAdmin):
    """Shows a service's refusal (ValidationError) as an admin message, not a server error.

    Saves and deletes of these admins go through the domain services, whose
    rules (an entry in use, a non-Support-team assignee, ...) raise after the
    form was valid; the view's transaction is rolled back and the page reloads.
    """

    def _refused(self, request: HttpRequest, error: ValidationError) -> HttpResponse:
        self.message_user(request, " ".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ValidationError as error:
            return self._refused(request, error)

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().changelist_view(request, *args, **kwargs)
        except ValidationError as error:
            return self._refused(request, error)

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().delete_view(request, *args, **kwargs)
        except ValidationError as error:
            return self._refused(request, error)
