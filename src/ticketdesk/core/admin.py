"""Admin helpers the apps' admin modules share (core itself registers no models)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.functional import cached_property

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


class LargeTableAdmin(admin.ModelAdmin):
    """For tables that grow to millions of rows: no full count, no unbounded dropdowns."""

    paginator = LargeTablePaginator
    show_full_result_count = False
    list_per_page = 50


class ServiceErrorsAdmin(admin.ModelAdmin):
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
