"""My tickets, the public ticket page, reply, close and new ticket, with the bad input."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.customers.factories import CustomerFactory
from tests.portal.conftest import Portal, portal_contact, signed_in_client
from tests.tickets.factories import TicketFactory
from ticketdesk.outbox.models import OutboundMail
from ticketdesk.tickets import services
from ticketdesk.tickets.models import Category, EventAction, Message, Source, Ticket

pytestmark = pytest.mark.django_db

TICKETS = reverse("portal:tickets")


def page(client: Client, path: str, **params: str) -> str:
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def test_portal_admin_sees_every_ticket_of_their_customer_only(portal: Portal) -> None:
    TicketFactory(customer=portal.customer_b, subject="Beta's own problem")

    listing = page(signed_in_client(portal.admin_a), TICKETS)

    assert "Printer jammed" in listing
    assert "Beta&#x27;s own problem" not in listing
    assert "Beta" not in listing


def test_plain_contact_sees_the_tickets_they_requested_or_are_copied_on(portal: Portal) -> None:
    plain = portal.plain_a
    TicketFactory(customer=portal.customer_a, requester=plain, subject="My own request")
    copied = TicketFactory(customer=portal.customer_a, subject="Copied to me")
    services.add_cc(copied, email=plain.email.upper(), by=portal.agent)

    listing = page(signed_in_client(plain), TICKETS)

    assert "My own request" in listing
    assert "Copied to me" in listing
    assert "Printer jammed" not in listing


def test_contact_of_several_customers_switches_between_them(portal: Portal) -> None:
    both = portal_contact([portal.customer_a, portal.customer_b], admin=True)
    TicketFactory(customer=portal.customer_b, subject="Beta problem")
    client = signed_in_client(both)
    first = page(client, TICKETS)
    assert "Printer jammed" in first
    assert "Beta problem" not in first

    client.post(reverse("portal:switch_customer"), {"customer": portal.customer_b.pk})

    second = page(client, TICKETS)
    assert "Beta problem" in second
    assert "Printer jammed" not in second


def test_switching_to_a_customer_of_someone_else_is_404(portal: Portal) -> None:
    other = CustomerFactory()
    response = signed_in_client(portal.admin_a).post(
        reverse("portal:switch_customer"), {"customer": other.pk}
    )
    assert response.status_code == 404


def test_list_sorts_searches_and_pages_without_counting(portal: Portal) -> None:
    for n in range(30):
        TicketFactory(customer=portal.customer_a, subject=f"Line {n:02d}")
    client = signed_in_client(portal.admin_a)

    with CaptureQueriesContext(connection) as queries:
        first = page(client, TICKETS, sort="subject")
    second = page(client, TICKETS, sort="subject", page="2")
    found = page(client, TICKETS, q="Line 07")

    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert first.index("Line 00") < first.index("Line 01")
    assert 'aria-sort="ascending"' in first
    assert 'rel="next"' in first
    assert "Printer jammed" in second
    assert "Line 07" in found
    assert "Line 08" not in found


def test_ticket_page_shows_the_public_timeline_only(portal: Portal) -> None:
    detail = page(signed_in_client(portal.admin_a), reverse("portal:ticket", args=[1]))

    assert "Please restart it." in detail
    assert "howto.txt" in detail
    assert "Tom Agent" in detail
    assert "Internal: the customer" not in detail
    assert "internal.txt" not in detail
    assert "tom.agent@support.example" not in detail
    assert "assigned" not in detail.lower()


def test_attachment_of_an_internal_note_is_404(portal: Portal) -> None:
    note_file = portal.ticket.attachments.get(name="internal.txt")
    path = reverse("portal:attachment", args=[portal.ticket.number, note_file.pk])

    assert signed_in_client(portal.admin_a).get(path).status_code == 404


def test_public_attachment_downloads(portal: Portal) -> None:
    public = portal.ticket.attachments.get(name="howto.txt")
    path = reverse("portal:attachment", args=[portal.ticket.number, public.pk])

    response = signed_in_client(portal.admin_a).get(path)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Step 1\n"
    assert "attachment;" in response["Content-Disposition"]


def test_reply_is_a_customer_message_that_applies_status_flags_and_tells_the_assignee(
    portal: Portal,
) -> None:
    ticket = portal.ticket
    upload = SimpleUploadedFile("photo.txt", b"picture", content_type="text/plain")

    response = signed_in_client(portal.admin_a).post(
        reverse("portal:reply", args=[ticket.number]),
        {"text": "It still jams.", "attachments": [upload]},
    )

    assert response.status_code == 302
    message = ticket.messages.order_by("-pk").first()
    assert (message.kind, message.author_contact, message.text) == (
        "customer",
        portal.admin_a,
        "It still jams.",
    )
    assert message.attachments.get().name == "photo.txt"
    ticket.refresh_from_db()
    assert ticket.status.set_on_customer_reply
    assert OutboundMail.objects.filter(to=[portal.agent.email]).exists()


def test_empty_reply_is_refused_with_a_message(portal: Portal) -> None:
    before = Message.objects.count()

    response = signed_in_client(portal.admin_a).post(
        reverse("portal:reply", args=[portal.ticket.number]), {"text": "  "}
    )

    assert response.status_code == 200
    assert "The message is empty." in response.content.decode()
    assert Message.objects.count() == before


def test_oversize_attachment_is_refused_and_nothing_stored(portal: Portal, settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 10
    before = Message.objects.count()
    upload = SimpleUploadedFile("big.bin", b"x" * 11)

    response = signed_in_client(portal.admin_a).post(
        reverse("portal:reply", args=[portal.ticket.number]),
        {"text": "See file", "attachments": [upload]},
    )

    assert response.status_code == 200
    assert "is larger than the limit" in response.content.decode()
    assert Message.objects.count() == before


def test_reply_to_another_customers_ticket_is_404_and_stores_nothing(portal: Portal) -> None:
    before = Message.objects.count()

    response = signed_in_client(portal.contact_b).post(
        reverse("portal:reply", args=[portal.ticket.number]), {"text": "Hi"}
    )

    assert response.status_code == 404
    assert Message.objects.count() == before


def test_contact_closes_the_ticket_and_a_reply_reopens_it(portal: Portal) -> None:
    ticket = portal.ticket
    client = signed_in_client(portal.admin_a)

    client.post(reverse("portal:close", args=[ticket.number]))

    ticket.refresh_from_db()
    assert ticket.status.is_closed
    closed = ticket.events.get(action=EventAction.CLOSED)
    assert (closed.actor, closed.actor_label) == (None, portal.admin_a.name)
    detail = page(client, reverse("portal:ticket", args=[ticket.number]))
    assert "Problem solved" not in detail
    assert "Closed" in detail

    client.post(reverse("portal:reply", args=[ticket.number]), {"text": "It is back."})

    ticket.refresh_from_db()
    assert not ticket.status.is_closed


def test_closing_a_closed_ticket_says_so(portal: Portal) -> None:
    services.close_ticket(portal.ticket, by=portal.agent)

    response = signed_in_client(portal.admin_a).post(
        reverse("portal:close", args=[portal.ticket.number]), follow=True
    )

    assert "This ticket is already closed." in response.content.decode()


def new_ticket(client: Client, portal: Portal, **fields: object):
    data = {"customer": portal.customer_a.pk, "subject": "VPN down", "text": "Since 9 am."}
    return client.post(reverse("portal:new"), {**data, **fields})


def test_contact_opens_a_ticket_through_the_portal(portal: Portal) -> None:
    category = Category.objects.filter(visible_in_portal=True).first()

    response = new_ticket(signed_in_client(portal.plain_a), portal, category=category.pk)

    ticket = Ticket.objects.get(subject="VPN down")
    assert response["Location"] == reverse("portal:ticket", args=[ticket.number])
    assert (ticket.source, ticket.requester, ticket.customer, ticket.category) == (
        Source.PORTAL,
        portal.plain_a,
        portal.customer_a,
        category,
    )
    assert OutboundMail.objects.filter(to=[portal.plain_a.email]).exists()  # confirmation


def test_new_ticket_form_offers_portal_categories_only(portal: Portal) -> None:
    hidden = Category.objects.create(name_de="Intern", name_en="Internal", visible_in_portal=False)

    form = page(signed_in_client(portal.plain_a), reverse("portal:new"))

    assert f'value="{hidden.pk}"' not in form


@pytest.mark.parametrize(
    "bad",
    ["hidden_category", "other_customer", "empty_subject", "oversize"],
)
def test_bad_new_ticket_input_gets_a_message_and_stores_nothing(
    portal: Portal, settings, bad: str
) -> None:
    hidden = Category.objects.create(name_de="Intern", name_en="Internal", visible_in_portal=False)
    settings.ATTACHMENT_MAX_BYTES = 10
    fields = {
        "hidden_category": {"category": hidden.pk},
        "other_customer": {"customer": portal.customer_b.pk},
        "empty_subject": {"subject": "   "},
        "oversize": {"attachments": [SimpleUploadedFile("big.bin", b"x" * 11)]},
    }[bad]
    before = Ticket.objects.count()

    response = new_ticket(signed_in_client(portal.plain_a), portal, **fields)

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert Ticket.objects.count() == before


def test_ticket_creation_is_rate_limited_per_contact(portal: Portal) -> None:
    from ticketdesk.portal.services import TICKETS_PER_HOUR

    client = signed_in_client(portal.plain_a)
    for n in range(TICKETS_PER_HOUR):
        assert new_ticket(client, portal, subject=f"Ticket {n}").status_code == 302

    refused = new_ticket(client, portal, subject="One too many")

    assert refused.status_code == 200
    assert "many tickets within the last hour" in refused.content.decode()
    assert not Ticket.objects.filter(subject="One too many").exists()


@pytest.mark.parametrize("value", ["\x00", "9" * 5000, "-1", "x" * 3000, "' OR 1=1 --"])
def test_nasty_list_parameters_still_give_the_list(portal: Portal, value: str) -> None:
    response = signed_in_client(portal.admin_a).get(
        TICKETS, {"q": value, "sort": value, "page": value}
    )
    assert response.status_code == 200


def test_ticket_number_beyond_any_column_is_404(portal: Portal) -> None:
    client = signed_in_client(portal.admin_a)
    assert client.get(f"/portal/tickets/{'9' * 30}/").status_code == 404
    assert client.post(reverse("portal:new"), {"customer": "9" * 30}).status_code == 200


def test_pages_do_not_grow_with_their_rows(portal: Portal, django_assert_max_num_queries) -> None:
    for n in range(30):
        TicketFactory(customer=portal.customer_a, subject=f"Row {n}")
        services.add_reply(portal.ticket, by=portal.agent, text=f"Reply {n}")
    client = signed_in_client(portal.admin_a)
    page(client, TICKETS)  # the session's first read

    with django_assert_max_num_queries(10):
        page(client, TICKETS)
    with django_assert_max_num_queries(12):
        page(client, reverse("portal:ticket", args=[portal.ticket.number]))
