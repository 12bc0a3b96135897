"""Configuration → Support lists: statuses, priorities, categories, templates (admins only)."""

from __future__ import annotations

import pytest

from tests.accounts.factories import TeamFactory, UserFactory
from tests.tickets.factories import TicketFactory, priority, status
from ticketdesk.tickets.models import (
    Category,
    Priority,
    ReplyTemplate,
    Status,
    SubCategory,
    TicketTemplate,
)

pytestmark = pytest.mark.django_db

LISTS = ["statuses", "priorities", "categories", "reply-templates", "ticket-templates"]


@pytest.fixture
def admin(client):
    user = UserFactory(admin=True)
    client.force_login(user)
    return user


def names_in_order(model: type) -> list[str]:
    return [entry.name_en for entry in model.objects.order_by("order", "pk")]


@pytest.mark.parametrize("trait", ["agent", "read_only"])
def test_non_administrators_get_403_on_every_support_list_page(client, trait) -> None:
    client.force_login(UserFactory(**({trait: True} if trait != "agent" else {})))
    open_status = status("Open")
    pages = [("get", "/config/")]
    for kind in LISTS:
        pages += [("get", f"/config/support/{kind}/"), ("get", f"/config/support/{kind}/new/")]
        pages += [("post", f"/config/support/{kind}/new/")]
    for action in ["", "move/", "active/", "delete/"]:
        pages.append(("post", f"/config/support/statuses/{open_status.pk}/{action}"))
    pages.append(("get", f"/config/support/statuses/{open_status.pk}/"))
    sub = SubCategory.objects.first()
    pages.append(("post", f"/config/support/subcategories/{sub.pk}/delete/"))
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 403, url
    assert Status.objects.filter(pk=open_status.pk, is_active=True).exists()
    assert SubCategory.objects.filter(pk=sub.pk).exists()


def test_administrator_sees_every_list_linked_from_the_index(client, admin) -> None:
    index = client.get("/config/").content.decode()
    for kind in LISTS:
        assert f'href="/config/support/{kind}/"' in index
        assert client.get(f"/config/support/{kind}/").status_code == 200
    assert client.get("/config/support/unknown/").status_code == 404
    assert client.get("/config/support/unknown/new/").status_code == 404


