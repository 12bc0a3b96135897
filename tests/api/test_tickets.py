"""Tickets through the API: the same services as the UI, one error format, 409 on conflicts."""

from __future__ import annotations

import base64

import pytest

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory, CustomerFactory
from tests.tickets.factories import TicketFactory, priority
from ticketdesk.outbox.models import OutboundMail
from ticketdesk.tickets import services
from ticketdesk.tickets.models import EventAction, Message, Ticket

from .conftest import Api, api_for

pytestmark = pytest.mark.django_db


def test_agent_opens_a_ticket_and_the_customer_gets_the_confirmation(api: Api) -> None:
    customer = CustomerFactory(name="Acme")
    contact = ContactFactory(customers=[customer], email="max@acme.example")

    response = api.post(
        "/tickets",
        {
            "customer": customer.pk,
            "requester": contact.pk,
            "subject": "No dial tone",
            "text": "Since this morning.",
            "attachments": [
                {"name": "log.txt", "content_base64": base64.b64encode(b"line 1\n").decode()}
            ],
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    ticket = Ticket.objects.get(number=body["number"])
    assert body["subject"] == "No dial tone"
    assert body["customer"] == {"id": customer.pk, "number": customer.number, "name": "Acme"}
    assert body["requester"]["email"] == "max@acme.example"
    assert body["source"] == "api"
    assert body["version"] == ticket.version
    assert ticket.attachments.get().file.read() == b"line 1\n"
    assert ticket.events.filter(action=EventAction.OPENED).exists()
    assert ["max@acme.example"] in [mail.to for mail in OutboundMail.objects.all()]


def test_bad_input_answers_400_with_the_fields_and_stores_nothing(api: Api) -> None:
    response = api.post("/tickets", {"customer": 987654, "subject": "", "colour": "red"})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "colour" in error["fields"]
    assert not Ticket.objects.exists()

    response = api.post("/tickets", {"customer": 987654, "subject": "Printer"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"customer"}


def test_nul_bytes_and_huge_ids_are_refused_not_500(api: Api) -> None:
    customer = CustomerFactory()
    response = api.post("/tickets", {"customer": customer.pk, "subject": "a\x00b"})
    assert response.status_code == 400
    assert "subject" in response.json()["error"]["fields"]
    assert api.get(f"/tickets/{2**64}").status_code == 400
    assert api.post("/tickets", {"customer": 2**64, "subject": "x"}).status_code == 400
    assert api.get("/tickets?cursor=not-a-cursor").status_code == 400
    assert api.get("/tickets?status=abc").status_code == 400


def test_list_pages_with_a_cursor_and_filters(api: Api, agent) -> None:
    customer = CustomerFactory(name="Zeta GmbH")
    opened = [TicketFactory(by=agent, customer=customer) for _ in range(3)]

    first = api.get("/tickets?view=all&sort=opened").json()
    assert [t["number"] for t in first["items"]] == [t.number for t in opened]
    assert first["next_cursor"] is None

    assert api.get("/tickets?view=all&q=nothing-like-this").json()["items"] == []
    found = api.get("/tickets?view=all&customer=Zeta").json()["items"]
    assert len(found) == 3


def test_cursor_leads_to_the_next_page(api: Api, agent, settings) -> None:
    customer = CustomerFactory()
    numbers = {TicketFactory(by=agent, customer=customer).number for _ in range(51)}

    first = api.get("/tickets?view=all").json()
    second = api.get(f"/tickets?view=all&cursor={first['next_cursor']}").json()

    assert len(first["items"]) == 50
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None
    assert {t["number"] for t in first["items"] + second["items"]} == numbers


def test_change_fields_in_one_change_set(api: Api, agent) -> None:
    ticket = TicketFactory(by=agent)
    urgent = priority("High")

    response = api.patch(
        f"/tickets/{ticket.number}",
        {"expected_version": ticket.version, "priority": urgent.pk, "team": None},
    )

    assert response.status_code == 200, response.json()
    assert response.json()["priority"]["id"] == urgent.pk
    assert response.json()["version"] == ticket.version + 1
    changed = ticket.events.filter(action=EventAction.CHANGED, field="priority")
    assert changed.count() == 1


def test_stale_version_is_409_naming_who_changed_it(api: Api, agent) -> None:
    ticket = TicketFactory(by=agent)
    read_version = api.get(f"/tickets/{ticket.number}").json()["version"]
    bea = UserFactory(full_name="Bea Other")
    services.change_ticket(ticket, by=bea, priority=priority("High"))

    response = api.patch(
        f"/tickets/{ticket.number}",
        {"expected_version": read_version, "priority": priority("Low").pk},
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "stale"
    assert "Bea Other" in error["message"]


def test_lost_accept_race_is_409_naming_the_winner(api: Api, agent) -> None:
    ticket = TicketFactory(by=agent)
    bea = UserFactory(full_name="Bea Winner")
    assert api_for(bea).post(f"/tickets/{ticket.number}/accept").status_code == 200

    response = api.post(f"/tickets/{ticket.number}/accept")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_accepted"
    assert "Bea Winner" in response.json()["error"]["message"]


def test_assign_free_close_and_reopen(api: Api, agent) -> None:
    ticket = TicketFactory(by=agent)
    bea = UserFactory(full_name="Bea")
    path = f"/tickets/{ticket.number}"

    assigned = api.post(f"{path}/assign", {"agent": bea.pk}).json()
    assert assigned["assignee"]["id"] == bea.pk
    assert api.post(f"{path}/free").json()["assignee"] is None
    assert api.post(f"{path}/free").status_code == 400
    closed = api.post(f"{path}/close").json()
    assert closed["status"]["is_closed"] is True
    assert api.post(f"{path}/close").json()["error"]["code"] == "already_closed"
    assert api.post(f"{path}/reopen").json()["status"]["is_closed"] is False
    nobody = api.post(f"{path}/assign", {"agent": UserFactory(outsider=True).pk})
    assert nobody.status_code == 400
    assert "agent" in nobody.json()["error"]["fields"]


def test_reply_and_note_with_attachments_and_the_conversation(api: Api, agent) -> None:
    ticket = TicketFactory(by=agent)
    path = f"/tickets/{ticket.number}"
    pdf = base64.b64encode(b"%PDF-1.4 quote").decode()

    reply = api.post(
        f"{path}/replies",
        {
            "text": "Fixed.",
            "attachments": [
                {"name": "quote.pdf", "content_type": "application/pdf", "content_base64": pdf}
            ],
        },
    )
    note = api.post(f"{path}/notes", {"text": "Called the customer."})

    assert reply.status_code == 201, reply.json()
    assert note.status_code == 201
    assert reply.json()["kind"] == "reply"
    assert note.json()["kind"] == "note"
    conversation = api.get(f"{path}/messages").json()
    assert [m["kind"] for m in conversation] == ["customer", "reply", "note"]
    download = api.get(reply.json()["attachments"][0]["url"].removeprefix("/api/v1"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 quote"
    assert "attachment" in download["Content-Disposition"]
    history = [e["action"] for e in api.get(f"{path}/events").json()]
    assert EventAction.REPLIED in history
    assert EventAction.NOTE_ADDED in history
    assert api.post(f"{path}/replies", {"text": ""}).status_code == 400
    bad = api.post(
        f"{path}/notes", {"text": "x", "attachments": [{"name": "a", "content_base64": "%%"}]}
    )
    assert bad.status_code == 400
    assert Message.objects.filter(ticket=ticket).count() == 3


def test_read_only_user_reads_but_cannot_write(agent) -> None:
    ticket = TicketFactory(by=agent)
    reader = api_for(UserFactory(read_only=True))

    assert reader.get(f"/tickets/{ticket.number}").status_code == 200
    refused = reader.post(f"/tickets/{ticket.number}/notes", {"text": "x"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert not Message.objects.filter(text="x").exists()


def test_errors_and_names_follow_the_users_language(agent) -> None:
    ticket = TicketFactory(by=agent)
    german = api_for(UserFactory(language="de"))

    body = german.get(f"/tickets/{ticket.number}").json()
    assert body["status"]["name"] == ticket.status.name_de
    missing = german.get("/tickets/987654").json()["error"]
    assert missing == {"code": "not_found", "message": "Nicht gefunden."}
