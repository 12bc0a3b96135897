"""The ticket list: views, sorting, filters, unread marker, pagination, bulk actions, CSV."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.accounts.factories import TeamFactory, UserFactory
from tests.customers.factories import CustomerFactory
from tests.tickets.factories import TicketFactory, priority, status
from ticketdesk.accounts.models import User
from ticketdesk.tickets import listing, services
from ticketdesk.tickets.list_forms import VALUE_MISSING
from ticketdesk.tickets.models import Category, EventAction, Status, Ticket, TicketEvent
from ticketdesk.tickets.services.bulk import bulk_change_tickets

pytestmark = pytest.mark.django_db

LIST_URL = "/tickets/"
START = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def agent(client) -> User:
    user = UserFactory(full_name="Anna Agent")
    client.force_login(user)
    return user


@pytest.fixture
def open_at() -> Callable[..., Ticket]:
    """Open a ticket at START plus `hours`, so opening times are distinct and known."""

    def make(hours: int = 0, **kwargs: object) -> Ticket:
        with time_machine.travel(START + datetime.timedelta(hours=hours), tick=False):
            return TicketFactory(**kwargs)

    return make


def listed(client, **params: object) -> list[str]:
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return [t.subject for t in response.context["page"].object_list]


def test_views_show_their_tickets(client, agent, open_at) -> None:
    other = UserFactory()
    team = TeamFactory(name="Network")
    team.members.add(agent)
    open_at(0, subject="mine", assignee=agent)
    open_at(1, subject="team", team=team, assignee=other)
    open_at(2, subject="unassigned")
    open_at(3, subject="closed mine", assignee=agent, closed=True)
    open_at(4, subject="other team", team=TeamFactory(name="Phone"), assignee=other)

    assert listed(client, view="mine") == ["mine"]
    assert listed(client, view="teams") == ["team"]
    assert listed(client, view="unassigned") == ["unassigned"]
    assert listed(client, view="open") == ["other team", "unassigned", "team", "mine"]
    assert listed(client, view="closed") == ["closed mine"]
    assert len(listed(client, view="all")) == 5


def test_waiting_for_customer_view_lists_open_tickets_in_waiting_statuses(
    client, agent, open_at
) -> None:
    answered = open_at(0, subject="answered")
    services.add_reply(answered, by=agent, text="Please restart the router.")
    open_at(1, subject="still open")
    closed = open_at(2, subject="closed after the answer")
    services.add_reply(closed, by=agent, text="Solved.", close=True)
    assert Status.objects.get(name_en="Answer").waits_for_customer
    assert listed(client, view="waiting") == ["answered"]


def test_view_chosen_in_the_switcher_is_remembered(client, agent, open_at) -> None:
    open_at(0, subject="closed one", closed=True)
    open_at(1, subject="open one")
    assert listed(client) == ["open one"]

    response = client.post(LIST_URL, {"view": "closed", "query": "?view=open&sort=-number&page=3"})

    assert response.status_code == 302
    assert response["Location"] == "/tickets/?view=closed&sort=-number"
    agent.refresh_from_db()
    assert agent.ticket_list_view == "closed"
    assert listed(client) == ["closed one"]


def test_view_in_the_url_is_shown_but_not_remembered(client, agent, open_at) -> None:
    open_at(0, subject="closed one", closed=True)
    open_at(1, subject="open one")

    assert listed(client, view="closed") == ["closed one"]

    agent.refresh_from_db()
    assert agent.ticket_list_view == ""
    assert listed(client) == ["open one"]


def test_unknown_view_in_the_switcher_changes_nothing(client, agent) -> None:
    response = client.post(LIST_URL, {"view": "everything"})

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    agent.refresh_from_db()
    assert agent.ticket_list_view == ""


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("priority", ["low", "normal", "high", "urgent"]),
        ("-priority", ["urgent", "high", "normal", "low"]),
        ("opened", ["normal", "urgent", "low", "high"]),
        ("-opened", ["high", "low", "urgent", "normal"]),
    ],
)
def test_sorting_by_priority_and_opened_both_directions(
    client, agent, open_at, sort: str, expected: list[str]
) -> None:
    open_at(0, subject="normal", priority=priority("Normal"))
    open_at(1, subject="urgent", priority=priority("Urgent"))
    open_at(2, subject="low", priority=priority("Low"))
    open_at(3, subject="high", priority=priority("High"))
    assert listed(client, sort=sort) == expected


def test_priority_sort_follows_configured_order_not_names(client, agent, open_at) -> None:
    low = priority("Low")
    low.order = 99
    low.save()
    open_at(0, subject="low", priority=low)
    open_at(1, subject="urgent", priority=priority("Urgent"))
    assert listed(client, sort="priority") == ["urgent", "low"]


def test_sorted_header_carries_aria_sort_and_links_the_reverse(client, agent, open_at) -> None:
    open_at(0)
    html = client.get(LIST_URL, {"sort": "priority"}).content.decode()
    assert 'aria-sort="ascending"' in html
    assert "sort=-priority" in html
    html = client.get(LIST_URL, {"sort": "-priority"}).content.decode()
    assert 'aria-sort="descending"' in html
    assert html.count("aria-sort=") == 1
    for header in ["Number", "Subject", "Customer", "Status", "Priority", "Category"]:
        assert f">{header}" in html
    for header in ["Team", "Assignee", "Opened", "SLA"]:
        assert f">{header}" in html


def test_every_column_sorts_both_ways_consistently(client, agent, open_at) -> None:
    team = TeamFactory(name="Alpha")
    other = UserFactory(full_name="Zoe Zed")
    category = Category.objects.get(name_en="Technical")
    open_at(0, subject="b", team=team, assignee=other, category=category)
    open_at(1, subject="a", priority=priority("Urgent"), closed=True)
    open_at(2, subject="c", assignee=agent, customer=CustomerFactory(name="Aaron AG"))
    for key in listing.COLUMNS:
        up, down = listed(client, view="all", sort=key), listed(client, view="all", sort=f"-{key}")
        assert sorted(up) == ["a", "b", "c"], key
        assert sorted(down) == ["a", "b", "c"], key
        assert up != down or key in {"category", "team", "assignee", "target"}, key


def test_missing_values_sort_last_in_both_directions(client, agent, open_at) -> None:
    open_at(0, subject="no team")
    open_at(1, subject="team b", team=TeamFactory(name="B"))
    open_at(2, subject="team a", team=TeamFactory(name="A"))
    assert listed(client, sort="team") == ["team a", "team b", "no team"]
    assert listed(client, sort="-team") == ["team b", "team a", "no team"]


def test_filters_narrow_the_list(client, agent, open_at) -> None:
    team = TeamFactory(name="Network")
    acme = CustomerFactory(name="Acme Hosting", number="K77")
    category = Category.objects.get(name_en="Billing")
    open_at(0, subject="plain")
    open_at(1, subject="urgent", priority=priority("Urgent"))
    open_at(2, subject="team", team=team)
    open_at(3, subject="billing", category=category)
    open_at(4, subject="assigned", assignee=agent)
    open_at(5, subject="acme", customer=acme)
    ticket = open_at(6, subject="in progress")
    services.change_ticket(ticket, by=agent, status=status("In progress"))
    open_at(48, subject="later")

    assert listed(client, priority=priority("Urgent").pk) == ["urgent"]
    assert listed(client, team=team.pk) == ["team"]
    assert listed(client, category=category.pk) == ["billing"]
    assert listed(client, assignee=agent.pk) == ["assigned"]
    assert listed(client, status=status("In progress").pk) == ["in progress"]
    assert listed(client, customer="K77") == ["acme"]
    assert listed(client, customer="acme host") == ["acme"]
    assert listed(client, customer="Acme Hosting (K77)") == ["acme"]
    assert listed(client, opened_from="2025-03-05") == ["later"]
    assert "later" not in listed(client, opened_to="2025-03-04")
    assert len(listed(client, opened_from="2025-03-03", opened_to="2025-03-03")) == 7


def test_reversed_date_range_is_reported(client, agent, open_at) -> None:
    open_at(0)
    response = client.get(LIST_URL, {"opened_from": "2025-03-05", "opened_to": "2025-03-01"})
    assert "must not be after" in response.content.decode()
    assert len(response.context["page"].object_list) == 1


def test_search_by_number_subject_and_customer_name(client, agent, open_at) -> None:
    first = open_at(0, subject="Printer jammed")
    open_at(1, subject="VPN down", customer=CustomerFactory(name="Globex"))
    assert listed(client, q=first.reference) == ["Printer jammed"]
    assert listed(client, q=first.reference.lower()) == ["Printer jammed"]
    assert listed(client, q=f"#{first.number}") == ["Printer jammed"]
    assert listed(client, q=str(first.number)) == ["Printer jammed"]
    assert listed(client, q="printer") == ["Printer jammed"]
    assert listed(client, q="globex") == ["VPN down"]


def test_unread_marker_follows_customer_messages_and_read_marks(client, agent, open_at) -> None:
    ticket = open_at(0, subject="from portal", source="portal")
    open_at(1, subject="by agent")

    def unread() -> list[str]:
        page = client.get(LIST_URL).context["page"]
        return [t.subject for t in page.object_list if t.is_unread]

    assert unread() == ["from portal"]
    services.mark_ticket_seen(ticket, user=agent)
    assert unread() == []
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        services.add_customer_message(ticket, text="Any news?", contact=ticket.requester)
    assert unread() == ["from portal"]
    assert 'class="unread"' in client.get(LIST_URL).content.decode()


def test_pagination_knows_next_page_without_counting(client, agent, open_at, monkeypatch) -> None:
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    for hour in range(5):
        open_at(hour, subject=f"t{hour}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL)
    ticket_counts = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(" in q["sql"].upper() and "tickets_ticket" in q["sql"]
    ]
    # Only the work-queue tabs count, each bounded (at most COUNT_CAP + 1 index entries);
    # "My teams" of an agent without a team needs no query at all.
    assert len(ticket_counts) == len(listing.COUNTED_VIEWS) - 1
    assert all(f"LIMIT {listing.COUNT_CAP + 1}" in sql for sql in ticket_counts)
    page = response.context["page"]
    assert [t.subject for t in page.object_list] == ["t4", "t3"]
    assert page.has_next
    assert not page.has_previous
    assert "Page 1" in response.content.decode()
    last = client.get(LIST_URL, {"page": 3}).context["page"]
    assert [t.subject for t in last.object_list] == ["t0"]
    assert last.has_previous
    assert not last.has_next


@pytest.mark.parametrize("sort", ["priority", "-priority", "status", "team", "-assignee", "target"])
def test_pages_of_segmented_sorts_join_up_to_the_whole_list(
    client, agent, open_at, monkeypatch, sort: str
) -> None:
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    names = ["Low", "Urgent", "Normal", "High", "Urgent", "Low", "Normal"]
    teams = [TeamFactory(name="A"), None]
    for hour, name in enumerate(names):
        ticket = open_at(
            hour,
            subject=f"t{hour}",
            priority=priority(name),
            team=teams[hour % 2],
            assignee=agent if hour % 3 else None,
        )
        if hour == 2:
            services.close_ticket(ticket, by=agent)
    whole = [t.subject for t in _all_rows(agent, sort)]
    paged = []
    for number in range(1, 6):
        paged += listed(client, view="all", sort=sort, page=number)
    assert paged == whole
    assert sorted(whole) == sorted(f"t{h}" for h in range(7))


def _all_rows(user: User, sort: str) -> list[Ticket]:
    choices = listing.ListChoices.load()
    query = listing.TicketListQuery(view="all", sort=sort)
    return list(
        listing.iter_tickets(
            listing.filtered_tickets(user, query, choices),
            listing.sort_segments(query, choices),
            decorate=listing.with_columns,
        )
    )


def test_query_count_does_not_grow_with_rows(
    client, agent, open_at, django_assert_num_queries
) -> None:
    team = TeamFactory(name="Network")
    customer = CustomerFactory()

    def add(count: int) -> None:
        for hour in range(count):
            open_at(hour, customer=customer, team=team, assignee=agent, by=agent)

    add(5)
    client.get(LIST_URL)
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(LIST_URL).context["page"].object_list) == 5
    add(45)
    with django_assert_num_queries(len(five.captured_queries)):
        assert len(client.get(LIST_URL).context["page"].object_list) == 50


def test_htmx_request_gets_the_table_partial(client, agent, open_at) -> None:
    open_at(0, subject="partial")
    response = client.get(LIST_URL, {"sort": "number"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="ticket-table"')
    assert "<html" not in html
    assert "partial" in html
    assert "HX-Request" in response["Vary"]


def test_bulk_assign_gives_each_ticket_its_own_changeset(client, agent, open_at) -> None:
    colleague = UserFactory(full_name="Carl Colleague")
    tickets = [open_at(h) for h in range(3)]
    response = client.post(
        "/tickets/bulk/",
        {
            "tickets": [t.pk for t in tickets],
            "action": "assign",
            "assign": colleague.pk,
            "query": "?view=all&sort=-priority",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/tickets/?view=all&sort=-priority"
    assigned = TicketEvent.objects.filter(action=EventAction.ASSIGNED, actor=agent)
    assert sorted(assigned.values_list("ticket_id", flat=True)) == sorted(t.pk for t in tickets)
    assert len(set(assigned.values_list("changeset", flat=True))) == 3
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {colleague.pk}


def test_bulk_change_of_status_and_priority_goes_through_services(client, agent, open_at) -> None:
    tickets = [open_at(h) for h in range(2)]
    client.post(
        "/tickets/bulk/",
        {"tickets": [t.pk for t in tickets], "action": "priority", "priority": priority("High").pk},
    )
    client.post(
        "/tickets/bulk/",
        {"tickets": [t.pk for t in tickets], "action": "status", "status": status("Closed").pk},
    )
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.priority == priority("High")
        assert ticket.closed_at is not None
        changed = TicketEvent.objects.filter(ticket=ticket, action=EventAction.CHANGED)
        assert changed.values("changeset").distinct().count() == 2
    response = client.get(LIST_URL)
    assert "2 tickets changed." in [str(m) for m in response.context["messages"]]


def test_bulk_assign_refuses_user_outside_support_team(client, agent, open_at) -> None:
    outsider = UserFactory(outsider=True)
    ticket = open_at(0)
    response = client.post(
        "/tickets/bulk/",
        {"tickets": [ticket.pk], "action": "assign", "assign": outsider.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert any("valid choice" in str(m) for m in response.context["messages"])
    ticket.refresh_from_db()
    assert ticket.assignee is None
    html = client.get(LIST_URL).content.decode()
    assignee_select = html.split('id="bulk-assign"')[1].split("</select>")[0]
    assert f'value="{agent.pk}"' in assignee_select
    assert f'value="{outsider.pk}"' not in assignee_select


def test_bulk_without_value_says_what_is_missing(client, agent, open_at) -> None:
    ticket = open_at(0)
    response = client.post(
        "/tickets/bulk/", {"tickets": [ticket.pk], "action": "status"}, follow=True
    )
    assert str(VALUE_MISSING) in [str(m) for m in response.context["messages"]]


def test_bulk_service_reports_refused_tickets_and_changes_the_rest(agent, open_at) -> None:
    outsider = UserFactory(outsider=True)
    tickets = [open_at(h) for h in range(2)]
    result = bulk_change_tickets(tickets, by=agent, assignee=outsider)
    assert [t.pk for t, _ in result.failed] == [t.pk for t in tickets]
    assert "not in the Support team" in result.failed[0][1]

    already = open_at(5, assignee=agent)
    result = bulk_change_tickets([*tickets, already], by=agent, assignee=agent)
    assert result.changed == tickets
    assert result.unchanged == [already]


def test_csv_export_has_every_matching_row_in_list_order(client, agent, open_at) -> None:
    customer = CustomerFactory(name="Acme GmbH")
    first = open_at(0, subject="=HYPERLINK(evil)", customer=customer, assignee=agent)
    open_at(1, subject="second", priority=priority("Urgent"))
    open_at(2, subject="closed", closed=True)
    response = client.get("/tickets/export.csv", {"view": "open", "sort": "-priority"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "Number",
        "Subject",
        "Customer",
        "Status",
        "Priority",
        "Category",
        "Team",
        "Assignee",
        "Opened",
        "First response due",
        "Resolution due",
        "Time (minutes)",
        "Billable time (minutes)",
        "URL",
    ]
    assert [r[1] for r in rows[1:]] == ["second", "'=HYPERLINK(evil)"]
    assert rows[2][0] == first.reference
    assert rows[2][2] == "Acme GmbH"
    assert rows[2][3:5] == ["Open", "Normal"]
    assert rows[2][7] == "Anna Agent"
    assert rows[2][-1] == f"http://testserver/tickets/{first.number}/"


def test_read_only_user_sees_the_list_without_bulk_actions(client, open_at) -> None:
    open_at(0, subject="visible")
    client.force_login(UserFactory(read_only=True))
    response = client.get(LIST_URL)
    html = response.content.decode()
    assert "visible" in html
    assert 'id="bulk-form"' not in html
    assert 'type="checkbox"' not in html
    ticket = Ticket.objects.get()
    response = client.post(
        "/tickets/bulk/",
        {"tickets": [ticket.pk], "action": "priority", "priority": priority("High").pk},
    )
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.priority == priority("Normal")


def test_agent_gets_bulk_checkboxes_with_accessible_names(client, agent, open_at) -> None:
    ticket = open_at(0)
    html = client.get(LIST_URL).content.decode()
    assert f'aria-label="Select ticket {ticket.reference}"' in html
    assert 'form="bulk-form"' in html


def test_customer_user_gets_404(client) -> None:
    client.force_login(UserFactory(customer=True))
    # Customer logins are kept out of the agent workspace: 404 while the portal is off.
    assert client.get(LIST_URL).status_code == 404
    assert client.get("/tickets/export.csv").status_code == 404
    assert client.post("/tickets/bulk/", {}).status_code == 404


def test_anonymous_user_is_sent_to_login(client) -> None:
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_german_user_sees_german_list(client, open_at) -> None:
    open_at(0, source="portal")
    client.force_login(UserFactory(language="de"))
    html = client.get(LIST_URL).content.decode()
    for text in [
        "Meine Tickets",
        "Alle offenen",
        "Nummer",
        "Betreff",
        "überschritten",
        "Neue Nachricht",
    ]:
        assert text in html


def test_sorting_by_the_filtered_column_keeps_the_filtered_rows(client, agent, open_at) -> None:
    team = TeamFactory(name="Network")
    open_at(0, subject="team, mine", team=team, assignee=agent)
    open_at(1, subject="team, nobody", team=team)
    open_at(2, subject="no team", assignee=agent)
    assert listed(client, team=team.pk, sort="-team") == ["team, nobody", "team, mine"]
    assert listed(client, assignee=agent.pk, sort="assignee") == ["no team", "team, mine"]


@pytest.mark.parametrize(
    "params",
    [
        {"page": "99999999999999999999"},
        {"page": "9" * 5000},
        {"opened_to": "9999-12-31"},
        {"opened_from": "0001-01-01"},
        {"q": "router\x00"},
        {"customer": "\x00"},
        {"status": "99999999999999999999"},
    ],
    ids=["huge page", "endless page", "last date", "first date", "nul q", "nul customer", "id"],
)
def test_unusable_parameters_are_ignored_by_list_and_export(client, agent, open_at, params) -> None:
    open_at(0, subject="router resets")

    assert listed(client, view="all", **params) == ["router resets"]
    export_response = client.get("/tickets/export.csv", {"view": "all", **params})
    assert export_response.status_code == 200
    assert "router resets" in b"".join(export_response.streaming_content).decode()


def test_date_outside_the_calendar_range_is_reported_next_to_the_filter(client, agent) -> None:
    response = client.get(LIST_URL, {"opened_to": "9999-12-31"})

    assert response.status_code == 200
    assert response.context["form"].has_error("opened_to")
    assert response.context["query"].opened_to is None


def test_bulk_with_an_id_wider_than_the_database_is_a_form_error(client, agent, open_at) -> None:
    ticket = open_at(0)
    huge = "99999999999999999999"

    response = client.post(
        "/tickets/bulk/",
        {"tickets": [ticket.pk, huge], "action": "priority", "priority": priority("High").pk},
        follow=True,
    )

    assert response.status_code == 200
    assert any(huge in str(m) for m in response.context["messages"])
    ticket.refresh_from_db()
    assert ticket.priority.name_en != "High"


def test_work_queue_tabs_show_capped_counts(client, agent, open_at, monkeypatch) -> None:
    monkeypatch.setattr(listing, "COUNT_CAP", 2)
    for hour in range(3):
        open_at(hour, subject=f"t{hour}", assignee=agent if hour == 0 else None)
    tabs = {view: count for view, _label, count in client.get(LIST_URL).context["views"]}
    assert tabs["mine"] == "1"
    assert tabs["unassigned"] == "2"  # exactly the cap
    assert tabs["open"] == "2+"  # three, over the cap
    assert tabs["closed"] == ""
    assert tabs["all"] == ""


def test_sla_filter_and_unassigned_filter(client, agent, open_at) -> None:
    open_at(0, subject="late")  # opened in 2025: long past its targets
    with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False):
        TicketFactory(subject="fresh", assignee=agent, priority=priority("Low"))
    assert listed(client, view="all", sla="breached") == ["late"]
    assert listed(client, view="all", sla="on_track") == ["fresh"]
    assert listed(client, view="all", assignee="0") == ["late"]
    assert listed(client, view="all", assignee="0", sort="assignee") == ["late"]
