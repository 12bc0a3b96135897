"""CSV import of customers and contacts: upload → preview with per-row errors → confirm."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory, CustomerFactory
from ticketdesk.customers.importing import read_import
from ticketdesk.customers.models import Contact, Customer

pytestmark = pytest.mark.django_db

VALID = (
    "number,name,type,street,postal_code,city,country,phone,email,language,notes,"
    "contact_name,contact_email,contact_phone\n"
    "K1,Alpha GmbH,company,Hauptstr. 1,10115,Berlin,DE,030 1,info@alpha.example,de,VIP,"
    "Eva Alpha,eva@alpha.example,030 2\n"
    "K1,Alpha GmbH,company,,,,,,,,,Max Alpha,max@alpha.example,\n"
    "K2,Bob Beta,person,,,Hamburg,,,,en,,,,\n"
)
WITH_ERRORS = (
    "number,name,email,language,contact_email\n"
    "K1,Alpha GmbH,info@alpha.example,de,\n"
    ",No Number,,,\n"
    "K3,Gamma,not-an-email,xx,\n"
    "K4,Delta,,,bad@\n"
)


@pytest.fixture
def agent(client):
    client.force_login(UserFactory())


def upload(client, content: str | bytes, name: str = "customers.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post("/customers/import/", {"file": SimpleUploadedFile(name, data)})


def confirm(client, mode: str = "all", **extra: str):
    token = client.session["customers_import"]["token"]
    return client.post("/customers/import/confirm/", {"token": token, "mode": mode, **extra})


def test_valid_file_is_previewed_then_imported(client, agent) -> None:
    assert upload(client, VALID).url == "/customers/import/preview/"
    preview = client.get("/customers/import/preview/")
    content = preview.content.decode()
    assert "Same customer as row 2" in content
    assert preview.context["preview_counts"] == {"create": 2, "update": 0}
    assert not Customer.objects.exists()

    response = confirm(client)
    assert response.url == "/customers/"
    alpha = Customer.objects.get(number="K1")
    assert (alpha.name, alpha.city, alpha.language, alpha.notes) == (
        "Alpha GmbH",
        "Berlin",
        "de",
        "VIP",
    )
    assert sorted(alpha.contacts.values_list("email", flat=True)) == [
        "eva@alpha.example",
        "max@alpha.example",
    ]
    beta = Customer.objects.get(number="K2")
    assert (beta.kind, beta.language) == ("person", "en")
    assert not beta.contacts.exists()
    assert "customers_import" not in client.session


def test_preview_reports_each_error_with_row_and_column(client, agent) -> None:
    upload(client, WITH_ERRORS)
    preview = client.get("/customers/import/preview/").context["preview"]
    errors = {(e.row, e.column) for e in preview.errors}
    assert errors == {(3, "number"), (4, "email"), (4, "language"), (5, "contact_email")}
    content = client.get("/customers/import/preview/").content.decode()
    assert "Enter a valid email address." in content
    assert "is not a language" in content
    assert "Import only the 1 valid row" in content


def test_file_with_errors_imports_nothing(client, agent) -> None:
    upload(client, WITH_ERRORS)
    response = confirm(client, mode="all")
    assert response.url == "/customers/import/preview/"
    assert not Customer.objects.exists()
    messages = [str(m) for m in client.get("/customers/import/preview/").context["messages"]]
    assert "The file has errors, so nothing was imported." in messages


def test_only_valid_rows_are_imported_when_chosen(client, agent) -> None:
    upload(client, WITH_ERRORS)
    confirm(client, mode="valid")
    assert list(Customer.objects.values_list("number", flat=True)) == ["K1"]


def test_utf8_bom_and_semicolons_are_read(client, agent) -> None:
    content = (
        "\ufeffnumber;name;city;contact_name;contact_email\n"
        "K7;Müller & Söhne, KG;Köln;Jürgen;j@m.example\n"
    )
    upload(client, content.encode("utf-8"))
    preview = client.get("/customers/import/preview/").context["preview"]
    assert preview.delimiter == ";"
    assert preview.columns == ["number", "name", "city", "contact_name", "contact_email"]
    confirm(client)
    customer = Customer.objects.get(number="K7")
    assert (customer.name, customer.city) == ("Müller & Söhne, KG", "Köln")
    assert customer.contacts.get().name == "Jürgen"


def test_windows_1252_file_is_read(client, agent) -> None:
    upload(client, "number;name\nK8;Straße GmbH\n".encode("cp1252"))
    assert client.get("/customers/import/preview/").context["preview"].encoding == "Windows-1252"
    confirm(client)
    assert Customer.objects.get(number="K8").name == "Straße GmbH"


def test_existing_number_updates_the_customer(client, agent) -> None:
    existing = CustomerFactory(number="K1", name="Old", city="Bonn", phone="0228 1")
    known = ContactFactory(email="eva@alpha.example", customers=[CustomerFactory()])
    upload(
        client,
        "number,name,city,phone,contact_name,contact_email\nK1,New,,0228 2,Eva,eva@alpha.example\n",
    )
    content = client.get("/customers/import/preview/").content.decode()
    assert "Updates the existing customer" in content
    confirm(client)
    existing.refresh_from_db()
    assert (existing.name, existing.city, existing.phone) == ("New", "Bonn", "0228 2")
    assert Customer.objects.count() == 2
    assert existing in known.customers.all()
    assert Contact.objects.count() == 1


def test_missing_required_column_is_a_file_error(client, agent) -> None:
    upload(client, "name,city\nAlpha,Berlin\n")
    preview = client.get("/customers/import/preview/")
    assert "Required column(s) missing: number." in preview.content.decode()
    confirm(client, mode="valid")
    assert not Customer.objects.exists()


def test_too_large_file_is_refused(client, agent) -> None:
    response = upload(client, "number,name\n" + "K1,A\n" * 600_000)
    assert response.status_code == 200
    assert "larger than 2 MB" in response.content.decode()
    assert "customers_import" not in client.session


def test_expired_or_foreign_token_imports_nothing(client, agent) -> None:
    upload(client, VALID)
    response = client.post("/customers/import/confirm/", {"token": "forged", "mode": "all"})
    assert response.url == "/customers/import/"
    assert not Customer.objects.exists()


def test_cancel_discards_the_upload(client, agent) -> None:
    upload(client, VALID)
    confirm(client, cancel="1")
    assert "customers_import" not in client.session
    assert not Customer.objects.exists()


def test_contact_without_name_is_an_error() -> None:
    preview = read_import("number,name,contact_email\nK1,A,x@example.com\n")
    assert [(e.row, e.column) for e in preview.errors] == [(2, "contact_name")]


def test_german_headers_and_values_are_understood() -> None:
    preview = read_import("Kundennummer;Name;Typ;PLZ;Sprache\nK1;A;Person;10115;Englisch\n")
    with_translation = preview.rows[0].customer
    assert with_translation["postal_code"] == "10115"
    assert with_translation["kind"] == "person"
    assert preview.ignored_columns == []


def test_blank_lines_are_skipped_and_rows_numbered_like_a_spreadsheet() -> None:
    preview = read_import("number,name\n\nK1,A\n,\nK2,\n")
    assert [row.row for row in preview.rows] == [3, 5]
    assert [(e.row, e.column) for e in preview.errors] == [(5, "name")]
