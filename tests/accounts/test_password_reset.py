"""Password-reset requests: throttled per address and per client, mailed through real SMTP."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.signin import sign_in
from tests.smtp_sink import SmtpSink, free_port
from ticketdesk.accounts.models import PasswordResetRequest

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NEW_PASSWORD = "a-long-Passphrase-42"


def request_reset(client, email: str, *, ip: str = "192.0.2.1"):
    # Anonymous pages default to German; these tests read the English texts.
    return client.post(RESET, {"email": email}, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en")


def test_requests_for_one_address_are_limited_and_no_mail_goes_out_beyond(
    client, settings, mailoutbox
) -> None:
    UserFactory(email="agent@example.com")
    limit = settings.PASSWORD_RESET_LIMIT
    answers = [
        request_reset(client, "agent@example.com", ip=f"192.0.2.{n}").status_code
        for n in range(1, limit + 2)
    ]

    assert answers == [302] * limit + [429]
    assert len(mailoutbox) == limit
    refused = request_reset(client, "Agent@Example.com", ip="198.51.100.7")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert (
        f"Too many password-reset requests. Try again in {settings.SIGNIN_COOLOFF_MINUTES}" in page
    )
    assert 'value="Agent@Example.com"' in page
    assert len(mailoutbox) == limit


def test_requests_from_one_client_are_limited_across_addresses(
    client, settings, mailoutbox
) -> None:
    UserFactory(email="agent@example.com")
    attacker = "203.0.113.66"
    for n in range(settings.PASSWORD_RESET_LIMIT):
        assert request_reset(client, f"guess{n}@example.com", ip=attacker).status_code == 302

    assert request_reset(client, "agent@example.com", ip=attacker).status_code == 429
    assert not mailoutbox
    assert request_reset(client, "agent@example.com", ip="198.51.100.7").status_code == 302
    assert len(mailoutbox) == 1


def test_unknown_and_known_addresses_get_the_same_answers(client, settings) -> None:
    UserFactory(email="agent@example.com")

    def answers(email: str, ip: str) -> list[tuple[int, str]]:
        limit = settings.PASSWORD_RESET_LIMIT
        responses = [request_reset(client, email, ip=ip) for _ in range(limit + 1)]
        return [(r.status_code, r.headers.get("Location", "")) for r in responses]

    assert answers("agent@example.com", "192.0.2.1") == answers("nobody@example.com", "192.0.2.2")
    known = page_text(request_reset(client, "agent@example.com", ip="192.0.2.3"))
    unknown = page_text(request_reset(client, "nobody@example.com", ip="192.0.2.4"))
    assert known.replace("agent@example.com", "") == unknown.replace("nobody@example.com", "")


def page_text(response) -> str:
    # Tokens and nonces differ on every response; everything else must not.
    return re.sub(r'(nonce="|"X-CSRFToken": "|value=")[\w-]{20,}', r"\1", response.content.decode())


def test_throttle_releases_after_the_window_and_prunes_old_requests(
    client, settings, mailoutbox, time_machine
) -> None:
    time_machine.move_to(START, tick=False)
    UserFactory(email="agent@example.com")
    for _ in range(settings.PASSWORD_RESET_LIMIT + 1):
        request_reset(client, "agent@example.com")
    assert request_reset(client, "agent@example.com").status_code == 429

    time_machine.shift(timedelta(minutes=settings.SIGNIN_COOLOFF_MINUTES, seconds=1))

    assert request_reset(client, "agent@example.com").status_code == 302
    assert len(mailoutbox) == settings.PASSWORD_RESET_LIMIT + 1
    assert PasswordResetRequest.objects.count() == 1


def test_stored_requests_do_not_list_the_typed_addresses(client) -> None:
    request_reset(client, "secret.person@example.com")

    stored = PasswordResetRequest.objects.get()
    assert "secret" not in stored.address_digest
    assert stored.ip_address == "192.0.2.1"


def test_reset_mail_through_smtp_sets_a_new_password(client, smtp_server: SmtpSink) -> None:
    UserFactory(email="agent@example.com", password="old", language="de")

    assert request_reset(client, "agent@example.com").status_code == 302

    assert smtp_server.wait_for(1)
    mail = smtp_server.messages[0]
    assert smtp_server.envelopes[0].rcpt_tos == ["agent@example.com"]
    assert "Passwort" in mail["Subject"]  # in the recipient's language
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.get_content())
    form = client.get(link.group(1), follow=True)
    assert form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert sign_in(client, "agent@example.com", NEW_PASSWORD)


def test_refused_smtp_connection_logs_and_still_answers_the_same(client, settings, caplog) -> None:
    settings.MAILERS = {**settings.MAILERS, "default": SmtpSink(port=free_port()).mailer()}
    user = UserFactory(email="agent@example.com")

    with caplog.at_level(logging.ERROR):
        known = request_reset(client, "agent@example.com")
    unknown = request_reset(client, "nobody@example.com", ip="192.0.2.2")

    assert (known.status_code, known.url) == (302, reverse("accounts:password_reset_done"))
    assert (unknown.status_code, unknown.url) == (302, known.url)
    failures = [r for r in caplog.records if "password reset email" in r.getMessage()]
    assert len(failures) == 1
    assert str(user.pk) in failures[0].getMessage()
    assert isinstance(failures[0].exc_info[1], ConnectionRefusedError)


@pytest.mark.parametrize("email", ["agent\x00@example.com", "x" * 300, "no-at-sign"])
def test_malformed_addresses_get_the_form_again(client, email, mailoutbox) -> None:
    assert request_reset(client, email).status_code == 200
    assert not mailoutbox
