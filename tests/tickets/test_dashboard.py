"""The start page: the agent's queues, SLA trouble and today's work, each linking to the list."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import TeamFactory, UserFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.portal.services import save_portal_settings
from ticketdesk.tickets import services

pytestmark = pytest.mark.django_db
# Monday 09:00 in Berlin; Normal priority: first response due at 17:00.
MONDAY = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC)


def panel(client) -> dict:
    response = client.get("/")
    assert response.status_code == 200
    [(_template, context)] = [p for p in response.context["panels"] if "queues" in p[1]]
    return context


def counts(context: dict) -> dict[str, str]:
    return {str(label): count for label, count, _url in context["queues"]}


def build(agent, team, number: int) -> None:
    with time_machine.travel(MONDAY, tick=False):
        for _ in range(number):
            TicketFactory(by=agent, team=team)
        mine = TicketFactory(by=agent, team=team)
        services.assign_ticket(mine, agent=agent, by=agent)
        services.add_reply(mine, by=agent, text="On it.")


def test_counts_and_their_links(client) -> None:
    agent = UserFactory()
    team = TeamFactory(name="Network")
    team.members.add(agent)
    build(agent, team, 2)
    client.force_login(agent)
    with time_machine.travel(MONDAY + datetime.timedelta(hours=7), tick=False):  # 16:00 Berlin
        context = panel(client)
    assert counts(context) == {
        "My open tickets": "1",
        "Unassigned in my teams": "2",
        "At risk": "2",  # the two unanswered ones, an hour before their first-response target
        "Breached": "0",
    }
    assert {str(label): count for label, count in context["activity"]} == {
        "First responses today": "1",
        "Closed today": "0",
    }
    for label, count, url in context["queues"]:
        params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        with time_machine.travel(MONDAY + datetime.timedelta(hours=7), tick=False):
            listed = client.get(url).context["page"].object_list
        assert str(len(listed)) == count, (label, params)


def test_the_number_of_queries_does_not_grow_with_the_tickets(client) -> None:
    agent = UserFactory()
    team = TeamFactory(name="Network")
    team.members.add(agent)
    client.force_login(agent)
    build(agent, team, 2)
    with CaptureQueriesContext(connection) as few:
        panel(client)
    build(agent, team, 20)
    with CaptureQueriesContext(connection) as many:
        panel(client)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_customers_are_sent_to_the_portal_or_told_it_is_not_there(client) -> None:
    client.force_login(UserFactory(role="customer"))
    assert client.get("/").status_code == 404
    save_portal_settings(is_enabled=True, instance_name="Support", welcome_de="", welcome_en="")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/portal/"


def test_customers_can_sign_out_while_the_portal_is_off(client) -> None:
    client.force_login(UserFactory(role="customer"))
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
