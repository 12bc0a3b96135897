"""The printable per-customer support report and its ticket CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from .conftest import Month, signed_in

pytestmark = pytest.mark.django_db

MARCH = {"from": "2025-03-01", "to": "2025-03-31"}
STATIC = Path(__file__).resolve().parents[2] / "src/ticketdesk/reports/static/reports"


def fact(html: str, name: str) -> str:
    start = html.index(f'data-fact="{name}">') + len(f'data-fact="{name}">')
    return html[start : html.index("<", start)]


def test_customer_report_shows_tickets_time_and_response_times(month: Month) -> None:
    url = reverse("reports:customer", args=[month.acme.pk])
    response = signed_in(month.admin).get(url, MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Support report: Acme" in html
    # Acme in March: T1 and T3 opened and closed, T3 reopened once; 30 + 90 minutes billable.
    assert (fact(html, "opened"), fact(html, "closed"), fact(html, "reopened")) == ("2", "2", "1")
    assert (fact(html, "time"), fact(html, "billable"), fact(html, "not-billable")) == (
        "2:00 h",
        "2:00 h",
        "0 min",
    )
    assert month.tickets["T1"].reference in html
    assert month.tickets["T3"].reference in html
    assert month.tickets["T5"].reference not in html  # February
    assert month.tickets["T2"].reference not in html  # Globex
    # First response 60 and 1020 minutes: mean and median 540, 90th percentile 924.
    assert "9:00 h" in html
    assert "15:24 h" in html
    assert "Bob Beta" in html  # time per agent
    assert "Billing" in html  # time per category


def test_customer_report_prints(month: Month) -> None:
    html = signed_in(month.admin).get(reverse("reports:customer", args=[month.acme.pk]), MARCH)
    text = html.content.decode()
    assert "reports/reports.css" in text
    assert "data-print" in text  # the print button (shown by reports.js)
    stylesheet = (STATIC / "reports.css").read_text()
    print_rules = stylesheet[stylesheet.index("@media print") :]
    assert ".topbar" in print_rules
    assert ".no-print" in print_rules


def test_customer_report_csv(month: Month) -> None:
    url = reverse("reports:customer_csv", args=[month.acme.pk])
    response = signed_in(month.admin).get(url, MARCH)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="report-customer-K100-2025-03-01-2025-03-31.csv"'
    )
    text = response.content.decode()
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert lines[0][:2] == ["Ticket", "Subject"]
    t3 = next(line for line in lines if line[0] == month.tickets["T3"].reference)
    assert t3[-4:] == ["120", "1320", "90", "90"]


def test_unknown_customer_is_not_found(month: Month) -> None:
    client = signed_in(month.admin)
    assert client.get(reverse("reports:customer", args=[999999]), MARCH).status_code == 404
    assert client.get(reverse("reports:customer_csv", args=[999999]), MARCH).status_code == 404


def test_bad_range_shows_the_form_again(month: Month) -> None:
    url = reverse("reports:customer", args=[month.acme.pk])
    response = signed_in(month.admin).get(url, {"from": "2025-03-31", "to": "2025-03-01"})
    assert response.status_code == 400
    assert "must not be after" in response.content.decode()
