"""Main menu → Support → Incoming mail: list, detail, decisions, permissions, purge."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory, CustomerFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.accounts.models import User
from ticketdesk.inbound.inbox.services import purge_discarded
from ticketdesk.inbound.inbox.tasks import purge_inbound
from ticketdesk.inbound.models import InboundMessage, InboundStatus, ReviewReason
from ticketdesk.tickets.models import MessageKind, Ticket

from .mail import compose, deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(client: Client) -> User:
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def held(settings: Settings) -> InboundMessage:
    """A message from an unknown sender, held for review."""
    settings.INBOUND_REVIEW_UNKNOWN_SENDERS = True
    inbound = deliver(
        compose(
            sender="Max Muster <max@elsewhere.example>",
            subject="Quote <request> for 20 phones",
            body="Please send a quote.\n\n> earlier text",
        )
    )
    assert inbound.review_reason == ReviewReason.UNKNOWN_SENDER
    return inbound


@pytest.fixture
def unreadable() -> InboundMessage:
    inbound = deliver(b"\r\n\r\n")
    assert inbound.status == InboundStatus.FAILED
    return inbound


def test_list_shows_waiting_messages_with_reason_sender_and_subject(
    client: Client, agent: User, held: InboundMessage, unreadable: InboundMessage
) -> None:
    deliver(compose(sender=ContactFactory().email))  # opens a ticket: not listed
    response = client.get(reverse("inbound:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Quote &lt;request&gt; for 20 phones" in html
    assert "max@elsewhere.example" in html
    assert "Unknown sender" in html
    assert "Cannot be parsed" in html
    assert len(re.findall(r'href="/incoming/\d+/"', html)) == 2


def test_main_menu_shows_the_waiting_count(
    client: Client, agent: User, held: InboundMessage
) -> None:
    html = client.get(reverse("inbound:list")).content.decode()
    assert '<span class="badge badge-unread">1<span class="visually-hidden"> waiting' in html


def test_detail_shows_parse_error_and_escaped_raw_source(
    client: Client, agent: User, unreadable: InboundMessage
) -> None:
    html = client.get(reverse("inbound:detail", args=[unreadable.pk])).content.decode()
    assert "empty message" in html
    assert "Raw source" in html


def test_detail_shows_parsed_text_with_the_quote_folded_and_raw_escaped(
    client: Client, agent: User, held: InboundMessage
) -> None:
    html = client.get(reverse("inbound:detail", args=[held.pk])).content.decode()
    assert "Please send a quote." in html
    assert "<details><summary>Quoted text</summary>" in html
    assert "Subject: Quote &lt;request&gt; for 20 phones" in html
    assert "<request>" not in html
    raw = client.get(reverse("inbound:raw", args=[held.pk]))
    assert raw["Content-Type"] == "message/rfc822"
    assert raw.content == held.raw_bytes


def test_create_ticket_for_a_chosen_customer(
    client: Client, agent: User, held: InboundMessage
) -> None:
    customer = CustomerFactory(number="K-4711")
    url = reverse("inbound:create_ticket", args=[held.pk])
    response = client.post(url, {"customer": "k-4711"})
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == ticket.get_absolute_url()
    assert ticket.customer == customer
    assert ticket.unknown_contact
    assert ticket.requester_email == "max@elsewhere.example"
    assert ticket.created_by == agent
    held.refresh_from_db()
    assert (held.ticket, held.decided_by, held.status) == (ticket, agent, InboundStatus.PARSED)
    assert not InboundMessage.objects.needing_decision().exists()


def test_create_ticket_makes_a_contact_of_that_customer_the_requester(
    client: Client, agent: User, settings: Settings
) -> None:
    contact = ContactFactory(email="anna@customer.example")
    settings.INBOUND_THROTTLE_TICKETS = 1
    TicketFactory(requester=None, requester_email="anna@customer.example", source="email")
    inbound = deliver(compose(sender=contact.email))
    assert inbound.review_reason == ReviewReason.THROTTLED
    client.post(
        reverse("inbound:create_ticket", args=[inbound.pk]),
        {"customer": contact.customers.get().number},
    )
    inbound.refresh_from_db()
    assert inbound.ticket.requester == contact
    assert not inbound.ticket.unknown_contact


def test_unknown_customer_number_is_a_form_error(
    client: Client, agent: User, held: InboundMessage
) -> None:
    response = client.post(reverse("inbound:create_ticket", args=[held.pk]), {"customer": "nope"})
    assert response.status_code == 400
    assert "No customer has the number “nope”." in response.content.decode()
    assert not Ticket.objects.exists()


def test_unreadable_message_becomes_a_ticket_with_the_raw_source_attached(
    client: Client, agent: User, unreadable: InboundMessage
) -> None:
    customer = CustomerFactory()
    client.post(
        reverse("inbound:create_ticket", args=[unreadable.pk]), {"customer": customer.number}
    )
    ticket = Ticket.objects.get()
    [attachment] = ticket.attachments.all()
    assert attachment.name == "message.eml"
    unreadable.refresh_from_db()
    assert unreadable.ticket == ticket
    assert unreadable.status == InboundStatus.FAILED  # still true; it no longer waits
    assert not InboundMessage.objects.needing_decision().exists()


def test_append_to_a_chosen_ticket(client: Client, agent: User, held: InboundMessage) -> None:
    ticket = TicketFactory()
    url = reverse("inbound:append", args=[held.pk])
    response = client.post(url, {"ticket": ticket.reference})
    assert response.status_code == 302
    message = ticket.messages.filter(kind=MessageKind.CUSTOMER).last()
    assert message.text == "Please send a quote."
    assert message.quoted_text == "> earlier text"
    held.refresh_from_db()
    assert held.ticket_message == message


@pytest.mark.parametrize("typed", ["{number}", "#{number}", "[#{ref}]", "{ref}"])
def test_ticket_number_may_be_typed_in_several_ways(
    client: Client, agent: User, held: InboundMessage, typed: str
) -> None:
    ticket = TicketFactory()
    value = typed.format(number=ticket.number, ref=ticket.reference)
    client.post(reverse("inbound:append", args=[held.pk]), {"ticket": value})
    held.refresh_from_db()
    assert held.ticket == ticket


def test_unknown_ticket_number_is_a_form_error(
    client: Client, agent: User, held: InboundMessage
) -> None:
    response = client.post(reverse("inbound:append", args=[held.pk]), {"ticket": "T-999999"})
    assert response.status_code == 400
    assert "There is no ticket “T-999999”." in response.content.decode()


def test_discard_keeps_the_message_until_the_purge(
    client: Client, agent: User, held: InboundMessage, time_machine: object
) -> None:
    response = client.post(reverse("inbound:discard", args=[held.pk]))
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == InboundStatus.DISCARDED
    assert not InboundMessage.objects.needing_decision().exists()
    assert purge_discarded() == 0
    time_machine.move_to(timezone.now() + timedelta(days=31))
    out = io.StringIO()
    call_command("purge_inbound", stdout=out)
    assert "1 discarded message(s) purged." in out.getvalue()
    assert not InboundMessage.objects.filter(pk=held.pk).exists()


def test_a_decided_message_cannot_be_decided_again(
    client: Client, agent: User, held: InboundMessage
) -> None:
    client.post(reverse("inbound:discard", args=[held.pk]))
    customer = CustomerFactory()
    response = client.post(
        reverse("inbound:create_ticket", args=[held.pk]), {"customer": customer.number}, follow=True
    )
    assert response.redirect_chain == [(reverse("inbound:detail", args=[held.pk]), 302)]
    assert "already been decided" in response.content.decode()
    assert not Ticket.objects.exists()


def test_customer_users_get_404_everywhere(client: Client, held: InboundMessage) -> None:
    client.force_login(UserFactory(customer=True))
    # Customer logins are kept out of the agent workspace: 404 while the portal is off.
    assert client.get(reverse("inbound:list")).status_code == 404
    assert client.get(reverse("inbound:detail", args=[held.pk])).status_code == 404
    assert client.get(reverse("inbound:raw", args=[held.pk])).status_code == 404
    assert client.post(reverse("inbound:discard", args=[held.pk])).status_code == 404
    held.refresh_from_db()
    assert held.status == InboundStatus.NEEDS_REVIEW


def test_read_only_users_see_but_cannot_decide(client: Client, held: InboundMessage) -> None:
    client.force_login(UserFactory(read_only=True))
    assert client.get(reverse("inbound:list")).status_code == 200
    html = client.get(reverse("inbound:detail", args=[held.pk])).content.decode()
    assert "Only agents and administrators decide" in html
    assert client.post(reverse("inbound:discard", args=[held.pk])).status_code == 403


def test_anonymous_users_are_sent_to_the_login(client: Client) -> None:
    response = client.get(reverse("inbound:list"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_list_query_count_does_not_grow_with_rows(
    client: Client, agent: User, settings: Settings, django_assert_max_num_queries: object
) -> None:
    settings.INBOUND_REVIEW_UNKNOWN_SENDERS = True
    for n in range(15):
        deliver(compose(sender=f"x{n}@elsewhere.example"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("inbound:list")).status_code == 200


def test_discarding_schedules_the_purge_which_reschedules_itself(
    client: Client,
    agent: User,
    settings: Settings,
    time_machine: object,
    django_capture_on_commit_callbacks: object,
) -> None:
    settings.INBOUND_REVIEW_UNKNOWN_SENDERS = True
    first, second = (deliver(compose(sender=f"x{n}@elsewhere.example")) for n in range(2))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("inbound:discard", args=[first.pk]))
    time_machine.move_to(timezone.now() + timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("inbound:discard", args=[second.pk]))
    runs = DBTaskResult.objects.filter(task_path=purge_inbound.module_path)
    [run] = runs  # the second discard found a purge already waiting
    first.refresh_from_db()
    assert run.run_after == first.decided_at + timedelta(days=30)
    time_machine.move_to(run.run_after + timedelta(minutes=1))
    assert purge_inbound.call() == 1
    [run, follow_up] = runs.order_by("enqueued_at")
    second.refresh_from_db()
    assert follow_up.run_after == second.decided_at + timedelta(days=30)
