"""Configuration → Notification texts: administrators edit, preview and reset."""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory
from ticketdesk.tickets.models import NotificationTemplate

pytestmark = pytest.mark.django_db

URL = "/config/notifications/opened/en/"


def test_agents_get_403(client) -> None:
    client.force_login(UserFactory())
    assert client.get("/config/notifications/").status_code == 403
    assert client.get(URL).status_code == 403


def test_list_shows_every_event_and_language(admin_client_user) -> None:
    response = admin_client_user.get("/config/notifications/")
    assert response.status_code == 200
    assert b"Ticket opened (confirmation)" in response.content
    assert b"/config/notifications/closed/de/" in response.content


def test_edit_form_starts_with_builtin_text_and_previews(admin_client_user) -> None:
    response = admin_client_user.get(URL)
    assert "We have received your request" in response.content.decode()
    response = admin_client_user.post(
        URL, {"subject": "Hi {contact_name}", "text": "Number {ticket_number}", "preview": "1"}
    )
    body = response.content.decode()
    assert "Hi Erika Mustermann" in body
    assert "Number T-1234" in body
    assert not NotificationTemplate.objects.exists()


def test_save_and_reset(admin_client_user) -> None:
    response = admin_client_user.post(
        URL, {"subject": "Thanks {contact_name}", "text": "Ticket {ticket_number}", "save": "1"}
    )
    assert response.status_code == 302
    assert NotificationTemplate.objects.get().subject == "Thanks {contact_name}"
    admin_client_user.post(URL + "reset/")
    assert not NotificationTemplate.objects.exists()


def test_empty_subject_rerenders_with_error(admin_client_user) -> None:
    response = admin_client_user.post(URL, {"subject": "", "text": "x", "save": "1"})
    assert response.status_code == 200
    assert not NotificationTemplate.objects.exists()


def test_unknown_event_is_404(admin_client_user) -> None:
    assert admin_client_user.get("/config/notifications/nope/en/").status_code == 404


@pytest.fixture
def admin_client_user(client):
    client.force_login(UserFactory(admin=True))
    return client
