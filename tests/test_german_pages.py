"""A German user reads German on the main pages (the catalog is compiled and in use).

The ticket list's German headers are checked in tests/tickets/test_list_views.py.
"""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory
from tests.tickets.factories import TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def german_admin(client):
    client.force_login(UserFactory(admin=True, language="de"))
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_german_agent_sees_german_ticket_page(german_admin) -> None:
    ticket = TicketFactory(subject="VPN down")
    html = page(german_admin, f"/tickets/{ticket.number}/")
    for text in [
        "Annehmen",
        "Mir zuweisen",
        "Speichern",
        "Antwort senden",
        "Senden und schließen",
        "Notiz hinzufügen",
        "Priorität",
        "Voraussichtliches Lösungsdatum",
        "Verlauf",
    ]:
        assert text in html
    for text in [">Accept<", ">Send reply<", ">Log out<"]:
        assert text not in html


def test_german_admin_sees_german_menu_and_configuration(german_admin) -> None:
    html = page(german_admin, "/config/")
    for text in ["Eingehende E-Mails", "Kunden", "Konfiguration", "Abmelden"]:
        assert text in html
    for text in ["Benutzer", "Support-Teams", "Postfächer", "Mailfilter", "Postausgang"]:
        assert text in html


@pytest.mark.parametrize(
    ("url", "texts"),
    [
        ("/customers/", ["Kunden suchen", "Neuer Kunde"]),
        ("/incoming/", ["Nichts wartet. Jede Nachricht hat ihr Ticket gefunden."]),
        ("/config/outbox/", ["Postausgang", "Versuche"]),
    ],
)
def test_german_admin_sees_german_lists(german_admin, url: str, texts: list[str]) -> None:
    html = page(german_admin, url)
    for text in texts:
        assert text in html


def test_login_page_is_german_for_a_german_browser(client) -> None:
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Anmelden" in html
    assert "Passwort vergessen?" in html
