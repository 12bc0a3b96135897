"""Time keeping on other pages: the agent's time today on the start page, time in the CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from ticketdesk.timekeeping import services

pytestmark = pytest.mark.django_db


def test_the_start_page_shows_my_time_today_with_the_running_timer(clock, agent, ticket) -> None:
    client = Client()
    client.force_login(agent)
    services.add_segment(ticket, by=agent, date=clock.at(0).date(), minutes=45, billable=False)
    for second in range(0, 601, 60):  # heartbeats a minute apart for ten minutes
        clock.at(second)
        services.record_heartbeat(ticket, agent=agent)
    response = client.get("/")
    [panel] = [c for _t, c in response.context["panels"] if "running" in c]
    assert panel == {"total": 55, "billable": 0, "running": 10}
    assert "55 min" in response.content.decode()


def test_the_ticket_list_export_has_time_totals(clock, agent, ticket) -> None:
    client = Client()
    client.force_login(agent)
    day = clock.at(0).date()
    services.add_segment(ticket, by=agent, date=day, minutes=90, billable=True)
    services.add_segment(ticket, by=agent, date=day, minutes=30, billable=False)
    response = client.get("/tickets/export.csv", {"view": "all"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header = rows[0]
    row = next(r for r in rows[1:] if r[0] == ticket.reference)
    assert row[header.index("Time (minutes)")] == "120"
    assert row[header.index("Billable time (minutes)")] == "90"
