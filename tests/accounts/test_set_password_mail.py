"""The set-password mail through a real SMTP server, and what happens when it is unreachable."""

from __future__ import annotations

import logging
import re

import pytest

from tests.accounts.factories import UserFactory
from tests.signin import sign_in
from tests.smtp_sink import SmtpSink, free_port
from ticketdesk.accounts import services
from ticketdesk.accounts.models import User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-Passphrase-42"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(admin=True))
    return client


@pytest.fixture
def closed_port_mailer(settings) -> None:
    """The default mailer points at a loopback port nobody listens on."""
    settings.MAILERS = {**settings.MAILERS, "default": SmtpSink(port=free_port()).mailer()}


def new_user_data(**overrides: str) -> dict[str, str]:
    return {
        "email": "new.agent@example.com",
        "full_name": "New Agent",
        "role": "agent",
        "language": "de",
        **overrides,
    }


def test_created_user_gets_the_link_by_smtp_and_sets_a_password(
    admin_client, client, smtp_server: SmtpSink, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post("/config/users/new/", new_user_data()).status_code == 302

    assert smtp_server.wait_for(1)
    assert smtp_server.envelopes[0].rcpt_tos == ["new.agent@example.com"]
    mail = smtp_server.messages[0]
    assert "Passwort" in mail["Subject"]  # the new user's language
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", text).group(1)
    assert link in html

    fresh = type(client)()
    form = fresh.get(link, follow=True)
    assert form.context["validlink"]
    fresh.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert sign_in(fresh, "new.agent@example.com", NEW_PASSWORD)


def test_sending_the_link_again_reports_a_refused_connection(
    admin_client, closed_port_mailer, caplog
) -> None:
    user = UserFactory()

    with caplog.at_level(logging.ERROR, logger="ticketdesk.accounts.services"):
        response = admin_client.post(f"/config/users/{user.pk}/send-link/", follow=True)

    assert response.status_code == 200
    assert "could not be sent" in response.content.decode()
    assert [r.exc_info[0] for r in caplog.records] == [ConnectionRefusedError]
    assert str(user.pk) in caplog.records[0].getMessage()


def test_creating_a_user_while_the_mail_server_is_down_keeps_the_user_and_logs(
    admin_client, closed_port_mailer, caplog, django_capture_on_commit_callbacks
) -> None:
    with (
        caplog.at_level(logging.ERROR, logger="ticketdesk.accounts.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = admin_client.post("/config/users/new/", new_user_data())

    assert response.status_code == 302
    user = User.objects.get(email="new.agent@example.com")
    assert not user.has_usable_password()
    assert [r.exc_info[0] for r in caplog.records] == [ConnectionRefusedError]


def test_send_set_password_link_returns_whether_the_server_took_it(
    settings, smtp_server: SmtpSink
) -> None:
    user = UserFactory()

    assert services.send_set_password_link(user, base_url="https://helpdesk.example.com")
    smtp_server.refuse_with(550)
    assert not services.send_set_password_link(user, base_url="https://helpdesk.example.com")
    smtp_server.stop()
    assert not services.send_set_password_link(user, base_url="https://helpdesk.example.com")

    assert smtp_server.count == 1
    assert "https://helpdesk.example.com/accounts/password-reset/" in (
        smtp_server.messages[0].get_body(("plain",)).get_content()
    )