def test_list_pages_show_entries_with_fixed_queries(
    client, admin, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(6):
        content = client.get("/config/support/categories/").content.decode()
    assert "Technical" in content
    assert "Outage" in content
    assert "Add sub-category to Technical" in content


def test_administrator_adds_a_status_with_its_flags(client, admin) -> None:
    response = client.post(
        "/config/support/statuses/new/",
        {
            "name_de": "Wartet",
            "name_en": "Waiting",
            "color": "#123abc",
            "set_on_agent_reply": "on",
            "notifies_customer": "on",
        },
    )
    assert response.status_code == 302
    assert response.url == "/config/support/statuses/"
    waiting = Status.objects.get(name_en="Waiting")
    assert waiting.order > status("Closed").order
    assert waiting.set_on_agent_reply
    assert not status("Answer").set_on_agent_reply


def test_invalid_colour_is_refused(client, admin) -> None:
    response = client.post(
        "/config/support/statuses/new/",
        {"name_de": "X", "name_en": "X", "color": "red"},
    )
    assert response.status_code == 200
    assert not Status.objects.filter(name_en="X").exists()


def test_administrator_edits_a_priority_and_its_targets(client, admin) -> None:
    high = priority("High")
    response = client.post(
        f"/config/support/priorities/{high.pk}/",
        {
            "name_de": "Hoch",
            "name_en": "High",
            "color": "#ff0000",
            "order": high.order,
            "first_response_minutes": 120,
            "resolution_minutes": 600,
        },
    )
    assert response.status_code == 302
    high.refresh_from_db()
    assert (high.color, high.first_response_minutes, high.resolution_minutes) == (
        "#ff0000",
        120,
        600,
    )


def test_new_default_takes_the_flag_from_the_old_one(client, admin) -> None:
    low = priority("Low")
    client.post(
        f"/config/support/priorities/{low.pk}/",
        {"name_de": "Niedrig", "name_en": "Low", "color": "#6b7280", "is_default": "on"},
    )
    assert list(Priority.objects.filter(is_default=True)) == [low]


def test_in_use_status_cannot_be_deleted(client, admin) -> None:
    TicketFactory()
    open_status = status("Open")
    response = client.post(f"/config/support/statuses/{open_status.pk}/delete/", follow=True)
    content = response.content.decode()
    assert "is in use by 1 ticket(s) and cannot be deleted" in content
    assert "Deactivate it instead" in content
    assert Status.objects.filter(pk=open_status.pk).exists()


def test_unused_entry_is_deleted(client, admin) -> None:
    report = status("Report")
    response = client.post(f"/config/support/statuses/{report.pk}/delete/", follow=True)
    assert "has been deleted" in response.content.decode()
    assert not Status.objects.filter(pk=report.pk).exists()


def test_entries_are_reordered_up_and_down(client, admin) -> None:
    assert names_in_order(Status)[:2] == ["Open", "In progress"]
    client.post(f"/config/support/statuses/{status('In progress').pk}/move/", {"direction": "up"})
    assert names_in_order(Status)[:2] == ["In progress", "Open"]
    client.post(f"/config/support/statuses/{status('In progress').pk}/move/", {"direction": "down"})
    assert names_in_order(Status)[:2] == ["Open", "In progress"]
    first = status("Open")
    client.post(f"/config/support/statuses/{first.pk}/move/", {"direction": "up"})
    assert names_in_order(Status)[0] == "Open"


def test_subcategories_are_reordered_within_their_category(client, admin) -> None:
    other = SubCategory.objects.get(name_en="Other")
    response = client.post(f"/config/support/subcategories/{other.pk}/move/", {"direction": "up"})
    assert response.url == "/config/support/categories/"
    general = Category.objects.get(name_en="General")
    assert [s.name_en for s in general.subcategories.order_by("order")] == ["Other", "Question"]


def test_entry_is_deactivated_and_reactivated(client, admin) -> None:
    report = status("Report")
    response = client.post(
        f"/config/support/statuses/{report.pk}/active/", {"active": "0"}, follow=True
    )
    assert "has been deactivated" in response.content.decode()
    report.refresh_from_db()
    assert not report.is_active
    client.post(f"/config/support/statuses/{report.pk}/active/", {"active": "1"})
    report.refresh_from_db()
    assert report.is_active


def test_last_closed_status_cannot_be_deactivated(client, admin) -> None:
    closed = status("Closed")
    response = client.post(
        f"/config/support/statuses/{closed.pk}/active/", {"active": "0"}, follow=True
    )
    assert "Tickets need an active open status" in response.content.decode()
    closed.refresh_from_db()
    assert closed.is_active


def test_subcategory_gets_default_priority_and_team(client, admin) -> None:
    technical = Category.objects.get(name_en="Technical")
    team = TeamFactory(name="Network")
    form = client.get(f"/config/support/subcategories/new/?category={technical.pk}")
    assert form.context["form"]["category"].value() == str(technical.pk)
    response = client.post(
        "/config/support/subcategories/new/",
        {
            "category": technical.pk,
            "name_de": "Router",
            "name_en": "Router",
            "default_priority": priority("High").pk,
            "default_team": team.pk,
        },
    )
    assert response.status_code == 302
    router = SubCategory.objects.get(name_en="Router")
    assert (router.default_priority, router.default_team) == (priority("High"), team)
    assert "Router" in client.get("/config/support/categories/").content.decode()


def test_category_can_be_hidden_from_the_portal(client, admin) -> None:
    billing = Category.objects.get(name_en="Billing")
    client.post(
        f"/config/support/categories/{billing.pk}/",
        {"name_de": "Rechnung", "name_en": "Billing", "order": billing.order},
    )
    billing.refresh_from_db()
    assert not billing.visible_in_portal


def test_reply_template_form_lists_the_placeholders(client, admin) -> None:
    content = client.get("/config/support/reply-templates/new/").content.decode()
    for name in ["customer_name", "contact_name", "ticket_number", "ticket_subject", "agent_name"]:
        assert "{" + name + "}" in content
    client.post(
        "/config/support/reply-templates/new/",
        {"name": "Thanks", "body": "Hello {contact_name}", "is_default": "on"},
    )
    assert list(ReplyTemplate.objects.filter(is_default=True).values_list("name", flat=True)) == [
        "Thanks"
    ]


def test_ticket_template_is_added_and_deleted(client, admin) -> None:
    client.post(
        "/config/support/ticket-templates/new/",
        {"name": "Outage", "subject": "Line down", "body": "Since when?"},
    )
    template = TicketTemplate.objects.get(name="Outage")
    client.post(f"/config/support/ticket-templates/{template.pk}/delete/")
    assert not TicketTemplate.objects.exists()
