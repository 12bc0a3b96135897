"""Alerts at the threshold (once per crossing, again after a top-up) and the daily summary
(once per day), as outbox rows and as mail through the real SMTP sink."""

from __future__ import annotations

import pytest

from tests.contracts.conftest import TODAY
from tests.contracts.factories import make_contract
from tests.customers.factories import ContactFactory
from ticketdesk.contracts.models import PointsAlert, PointsSummary
from ticketdesk.contracts.services.contracts import add_manual_movement
from ticketdesk.contracts.services.mails import send_points_summary
from ticketdesk.outbox.models import OutboundMail
from ticketdesk.outbox.sender import send_due_mail
from ticketdesk.timekeeping import services as time

pytestmark = pytest.mark.django_db


def alert_mails() -> list[OutboundMail]:
    return list(OutboundMail.objects.filter(reference__startswith="contract-").order_by("pk"))


def log(ticket, agent, minutes):
    return time.add_segment(ticket, by=agent, date=TODAY, minutes=minutes, billable=True)


@pytest.fixture
def portal_admin(customer):
    return ContactFactory(customers=[customer], portal_admin=True, email="boss@acme.example")


def test_reaching_the_threshold_mails_portal_admins_and_administrators_once(
    customer, ticket, agent, admin, portal_admin
) -> None:
    ContactFactory(customers=[customer], email="plain@acme.example")  # no portal admin
    make_contract(customer, by=admin, total_points=10, alert_threshold=4)
    log(ticket, agent, 75)  # 10 → 5: above the threshold
    assert alert_mails() == []
    log(ticket, agent, 15)  # 5 → 4: reached
    log(ticket, agent, 15)  # 4 → 3: still below, no new alert
    log(ticket, agent, 15)
    recipients = sorted(address for mail in alert_mails() for address in mail.to)
    assert recipients == ["ada@ticketdesk.example", "boss@acme.example"]
    assert PointsAlert.objects.get().balance == 4
    assert "4 points are left" in alert_mails()[0].text_body


def test_a_top_up_and_a_new_crossing_alert_again(customer, ticket, agent, admin) -> None:
    contract = make_contract(customer, by=admin, total_points=10, alert_threshold=4)
    log(ticket, agent, 120)  # 10 → 2
    add_manual_movement(contract, by=admin, kind="credit", points=10, reason="Top-up")  # 12
    log(ticket, agent, 60)  # 12 → 8: above
    assert PointsAlert.objects.count() == 1
    add_manual_movement(contract, by=admin, kind="debit", points=5, reason="On-site visit")
    assert PointsAlert.objects.count() == 2
    assert len(alert_mails()) == 2


def test_alert_mail_reaches_the_smtp_sink(
    smtp_server, customer, ticket, agent, admin, portal_admin
) -> None:
    make_contract(customer, by=admin, total_points=2, alert_threshold=1)
    log(ticket, agent, 15)
    send_due_mail()
    subjects = sorted(
        (m["To"], m["Subject"]) for m in smtp_server.messages if "points" in m["Subject"]
    )
    assert subjects == [
        ("ada@ticketdesk.example", "Support contract “Support” of Acme GmbH: few points left"),
        ("boss@acme.example", "Support contract “Support” of Acme GmbH: few points left"),
    ]


def test_alert_is_in_the_recipients_language(customer, ticket, agent, admin) -> None:
    ContactFactory(
        customers=[customer], portal_admin=True, email="chef@acme.example", language="de"
    )
    make_contract(customer, by=admin, total_points=2, alert_threshold=1)
    log(ticket, agent, 15)
    german = OutboundMail.objects.get(to=["chef@acme.example"])
    assert german.language == "de"
    assert "Punkte" in german.subject


def test_daily_summary_is_sent_once_a_day(customer, ticket, agent, admin) -> None:
    make_contract(customer, by=admin, total_points=10)
    assert send_points_summary() is True
    assert send_points_summary() is False
    mails = OutboundMail.objects.filter(reference=f"points-{TODAY.isoformat()}")
    assert [mail.to for mail in mails] == [["ada@ticketdesk.example"]]
    assert "Acme GmbH" in mails[0].text_body
    assert PointsSummary.objects.get().day == TODAY


def test_daily_summary_task_runs_once_with_two_workers(customer, admin) -> None:
    from ticketdesk.contracts.tasks import send_points_summary_daily

    make_contract(customer, by=admin, total_points=10)
    results = [send_points_summary_daily.call(), send_points_summary_daily.call()]
    assert sorted(results) == [False, True]
    assert OutboundMail.objects.filter(reference__startswith="points-").count() == 1
