"""Portal sign-in: contacts only, the agents' lockout, invitation and reset links, language."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory
from tests.portal.conftest import PASSWORD, Portal
from ticketdesk.accounts.models import Role
from ticketdesk.outbox.models import OutboundMail

pytestmark = pytest.mark.django_db

LOGIN = reverse("portal:login")
RESET = reverse("portal:password_reset")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
INVALID = "Please enter a correct e-mail address and password."


def post_login(client: Client, email: str, password: str, *, ip: str = "192.0.2.1"):
    return client.post(
        LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en"
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def portal_mail():
    """Invitations and set-password links (the fixture's tickets queue mail of their own)."""
    return OutboundMail.objects.filter(reference__startswith="portal ")


def link_in(mail: OutboundMail) -> str:
    return re.search(r"https?://\S+(/portal/password/\S+/)", mail.text_body)[1]


def test_contact_signs_in_and_lands_on_their_tickets(client: Client, portal: Portal) -> None:
    response = post_login(client, portal.admin_a.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:tickets")
    assert signed_in(client)


@pytest.mark.parametrize("who", ["staff", "no_access", "wrong_password", "unknown"])
def test_refused_sign_ins_all_get_the_same_answer(client: Client, portal: Portal, who) -> None:
    UserFactory(email="agent@support.example", password=PASSWORD)
    no_access = ContactFactory(customers=[portal.customer_a], portal_access=False)
    no_access.user = UserFactory(customer=True, email=no_access.email, password=PASSWORD)
    no_access.save()
    email, password = {
        "staff": ("agent@support.example", PASSWORD),
        "no_access": (no_access.email, PASSWORD),
        "wrong_password": (portal.admin_a.email, "wrong"),
        "unknown": ("nobody@nowhere.example", PASSWORD),
    }[who]

    response = post_login(client, email, password)

    assert response.status_code == 200
    assert INVALID in response.content.decode()
    assert not signed_in(client)


def test_portal_login_is_locked_after_the_failure_limit(
    client: Client, portal: Portal, settings, time_machine
) -> None:
    time_machine.move_to(START, tick=False)
    limit = settings.SIGNIN_FAILURE_LIMIT
    email = portal.admin_a.email
    answers = [
        post_login(client, email, "wrong", ip=f"192.0.2.{n}").status_code
        for n in range(1, limit + 1)
    ]
    assert answers == [200] * (limit - 1) + [429]

    locked = post_login(client, email, PASSWORD, ip="198.51.100.7")

    assert locked.status_code == 429
    assert not signed_in(client)
    page = locked.content.decode()
    assert "Too many failed sign-ins" in page
    assert "Acme Support" in page  # the portal's page, not the agents'
    time_machine.shift(timedelta(minutes=settings.SIGNIN_COOLOFF_MINUTES, seconds=1))
    assert post_login(client, email, PASSWORD).status_code == 302
    assert signed_in(client)


def test_admin_invites_a_contact_from_the_contact_page(client: Client, portal: Portal) -> None:
    contact = ContactFactory(customers=[portal.customer_a], portal_access=True, language="de")
    client.force_login(UserFactory(admin=True))
    page = client.get(reverse("customers:contact_edit", args=[contact.pk])).content.decode()
    assert reverse("portal_config:invite", args=[contact.pk]) in page

    response = client.post(reverse("portal_config:invite", args=[contact.pk]))

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.user.role == Role.CUSTOMER
    assert not contact.user.has_usable_password()
    mail = OutboundMail.objects.get(to=[contact.email])
    assert mail.language == "de"
    assert "Acme Support" in mail.subject
    assert "/portal/password/" in mail.text_body


def test_agents_cannot_send_invitations(client: Client, portal: Portal) -> None:
    contact = ContactFactory(customers=[portal.customer_a], portal_access=True)
    client.force_login(UserFactory())

    response = client.post(reverse("portal_config:invite", args=[contact.pk]))

    assert response.status_code == 403
    assert not portal_mail().exists()


def test_invitation_needs_portal_access(client: Client, portal: Portal) -> None:
    contact = ContactFactory(customers=[portal.customer_a], portal_access=False)
    client.force_login(UserFactory(admin=True))

    response = client.post(reverse("portal_config:invite", args=[contact.pk]), follow=True)

    assert "portal access" in response.content.decode()
    contact.refresh_from_db()
    assert contact.user is None
    assert not portal_mail().exists()


def invite(client: Client, portal: Portal):
    contact = ContactFactory(customers=[portal.customer_a], portal_access=True)
    admin = Client()
    admin.force_login(UserFactory(admin=True))
    admin.post(reverse("portal_config:invite", args=[contact.pk]))
    return contact, link_in(OutboundMail.objects.get(to=[contact.email]))


def set_password(client: Client, link: str):
    page = client.get(link, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    return page, client.post(
        form_url, {"new_password1": "Blue-Harbour-81", "new_password2": "Blue-Harbour-81"}
    )


def test_invitation_link_sets_the_password_signs_in_and_works_once(
    client: Client, portal: Portal
) -> None:
    contact, link = invite(client, portal)

    page, done = set_password(client, link)

    assert "new_password1" in page.content.decode()
    assert done.status_code == 302
    assert done["Location"] == reverse("portal:tickets")
    assert signed_in(client)
    again = Client(HTTP_ACCEPT_LANGUAGE="en")
    reused = again.get(link, follow=True).content.decode()
    assert "This link has already been used or has expired." in reused
    assert "new_password1" not in reused
    assert post_login(Client(), contact.email, "Blue-Harbour-81").status_code == 302


def test_invitation_link_expires(client: Client, portal: Portal, settings, time_machine) -> None:
    time_machine.move_to(START, tick=False)
    _contact, link = invite(client, portal)
    time_machine.shift(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1))

    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(link, follow=True).content.decode()

    assert "This link has already been used or has expired." in page


def test_reset_form_answers_alike_and_mails_portal_contacts_only(
    client: Client, portal: Portal
) -> None:
    UserFactory(email="agent@support.example")
    answers = [
        client.post(RESET, {"email": email}, REMOTE_ADDR=f"192.0.2.{n}")
        for n, email in enumerate(
            [portal.plain_a.email, "agent@support.example", "nobody@nowhere.example"], start=1
        )
    ]

    assert [(r.status_code, r["Location"]) for r in answers] == [
        (302, reverse("portal:password_reset_sent"))
    ] * 3
    assert [mail.to for mail in portal_mail()] == [[portal.plain_a.email]]


def test_reset_link_of_a_staff_login_does_not_open_in_the_portal(
    client: Client, portal: Portal
) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    agent = portal.agent
    uid = urlsafe_base64_encode(force_bytes(agent.pk))
    token = default_token_generator.make_token(agent)
    path = reverse("portal:set_password", args=[uid, token])

    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(path, follow=True).content.decode()

    assert "This link has already been used or has expired." in page


def test_reset_requests_are_throttled(client: Client, portal: Portal, settings) -> None:
    answers = [
        client.post(RESET, {"email": portal.plain_a.email}).status_code
        for _ in range(settings.PASSWORD_RESET_LIMIT + 1)
    ]

    assert answers == [302] * settings.PASSWORD_RESET_LIMIT + [429]
    assert portal_mail().count() == settings.PASSWORD_RESET_LIMIT


def test_contact_switches_the_language(client: Client, portal: Portal) -> None:
    contact = portal.admin_a
    client.force_login(contact.user)
    tickets = reverse("portal:tickets")

    response = client.post(reverse("portal:language"), {"language": "de", "next": tickets})

    assert response["Location"] == tickets
    contact.user.refresh_from_db()
    assert contact.user.language == "de"
    assert "Meine Tickets" in client.get(tickets).content.decode()


def test_visitor_switches_the_language_by_cookie(client: Client, portal_on: None) -> None:
    client.post(reverse("portal:language"), {"language": "en", "next": "https://evil.example/"})

    page = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="de")

    assert page["Content-Language"] == "en"


def test_sign_out(client: Client, portal: Portal) -> None:
    client.force_login(portal.admin_a.user)

    response = client.post(reverse("portal:logout"))

    assert response["Location"] == LOGIN
    assert not signed_in(client)


def test_a_second_contact_cannot_take_a_login_that_is_linked(portal: Portal) -> None:
    from django.core.exceptions import ValidationError

    from ticketdesk.portal.services import ADDRESS_TAKEN, invite_contact

    twin = ContactFactory(customers=[portal.customer_b], portal_access=True)
    twin.email = portal.admin_a.email
    twin.save()

    with pytest.raises(ValidationError) as error:
        invite_contact(twin, base_url="http://testserver/")

    assert error.value.message == ADDRESS_TAKEN
