"""The reports page, the JSON and CSV endpoints: content, shape, languages and bad input."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from .conftest import Month, signed_in

pytestmark = pytest.mark.django_db

MARCH = {"range": "custom", "from": "2025-03-01", "to": "2025-03-31"}
SECTIONS = ("performance", "distribution", "sla", "time", "backlog")


def test_page_shows_each_section_as_chart_and_table(month: Month) -> None:
    response = signed_in(month.admin).get(reverse("reports:index"), MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    for slug, title in [
        ("performance", "Team performance"),
        ("distribution", "Work distribution"),
        ("sla", "SLA compliance"),
        ("time", "Time spent"),
        ("backlog", "Backlog trend"),
    ]:
        assert f'id="section-{slug}"' in html
        assert title in html
        assert f'data-chart-url="/reports/{slug}.json?' in html
        assert f'href="/reports/{slug}.csv?' in html
    # The tables are rendered on the server: the numbers are there without JavaScript.
    assert "Anna Alpha" in html
    assert "Acme" in html
    assert "66.7 %" in html  # first responses within target
    assert "1:45 h" in html  # Alpha's mean first response (105 minutes)
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_page_defaults_to_the_last_twelve_months(month: Month, asked_at: None) -> None:
    response = signed_in(month.admin).get(reverse("reports:index"))
    assert response.status_code == 200
    assert 'data-report-range="2024-05-01/2025-04-01"' in response.content.decode()


def test_presets_fill_the_dates(month: Month, asked_at: None) -> None:
    response = signed_in(month.admin).get(reverse("reports:index"), {"range": "last_month"})
    html = response.content.decode()
    assert 'data-report-range="2025-03-01/2025-03-31"' in html
    assert 'value="2025-03-01"' in html  # shown in the date box, ready for "Custom"


def test_german_page(month: Month) -> None:
    month.admin.language = "de"
    month.admin.save(update_fields=["language"])
    response = signed_in(month.admin).get(reverse("reports:index"), MARCH)
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "Dringend" in html  # the priority's German name
    assert "Technik" in html
    assert "66,7 %" in html  # German decimal comma
    assert "01.03.2025" in html


def test_english_page(month: Month) -> None:
    response = signed_in(month.admin).get(reverse("reports:index"), MARCH)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Urgent" in html
    assert "Technical" in html
    assert "Unassigned" in html


def test_json_shape(month: Month) -> None:
    response = signed_in(month.admin).get(reverse("reports:json", args=["time"]), MARCH)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {
        "section",
        "title",
        "description",
        "from",
        "to",
        "period",
        "filters",
        "columns",
        "rows",
        "chart",
        "notes",
    }
    assert (data["section"], data["from"], data["to"], data["period"]) == (
        "time",
        "2025-03-01",
        "2025-03-31",
        "week",
    )
    assert data["columns"][0] == {"key": "total", "label": "Total", "kind": "minutes"}
    anna = next(row for row in data["rows"] if row["name"] == "Anna Alpha")
    assert anna == {
        "dimension": "agent",
        "key": month.anna.pk,
        "name": "Anna Alpha",
        "values": {
            "total": 75,
            "billable": 30,
            "not_billable": 45,
            "billable_share": 40.0,
            "segments": 2,
        },
    }
    assert data["chart"]["type"] == "bar"
    assert data["chart"]["labels"] == ["Anna Alpha", "Bob Beta"]
    assert data["chart"]["datasets"][0] == {
        "label": "Billable",
        "data": [0.5, 1.5],
        "stack": "time",
    }


@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_answers_json_and_csv(month: Month, section: str) -> None:
    client = signed_in(month.admin)
    assert client.get(reverse("reports:json", args=[section]), MARCH).json()["section"] == section
    response = client.get(reverse("reports:csv", args=[section]), MARCH)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="report-{section}-2025-03-01-2025-03-31.csv"'
    )


def test_csv_content(month: Month) -> None:
    response = signed_in(month.admin).get(reverse("reports:csv", args=["distribution"]), MARCH)
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheet programs read it as UTF-8
    lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert lines[0] == ["Dimension", "Key", "Name", "Opened", "Closed", "Share of opened (%)"]
    assert ["Agent", str(month.anna.pk), "Anna Alpha", "2", "2", "50"] in lines
    assert ["Customer", str(month.acme.pk), "Acme", "2", "2", "50"] in lines
    assert lines[-1] == ["Total", "", "All tickets", "4", "3", "100"]


def test_csv_quotes_formula_like_names(month: Month) -> None:
    month.acme.name = "=HYPERLINK(1)"
    month.acme.save(update_fields=["name"])
    response = signed_in(month.admin).get(reverse("reports:csv", args=["time"]), MARCH)
    assert "'=HYPERLINK(1)" in response.content.decode()


def test_german_csv_uses_the_decimal_comma(month: Month) -> None:
    month.admin.language = "de"
    month.admin.save(update_fields=["language"])
    response = signed_in(month.admin).get(reverse("reports:csv", args=["sla"]), MARCH)
    text = response.content.decode()
    assert '"66,7"' in text
    assert "Dringend" in text


def test_filters_from_the_url(month: Month) -> None:
    params = {**MARCH, "team": str(month.beta.pk)}
    data = signed_in(month.admin).get(reverse("reports:json", args=["performance"]), params).json()
    assert data["filters"]["team"] == [month.beta.pk]
    assert [row["name"] for row in data["rows"] if row["dimension"] == "team"] == ["Beta"]
    by_number = {**MARCH, "customer": "Globex (K200)"}
    data = signed_in(month.admin).get(reverse("reports:json", args=["distribution"]), by_number)
    assert data.json()["filters"]["customer"] == [month.globex.pk]


def test_one_customer_links_to_its_support_report(month: Month) -> None:
    response = signed_in(month.admin).get(reverse("reports:index"), {**MARCH, "customer": "K100"})
    assert f"/reports/customer/{month.acme.pk}/?from=2025-03-01" in response.content.decode()


def test_unknown_section_is_not_found(month: Month) -> None:
    client = signed_in(month.admin)
    assert client.get("/reports/tickets.json", MARCH).status_code == 404
    assert client.get("/reports/nothing.csv", MARCH).status_code == 404


# --- bad input ------------------------------------------------------------------------

BAD_INPUT = [
    ({"range": "custom", "from": "2025-03-31", "to": "2025-03-01"}, "to", "must not be after"),
    ({"range": "custom", "from": "2019-01-01", "to": "2025-01-01"}, "to", "at most 5 years"),
    ({"range": "custom", "from": "2025-02-30", "to": "2025-03-01"}, "from", "valid date"),
    ({"range": "custom", "from": "yesterday", "to": "2025-03-01"}, "from", "valid date"),
    ({"range": "custom", "from": "2025-03-01"}, "to", "both dates"),
    ({"range": "someday"}, "range", "valid choice"),
    ({**MARCH, "team": "999999"}, "team", "Unknown team"),
    ({**MARCH, "team": "Nobody"}, "team", "Unknown team"),
    ({**MARCH, "category": "99999999999999999999999"}, "category", "Unknown category"),
    ({**MARCH, "agent": "nobody@example.com"}, "agent", "Unknown agent"),
    ({**MARCH, "customer": "K999"}, "customer", "No customer has the number or id"),
    ({**MARCH, "customer": "a\x00b"}, "customer", "No customer has the number or id"),
    ({**MARCH, "period": "year"}, "period", "valid choice"),
]


@pytest.mark.parametrize(("params", "field", "message"), BAD_INPUT)
def test_bad_input_gets_a_400_with_the_reason_from_json(
    month: Month, params: dict, field: str, message: str
) -> None:
    response = signed_in(month.admin).get(reverse("reports:json", args=["performance"]), params)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert message in " ".join(errors[field])


@pytest.mark.parametrize(("params", "field", "message"), BAD_INPUT)
def test_bad_input_shows_the_form_again_with_the_message(
    month: Month, params: dict, field: str, message: str
) -> None:
    response = signed_in(month.admin).get(reverse("reports:index"), params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "data-report-filters" in html
    assert 'id="section-performance"' not in html


def test_bad_input_in_the_csv_endpoint_is_a_400_with_text(month: Month) -> None:
    params = {"range": "custom", "from": "2025-03-31", "to": "2025-03-01"}
    response = signed_in(month.admin).get(reverse("reports:csv", args=["time"]), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "must not be after" in response.content.decode()


def test_five_years_exactly_are_allowed(month: Month) -> None:
    params = {"range": "custom", "from": "2020-01-01", "to": "2024-12-31"}
    response = signed_in(month.admin).get(reverse("reports:json", args=["backlog"]), params)
    assert response.status_code == 200
    assert response.json()["period"] == "month"
