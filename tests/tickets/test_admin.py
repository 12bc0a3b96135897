"""The Django admin keeps the ticket rules: entries in use stay, workflow edits use services."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from tests.accounts.factories import UserFactory
from tests.tickets.factories import TicketFactory, priority, status
from tests.tickets.test_detail_views import fields_data
from ticketdesk.tickets import errors
from ticketdesk.tickets.models import EventAction, Priority, Status, Ticket, TicketCC, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return UserFactory(admin=True, is_superuser=True)


@pytest.fixture
def admin_client(client, operator):
    client.force_login(operator)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def english(message: object, **params: object) -> str:
    """The operator works in English (UserFactory's language)."""
    with translation.override("en"):
        return str(message) % params


def ticket_form(ticket: Ticket, **changes: object) -> dict[str, object]:
    """The admin change form: the ticket page's fields plus the ones only the admin edits."""
    data = fields_data(ticket, **changes)
    data.setdefault("subject", ticket.subject)
    data.setdefault("customer", ticket.customer_id)
    data.setdefault("requester", ticket.requester_id or "")
    data.setdefault("requester_email", ticket.requester_email)
    data.setdefault("assignee", ticket.assignee_id or "")
    return data


def test_admin_refuses_to_delete_a_priority_in_use(admin_client) -> None:
    ticket = TicketFactory(priority=priority("High"))
    url = reverse("admin:tickets_priority_delete", args=[ticket.priority_id])
    expected = english(errors.ENTRY_IN_USE, entry=ticket.priority, count=1)

    change_url = reverse("admin:tickets_priority_change", args=[ticket.priority_id])
    for method in (admin_client.get, admin_client.post):
        response = method(url, {"post": "yes"}, follow=True)
        assert response.redirect_chain == [(change_url, 302)]
        assert [str(m) for m in response.context["messages"]] == [expected]
    assert Priority.objects.filter(pk=ticket.priority_id).exists()


def test_admin_deletes_an_unused_priority(admin_client) -> None:
    unused = Priority.objects.create(name_de="Egal", name_en="Whenever", order=99)
    url = reverse("admin:tickets_priority_delete", args=[unused.pk])

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Priority.objects.filter(pk=unused.pk).exists()


def test_admin_bulk_delete_keeps_entries_in_use(admin_client) -> None:
    used = TicketFactory(priority=priority("Urgent")).priority
    unused = Priority.objects.create(name_de="Egal", name_en="Whenever", order=99)

    response = admin_client.post(
        reverse("admin:tickets_priority_changelist"),
        {"action": "delete_unused_entries", "_selected_action": [used.pk, unused.pk]},
    )

    assert response.status_code == 302
    assert Priority.objects.filter(pk=used.pk).exists()
    assert not Priority.objects.filter(pk=unused.pk).exists()
    assert english(errors.ENTRY_IN_USE, entry=used, count=1) in messages_of(response)


def test_admin_status_change_writes_the_services_events(admin_client, operator) -> None:
    ticket = TicketFactory()
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])

    response = admin_client.post(url, ticket_form(ticket, status=status("Report").pk))

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == status("Report")
    event = TicketEvent.objects.get(ticket=ticket, action=EventAction.CHANGED, field="status")
    assert event.actor == operator


def test_admin_refuses_assigning_a_user_outside_the_support_team(admin_client) -> None:
    ticket = TicketFactory()
    outsider = UserFactory(outsider=True)
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])

    response = admin_client.post(url, ticket_form(ticket, assignee=outsider.pk))

    assert response.status_code == 302
    assert response.url == url
    assert messages_of(response) == [english(errors.NOT_SUPPORT_TEAM, user=outsider)]
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_admin_adds_copied_address_through_the_service(admin_client) -> None:
    ticket = TicketFactory()

    response = admin_client.post(
        reverse("admin:tickets_ticketcc_add"), {"ticket": ticket.pk, "email": "boss@example.com"}
    )

    assert response.status_code == 302
    assert TicketCC.objects.filter(ticket=ticket, email="boss@example.com").exists()
    assert TicketEvent.objects.filter(ticket=ticket, action=EventAction.CC_ADDED).exists()


def test_admin_list_edit_cannot_deactivate_the_last_closed_status(admin_client) -> None:
    statuses = list(Status.objects.order_by("order", "pk"))
    closed = status("Closed")
    data: dict[str, object] = {
        "form-TOTAL_FORMS": len(statuses),
        "form-INITIAL_FORMS": len(statuses),
        "_save": "Save",
    }
    for index, entry in enumerate(statuses):
        data[f"form-{index}-id"] = entry.pk
        data[f"form-{index}-order"] = entry.order
        if entry != closed:
            data[f"form-{index}-is_active"] = "on"

    response = admin_client.post(reverse("admin:tickets_status_changelist"), data, follow=True)

    closed.refresh_from_db()
    assert closed.is_active
    assert [str(m) for m in response.context["messages"]] == [
        english(errors.LAST_NEEDED_ENTRY, entry=closed)
    ]
