"""The outbox page under Configuration: administrators see, filter and retry."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from ticketdesk.outbox.models import MailStatus, OutboundMail

from .factories import OutboundMailFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/config/outbox/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(admin=True, language="en"))
    return client


@pytest.mark.parametrize("traits", [{}, {"read_only": True}])
def test_outbox_page_is_for_administrators_only(client, traits: dict[str, bool]) -> None:
    failed = OutboundMailFactory(failed=True)
    client.force_login(UserFactory(**traits))

    assert client.get(LIST_URL).status_code == 403
    assert client.post(reverse("outbox:retry", args=[failed.pk])).status_code == 403
    assert OutboundMail.objects.get(pk=failed.pk).status == MailStatus.FAILED


def test_anonymous_visitor_is_sent_to_login(client) -> None:
    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_outbox_page_lists_mails_with_their_errors(admin_client) -> None:
    OutboundMailFactory(subject="[#T-1] sent one", sent=True)
    OutboundMailFactory(subject="[#T-2] broken one", failed=True, last_error="550 No such user")
    OutboundMailFactory(subject="[#T-3] waiting one")

    response = admin_client.get(LIST_URL)

    content = response.content.decode()
    assert response.status_code == 200
    for text in ["[#T-1] sent one", "[#T-2] broken one", "[#T-3] waiting one", "550 No such user"]:
        assert text in content


def test_outbox_page_filters_by_ticket_reference_and_status(admin_client) -> None:
    OutboundMailFactory(reference="T-1", subject="first of T-1", failed=True)
    OutboundMailFactory(reference="T-1", subject="second of T-1", sent=True)
    OutboundMailFactory(reference="T-2", subject="mail of T-2", failed=True)

    by_ticket = admin_client.get(LIST_URL, {"reference": "T-1"}).content.decode()
    failed_of_ticket = admin_client.get(
        LIST_URL, {"reference": "T-1", "status": "failed"}
    ).content.decode()

    assert "first of T-1" in by_ticket
    assert "second of T-1" in by_ticket
    assert "mail of T-2" not in by_ticket
    assert "first of T-1" in failed_of_ticket
    assert "second of T-1" not in failed_of_ticket


def test_htmx_filter_renders_only_the_table(admin_client) -> None:
    OutboundMailFactory(subject="only row")

    response = admin_client.get(LIST_URL, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert content.lstrip().startswith('<div id="outbox-table">')
    assert "only row" in content
    assert "<html" not in content


def test_retry_now_queues_a_failed_mail_again(admin_client) -> None:
    failed = OutboundMailFactory(failed=True, attempts=8)

    response = admin_client.post(
        reverse("outbox:retry", args=[failed.pk]), {"next": f"{LIST_URL}?status=failed"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}?status=failed"
    failed.refresh_from_db()
    assert failed.status == MailStatus.QUEUED
    assert failed.attempts == 0


def test_sent_mail_cannot_be_retried(admin_client) -> None:
    sent = OutboundMailFactory(sent=True)

    response = admin_client.post(reverse("outbox:retry", args=[sent.pk]), follow=True)

    assert "Only failed or queued e-mails can be retried." in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == MailStatus.SENT


def test_retry_redirect_never_leaves_the_outbox(admin_client) -> None:
    failed = OutboundMailFactory(failed=True)

    response = admin_client.post(
        reverse("outbox:retry", args=[failed.pk]), {"next": "https://evil.example/"}
    )

    assert response["Location"] == LIST_URL


def test_retry_all_failed_of_one_ticket(admin_client) -> None:
    mine = OutboundMailFactory.create_batch(2, reference="T-5", failed=True)
    other = OutboundMailFactory(reference="T-6", failed=True)

    admin_client.post(reverse("outbox:retry_failed"), {"reference": "T-5"})

    assert {m.status for m in OutboundMail.objects.filter(pk__in=[m.pk for m in mine])} == {
        MailStatus.QUEUED
    }
    other.refresh_from_db()
    assert other.status == MailStatus.FAILED


def test_outbox_page_queries_do_not_grow_with_rows(
    admin_client, django_assert_max_num_queries
) -> None:
    OutboundMailFactory.create_batch(60, failed=True)

    with django_assert_max_num_queries(6):
        response = admin_client.get(LIST_URL)

    assert response.status_code == 200
    assert 'rel="next"' in response.content.decode()


def test_django_admin_lists_and_retries_outbox_rows(client) -> None:
    client.force_login(UserFactory(admin=True, is_superuser=True))
    failed = OutboundMailFactory(failed=True, subject="admin row")

    listing = client.get("/admin/outbox/outboundmail/")
    client.post(
        "/admin/outbox/outboundmail/",
        {"action": "retry_now", "_selected_action": [failed.pk]},
    )

    assert "admin row" in listing.content.decode()
    failed.refresh_from_db()
    assert failed.status == MailStatus.QUEUED


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "x"])
def test_unusable_page_number_shows_the_first_page(admin_client, page: str) -> None:
    mail = OutboundMailFactory()

    response = admin_client.get(LIST_URL, {"page": page})

    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert list(response.context["page"]) == [mail]


def test_nul_in_the_reference_filter_is_ignored(admin_client) -> None:
    mail = OutboundMailFactory()

    response = admin_client.get(LIST_URL, {"reference": "T-\x00", "status": "\x00"})

    assert response.status_code == 200
    assert list(response.context["page"]) == [mail]
