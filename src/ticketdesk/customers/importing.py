"""Reading a CSV file of customers and contacts into checked rows for the preview (no writes)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from itertools import batched

from django.utils.translation import gettext_lazy

from .forms import ImportRowForm
from .models import Customer

MAX_ROWS = 10_000
DELIMITERS = ";,\t"

CUSTOMER_COLUMNS = {
    "number": "number",
    "name": "name",
    "type": "kind",
    "street": "street",
    "postal_code": "postal_code",
    "city": "city",
    "country": "country",
    "phone": "phone",
    "email": "email",
    "language": "language",
    "notes": "notes",
}
CONTACT_COLUMNS = {"contact_name": "name", "contact_email": "email", "contact_phone": "phone"}
COLUMNS = [*CUSTOMER_COLUMNS, *CONTACT_COLUMNS]
REQUIRED_COLUMNS = ["number", "name"]
# Other spellings of column names seen in exports (German spreadsheets included).
ALIASES = {
    "kind": "type",
    "customer_number": "number",
    "kundennummer": "number",
    "nummer": "number",
    "typ": "type",
    "strasse": "street",
    "straße": "street",
    "zip": "postal_code",
    "postcode": "postal_code",
    "plz": "postal_code",
    "ort": "city",
    "stadt": "city",
    "land": "country",
    "telefon": "phone",
    "e_mail": "email",
    "mail": "email",
    "sprache": "language",
    "notizen": "notes",
    "contact": "contact_name",
    "contact_e_mail": "contact_email",
}

MISSING_COLUMNS = gettext_lazy("Required column(s) missing: %(columns)s.")
TOO_MANY_ROWS = gettext_lazy("The file has more than %(max)d rows. Split it into smaller files.")
EMPTY_FILE = gettext_lazy("The file contains no rows.")
EXTRA_CELLS = gettext_lazy("The row has more cells than the header has columns.")
NOT_CSV = gettext_lazy("The file could not be read as CSV: %(error)s")


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportRow:
    """One data row: row 1 is the header, so the first customer is row 2."""

    row: int
    number: str
    name: str
    customer: dict[str, str] = field(default_factory=dict)
    contact: dict[str, str] | None = None
    errors: list[RowError] = field(default_factory=list)
    exists: bool = False
    first_row: int | None = None

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def action(self) -> str:
        if self.first_row is not None:
            return "repeat"
        return "update" if self.exists else "create"


@dataclass
class ImportPreview:
    encoding: str = "UTF-8"
    delimiter: str = ","
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(not row.valid for row in self.rows)

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [] if self.file_errors else [row for row in self.rows if row.valid]

    def count(self, action: str) -> int:
        return sum(1 for row in self.valid_rows if row.action == action)

    @property
    def contacts(self) -> int:
        return sum(1 for row in self.valid_rows if row.contact)


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: UTF-8 (a BOM is dropped), else Windows-1252."""
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def detect_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    sample = "\n".join(text.splitlines()[:20])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = ""
    if not delimiter or delimiter not in header:
        delimiter = max(DELIMITERS, key=header.count)
    return delimiter


def normalize_column(name: str) -> str:
    key = "_".join(name.strip().lower().replace("-", " ").split())
    return ALIASES.get(key, key)


def read_import(text: str, *, encoding: str = "UTF-8") -> ImportPreview:
    """Check every row of the CSV text; rows whose number exists are marked as updates."""
    preview = ImportPreview(encoding=encoding, delimiter=detect_delimiter(text))
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=preview.delimiter))
    except csv.Error as exc:
        preview.file_errors.append(NOT_CSV % {"error": exc})
        return preview
    if not records:
        preview.file_errors.append(str(EMPTY_FILE))
        return preview
    header = [normalize_column(name) for name in records[0]]
    preview.columns = [name for name in header if name in COLUMNS]
    preview.ignored_columns = [name for name in header if name and name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        preview.file_errors.append(MISSING_COLUMNS % {"columns": ", ".join(missing)})
    if len(records) - 1 > MAX_ROWS:
        preview.file_errors.append(TOO_MANY_ROWS % {"max": MAX_ROWS})
    if preview.file_errors:
        return preview
    for index, cells in enumerate(records[1:], start=2):
        if any(cell.strip() for cell in cells):
            preview.rows.append(_read_row(index, header, cells))
    if not preview.rows:
        preview.file_errors.append(str(EMPTY_FILE))
    _mark_known(preview.rows)
    return preview


def _read_row(index: int, header: list[str], cells: list[str]) -> ImportRow:
    values = {name: cell for name, cell in zip(header, cells, strict=False) if name in COLUMNS}
    form = ImportRowForm(values)
    row = ImportRow(row=index, number=values.get("number", "").strip(), name=values.get("name", ""))
    if len(cells) > len(header):
        row.errors.append(RowError(index, "", str(EXTRA_CELLS)))
    if not form.is_valid():
        for column, messages in form.errors.items():
            row.errors.extend(RowError(index, column, str(message)) for message in messages)
        return row
    data = form.cleaned_data
    row.customer = {
        model_field: data[column]
        for column, model_field in CUSTOMER_COLUMNS.items()
        if column in values and data[column]
    }
    contact = {
        model_field: data[column]
        for column, model_field in CONTACT_COLUMNS.items()
        if column in values and data[column]
    }
    row.contact = contact or None
    return row


def _mark_known(rows: list[ImportRow]) -> None:
    numbers = {row.number for row in rows if row.number}
    existing: set[str] = set()
    for chunk in batched(sorted(numbers), 500):
        existing.update(Customer.objects.filter(number__in=chunk).values_list("number", flat=True))
    first_seen: dict[str, int] = {}
    for row in rows:
        if not row.valid:
            continue
        row.exists = row.number in existing
        if row.number in first_seen:
            row.first_row = first_seen[row.number]
        else:
            first_seen[row.number] = row.row
