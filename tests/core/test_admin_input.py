"""The Django admin refuses ids that no database column can hold, without a server error.

An id wider than 64 bits makes SQLite raise OverflowError, a NUL makes Django's integer
field raise ValueError; both came from the change list's edited rows, from many-to-many and
autocomplete fields re-displayed after an error, and from the ticket list's assignee filter.
"""

from __future__ import annotations

import pytest

from tests.accounts.factories import TeamFactory, UserFactory
from tests.customers.factories import CustomerFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.accounts.models import Team
from ticketdesk.customers.models import SupportNote
from ticketdesk.tickets.models import Status

pytestmark = pytest.mark.django_db

NOT_IDS = ["99999999999999999999", "\x00", "1\x00"]


@pytest.fixture
def operator(client):
    user = UserFactory(admin=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize("value", NOT_IDS)
def test_list_edit_with_a_row_that_cannot_be_an_id_is_a_bad_request(client, operator, value):
    status = Status.objects.order_by("pk").first()
    response = client.post(
        "/admin/tickets/status/",
        {
            "_save": "Save",
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": value,
            "form-0-order": "7",
            "form-0-is_active": "on",
        },
    )
    assert response.status_code == 400
    assert Status.objects.get(pk=status.pk).order == status.order


def test_list_edit_of_a_listed_row_still_saves(client, operator):
    team = TeamFactory(is_active=True)
    response = client.post(
        "/admin/accounts/team/",
        {
            "_save": "Save",
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(team.pk),
        },
    )
    assert response.status_code == 302
    assert not Team.objects.get(pk=team.pk).is_active


@pytest.mark.parametrize("value", NOT_IDS)
def test_action_on_a_row_that_cannot_be_an_id_is_a_bad_request(client, operator, value):
    team = TeamFactory()
    response = client.post(
        "/admin/accounts/team/",
        {"action": "delete_selected", "index": "0", "_selected_action": [str(team.pk), value]},
    )
    assert response.status_code == 400
    assert Team.objects.filter(pk=team.pk).exists()


@pytest.mark.parametrize("value", NOT_IDS)
def test_many_to_many_field_refuses_a_value_that_cannot_be_an_id(client, operator, value):
    pages = {
        "/admin/accounts/team/add/": {"name": "Team", "members": value},
        "/admin/auth/group/add/": {"name": "Group", "permissions": value},
        "/admin/customers/contact/add/": {"name": "Contact", "customers": value},
    }
    for url, data in pages.items():
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert response.context["adminform"].form.errors, url


@pytest.mark.parametrize("value", NOT_IDS)
def test_autocomplete_field_refuses_a_value_that_cannot_be_an_id(client, operator, value):
    response = client.post(
        "/admin/customers/supportnote/add/", {"customer": value, "title": "Note", "text": "x"}
    )
    assert response.status_code == 200
    assert "customer" in response.context["adminform"].form.errors
    assert not SupportNote.objects.exists()


@pytest.mark.parametrize("value", NOT_IDS)
def test_ticket_change_refuses_a_customer_that_cannot_be_an_id(client, operator, value):
    ticket = TicketFactory(by=UserFactory())
    response = client.post(f"/admin/tickets/ticket/{ticket.pk}/change/", {"customer": value})
    assert response.status_code == 200
    assert "customer" in response.context["adminform"].form.errors


def test_inline_contact_that_cannot_be_an_id_is_refused(client, operator):
    customer = CustomerFactory()
    prefix = "Contact_customers-"
    response = client.post(
        f"/admin/customers/customer/{customer.pk}/change/",
        {
            "number": customer.number,
            "name": customer.name,
            "kind": customer.kind,
            "language": customer.language,
            f"{prefix}TOTAL_FORMS": "1",
            f"{prefix}INITIAL_FORMS": "0",
            f"{prefix}0-contact": "99999999999999999999",
            "support_notes-TOTAL_FORMS": "0",
            "support_notes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    contacts = response.context["inline_admin_formsets"][0].formset
    assert contacts.errors == [
        {"contact": [contacts.forms[0].fields["contact"].error_messages["invalid_choice"]]}
    ]
    assert not customer.contacts.exists()


@pytest.mark.parametrize("value", [*NOT_IDS, "-1"])
def test_ticket_list_filtered_by_an_assignee_that_cannot_be_an_id_is_empty(client, operator, value):
    TicketFactory(by=UserFactory())
    response = client.get("/admin/tickets/ticket/", {"assignee": value})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


@pytest.mark.parametrize("value", NOT_IDS)
def test_add_page_leaves_out_initial_values_that_cannot_be_ids(client, operator, value):
    customer = CustomerFactory()
    response = client.get(
        "/admin/customers/contact/add/", {"customers": f"{customer.pk},{value}", "name": value}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.initial["customers"] == [str(customer.pk)]
    response = client.get("/admin/customers/supportnote/add/", {"customer": value})
    assert response.status_code == 200
    assert "customer" not in response.context["adminform"].form.initial
