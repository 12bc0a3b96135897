"""The demo data set: logins, teams, customers and about 200 tickets with 90 days of history.

`load_demo_data` is what `ticketdesk demo` (and so `make run`) calls on every
start; it loads the set once and afterwards returns False without touching
anything. Tickets are played through the ticket services (see `stories`), so
numbers, events and status automation are the real ones.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import TextIO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import OutputWrapper
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ticketdesk.accounts.models import Role, Team, User
from ticketdesk.api.webhooks.models import WebhookEvent
from ticketdesk.api.webhooks.services import create_subscription
from ticketdesk.customers.models import Contact, Customer, CustomerKind, SupportNote
from ticketdesk.portal.services import save_portal_settings
from ticketdesk.tickets import notifications
from ticketdesk.tickets.models import Category, SubCategory, TicketTemplate

from . import words
from .contracts import create_demo_contracts
from .stories import play_stories

DEMO_SEED = 20_24_06_01
ADMIN_EMAIL = "admin@example.com"
CUSTOMER_EMAIL = "customer@example.com"
CUSTOMER_COUNT = 30
TICKET_COUNT = 200
HISTORY_DAYS = 90

# email, full name, role, Support-team flag, language, password
DEMO_USERS = [
    (ADMIN_EMAIL, "Sabine Krause", Role.ADMINISTRATOR, True, "de", "admin"),
    ("agent@example.com", "Tom Berger", Role.AGENT, True, "de", "agent"),
    ("lena@example.com", "Lena Vogt", Role.AGENT, True, "en", "agent"),
    ("paul@example.com", "Paul Richter", Role.AGENT, False, "de", "agent"),
]
# team name, description, member e-mails
DEMO_TEAMS = [
    ("Telefonie", "Telefonanlagen, Rufnummern, Faxe", ["agent@example.com", "paul@example.com"]),
    ("Netzwerk", "Internetanschlüsse, WLAN, VPN, Firewall", [ADMIN_EMAIL, "lena@example.com"]),
]
# A telephony category of its own, routed to the telephony team.
TELEPHONY_CATEGORY = ("Telefonie", "Telephony", [("Telefonanlage", "Phone system")])

EXAMPLE_WEBHOOK_URL = "https://example.com/ticketdesk/webhook"

Output = OutputWrapper | TextIO


@dataclass
class DemoPeople:
    admin: User
    agents: list[User]
    teams: list[Team]


def demo_data_present() -> bool:
    """The demo administrator is the marker: it exists once the set was loaded."""
    return User.objects.filter(email=ADMIN_EMAIL).exists()


def load_demo_data(stdout: Output | None = None) -> bool:
    """Load the demo set once; False (and nothing written) when it is already there."""
    if demo_data_present():
        return False
    started = time.monotonic()
    rng = random.Random(DEMO_SEED)  # noqa: S311 -- fixed seed: the same demo set every time
    # The stories are history (backdated up to 90 days): mail about them would only
    # flood the demo's mail folder, so the notification rules stay silent.
    with (
        translation.override(settings.LANGUAGE_CODE),
        notifications.suppressed(),
        transaction.atomic(),
    ):
        people = _create_people()
        _configure_lists(people.teams)
        _create_example_webhook()
        customers = _create_customers(rng)
        tickets = play_stories(
            rng, people=people, customers=customers, count=TICKET_COUNT, days=HISTORY_DAYS
        )
        create_demo_contracts(rng, admin=people.admin, agents=people.agents, customers=customers)
    if stdout is not None:
        stdout.write(
            _(
                "Demo data: %(users)d users, %(customers)d customers, %(tickets)d tickets "
                "(%(s).1f s)."
            )
            % {
                "users": len(DEMO_USERS) + 1,
                "customers": len(customers),
                "tickets": tickets,
                "s": time.monotonic() - started,
            }
        )
    return True


def _create_example_webhook() -> None:
    """An inactive subscription to a documentation address (RFC 2606), to show the page."""
    create_subscription(
        url=EXAMPLE_WEBHOOK_URL,
        events=[WebhookEvent.TICKET_CREATED, WebhookEvent.TICKET_CLOSED],
        is_active=False,
    )


def _create_people() -> DemoPeople:
    # Demo passwords are too short for the validators, so they are hashed directly;
    # one hash per distinct password keeps start-up fast.
    hashes = {password: make_password(password) for password in {u[-1] for u in DEMO_USERS}}
    users = {}
    for email, name, role, support, language, password in DEMO_USERS:
        users[email] = User.objects.create(
            email=email,
            full_name=name,
            role=role,
            is_support_team=support,
            language=language,
            is_staff=role == Role.ADMINISTRATOR,
            is_superuser=role == Role.ADMINISTRATOR,
            password=hashes[password],
        )
    teams = []
    for name, description, members in DEMO_TEAMS:
        team = Team.objects.create(name=name, description=description)
        team.members.set([users[email] for email in members])
        teams.append(team)
    return DemoPeople(
        admin=users[ADMIN_EMAIL],
        agents=[u for u in users.values() if u.is_support_team],
        teams=teams,
    )


def _configure_lists(teams: list[Team]) -> None:
    telephony, network = teams
    de, en, subs = TELEPHONY_CATEGORY
    order = (Category.objects.order_by("-order").values_list("order", flat=True).first() or 0) + 10
    category = Category.objects.create(name_de=de, name_en=en, order=order)
    for sub_order, (sub_de, sub_en) in enumerate(subs, start=1):
        SubCategory.objects.create(
            category=category,
            name_de=sub_de,
            name_en=sub_en,
            order=sub_order * 10,
            default_team=telephony,
        )
    # Outages go to the network team (matched by the default list's English name).
    SubCategory.objects.filter(name_en="Outage", default_team=None).update(default_team=network)
    for order, (name, subject, body) in enumerate(words.TICKET_TEMPLATES, start=1):
        TicketTemplate.objects.create(name=name, subject=subject, body=body, order=order * 10)


def _create_customers(rng: random.Random) -> list[Customer]:
    customers = []
    for index in range(CUSTOMER_COUNT):
        is_person = index % 8 == 7
        name = words.person_name(rng) if is_person else words.company_name(rng, index)
        domain = f"{slugify(name)[:40]}.example"
        postal_code, city = rng.choice(words.CITIES)
        customer = Customer.objects.create(
            number=f"K{10001 + index}",
            name=name,
            kind=CustomerKind.PERSON if is_person else CustomerKind.COMPANY,
            street=f"{rng.choice(words.STREETS)} {rng.randint(1, 120)}",
            postal_code=postal_code,
            city=city,
            country="Deutschland",
            phone=f"0{rng.randint(30, 99)} {rng.randint(100000, 9999999)}",
            email=f"info@{domain}",
            language="en" if index % 5 == 4 else "de",
        )
        for _contact in range(1 if is_person else rng.randint(1, 3)):
            contact_name = name if is_person else words.person_name(rng)
            contact = Contact.objects.create(
                name=contact_name,
                email=f"{slugify(contact_name).replace('-', '.')}@{domain}",
                language=customer.language,
                portal_access=rng.random() < 0.5,
            )
            contact.customers.add(customer)
        customers.append(customer)
    noted = rng.sample(customers, 2 * len(words.SUPPORT_NOTES))
    for customer, (title, body) in zip(noted, words.SUPPORT_NOTES * 2, strict=True):
        SupportNote.objects.create(customer=customer, title=title, body=body)
    _create_portal_contact(customers[:2])
    save_portal_settings(
        is_enabled=True,
        instance_name="Ticketdesk Demo",
        welcome_de="Willkommen im Kundenportal. Hier eröffnen und verfolgen Sie Ihre Tickets.",
        welcome_en="Welcome to the customer portal. Open and follow your tickets here.",
    )
    return customers


def _create_portal_contact(customers: list[Customer]) -> Contact:
    """customer@example.com: a portal admin of two customer records with one login."""
    user = User.objects.create(
        email=CUSTOMER_EMAIL,
        full_name="Claudia Weber",
        role=Role.CUSTOMER,
        language="de",
        password=make_password("customer"),
    )
    contact = Contact.objects.create(
        name=user.full_name,
        email=CUSTOMER_EMAIL,
        language="de",
        portal_access=True,
        portal_admin=True,
        user=user,
    )
    contact.customers.set(customers)
    return contact
