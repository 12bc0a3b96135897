"""Who may use the time URLs: each role × GET and POST, with the answer the suite's matrix holds.

The roles and the notation are those of tests/test_permission_matrix.py (anonymous ·
customer · read-only · agent without Support-team flag · agent · administrator); the
segment belongs to the agent, so the agent without the flag is a colleague here.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.timekeeping import permissions, services
from ticketdesk.timekeeping.models import TimeSegment, TimeSource

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "customer", "read_only", "outsider", "agent", "administrator")
# name: (GET answers, POST answers), POST with an empty body.
ROWS = {
    "timekeeping:panel": ("login 404 302 302 302 302", "405 404 405 405 405 405"),
    "timekeeping:heartbeat": ("405 404 405 405 405 405", "login 404 403 200 200 200"),
    "timekeeping:add": ("login 404 403 200 200 200", "login 404 403 200 200 200"),
    "timekeeping:edit": ("login 404 403 403 200 200", "login 404 403 403 200 200"),
    "timekeeping:delete": ("405 404 405 405 405 405", "login 404 403 403 302 302"),
}


class Rollback(Exception):
    pass


def answer(client: Client, method: str, path: str) -> str:
    try:
        with transaction.atomic():
            response = client.get(path) if method == "GET" else client.post(path, {})
            raise Rollback(response)
    except Rollback as rolled_back:
        response = rolled_back.args[0]
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return "login"
    return str(response.status_code)


def test_each_role_gets_the_answer_of_its_row() -> None:
    users = {
        "anonymous": None,
        "customer": UserFactory(customer=True),
        "read_only": UserFactory(read_only=True),
        "outsider": UserFactory(outsider=True),
        "agent": UserFactory(),
        "administrator": UserFactory(admin=True),
    }
    ticket = TicketFactory(by=users["agent"])
    segment = services.add_segment(
        ticket, by=users["agent"], date=timezone.localdate(), minutes=30, comment="Setup"
    )
    paths = {
        "timekeeping:panel": reverse("timekeeping:panel", args=[ticket.number]),
        "timekeeping:heartbeat": reverse("timekeeping:heartbeat", args=[ticket.number]),
        "timekeeping:add": reverse("timekeeping:add", args=[ticket.number]),
        "timekeeping:edit": reverse("timekeeping:edit", args=[ticket.number, segment.pk]),
        "timekeeping:delete": reverse("timekeeping:delete", args=[ticket.number, segment.pk]),
    }
    found = {}
    for name, path in paths.items():
        rows = []
        for method in ("GET", "POST"):
            answers = []
            for role in ROLES:
                client = Client()
                if users[role] is not None:
                    client.force_login(users[role])
                answers.append(answer(client, method, path))
            rows.append(" ".join(answers))
        found[name] = tuple(rows)

    assert found == ROWS
    assert TimeSegment.objects.get() == segment


def test_the_rules_of_changing_a_segment() -> None:
    agent, colleague = UserFactory(), UserFactory()
    admin, read_only = UserFactory(admin=True), UserFactory(read_only=True)
    ticket = TicketFactory(by=agent)
    segment = TimeSegment(
        ticket=ticket,
        agent=agent,
        started_at=ticket.opened_at,
        minutes=5,
        source=TimeSource.AUTOMATIC,
    )

    assert [permissions.can_change_segment(u, segment) for u in (agent, colleague, admin)] == [
        True,
        False,
        True,
    ]
    assert permissions.can_log_time(read_only) is False
    assert permissions.can_view_time(read_only) is True
    agent.is_active = False
    assert permissions.can_change_segment(agent, segment) is False
