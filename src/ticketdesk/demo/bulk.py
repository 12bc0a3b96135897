"""Raw multi-row inserts for the generator: COPY on PostgreSQL, executemany on SQLite.

`bulk_create` compiles SQL value by value and builds a model instance per row,
which is most of the time at millions of rows; these writers take plain tuples.
Columns not listed get their model default, so the rows match what the ORM
would have written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

Converter = Callable[[Any], Any]


class RowWriter:
    """Inserts tuples whose values follow `fields` (model field names) into `model`'s table."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        meta = model._meta
        listed = [meta.get_field(name) for name in fields]
        rest = [f for f in meta.concrete_fields if not f.primary_key and f not in listed]
        self.table = meta.db_table
        self.columns = [f.column for f in [*listed, *rest]]
        self.copy = connection.vendor == "postgresql"
        self.converters = [self._converter(f) for f in listed]
        self.constants = tuple(self._convert(f, f.get_default()) for f in rest)

    def _converter(self, field: models.Field) -> Converter | None:
        if self.copy:
            return None  # psycopg adapts Python values itself
        if isinstance(field, models.DateTimeField):
            # What the backend's adapt_datetimefield_value does, without its per-value checks.
            zone = connection.timezone
            return lambda value: str(value.astimezone(zone).replace(tzinfo=None))
        if isinstance(field, models.DateField):
            return connection.ops.adapt_datefield_value
        if isinstance(field, models.UUIDField) and not connection.features.has_native_uuid_field:
            return lambda value: value.hex
        return None

    def _convert(self, field: models.Field, value: Any) -> Any:
        converter = self._converter(field)
        return converter(value) if converter and value is not None else value

    def _prepared(self, rows: Iterable[Sequence[Any]]) -> Iterable[tuple[Any, ...]]:
        pairs = [(i, c) for i, c in enumerate(self.converters) if c is not None]
        for row in rows:
            values = list(row)
            for index, convert in pairs:
                if values[index] is not None:
                    values[index] = convert(values[index])
            yield (*values, *self.constants)

    def insert(self, rows: Iterable[Sequence[Any]]) -> None:
        quote = connection.ops.quote_name
        table = quote(self.table)
        columns = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            if self.copy:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self._prepared(rows):
                        copy.write_row(row)
                return
            marks = ", ".join(["%s"] * len(self.columns))
            # Table and column names come from model metadata, never from input.
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, list(self._prepared(rows)))
