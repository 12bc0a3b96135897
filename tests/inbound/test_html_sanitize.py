"""Mail HTML keeps only images of its own (cid:) or inline (data:); nothing else may load."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory
from tests.inbound.mail import deliver
from ticketdesk.inbound.parsing import parse_message
from ticketdesk.inbound.parsing.html import sanitize_html
from ticketdesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db

# The spellings a browser still reads as a request: to our own site (with the agent's
# cookies) or to a remote one (a tracking pixel).
BLOCKED_SOURCES = [
    "/tickets/?view=closed",
    " https://tracker.example/leading-space.gif",
    "\thttps://tracker.example/leading-tab.gif",
    "https:/\\tracker.example/backslash.gif",
    "//tracker.example/protocol-relative.gif",
    "HTTPS://tracker.example/upper-case.gif",
    "\x01https://tracker.example/control.gif",
    "https://tracker.example/trailing.gif\n ",
    "ht\ttps://tracker.example/inner-tab.gif",
    "\u00a0https://tracker.example/no-break-space.gif",  # a relative URL to a browser
    "tickets/?view=closed",
    "javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
]

MAIL = (
    b"From: Anna Berg <anna@customer.example>\r\n"
    b"To: support@example.com\r\n"
    b"Subject: Screenshot of the error\r\n"
    b"Date: Mon, 02 Mar 2026 10:00:00 +0100\r\n"
    b"Message-ID: <html-images-1@customer.example>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/related; boundary="rel"\r\n'
    b"\r\n"
    b"--rel\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n"
    b"\r\n"
    b"<html><body><p>See the screenshot.</p>\r\n"
    b'<img src="/tickets/?view=closed" alt="same-origin">\r\n'
    b'<img src=" https://tracker.example/space.gif" alt="space">\r\n'
    b'<img src="&#9;https://tracker.example/tab.gif" alt="tab">\r\n'
    b'<img src="https:/\\tracker.example/backslash.gif" alt="backslash">\r\n'
    b'<img src="cid:shot@customer.example" alt="screenshot">\r\n'
    b"</body></html>\r\n"
    b"--rel\r\n"
    b"Content-Type: image/png\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"Content-ID: <shot@customer.example>\r\n"
    b'Content-Disposition: inline; filename="shot.png"\r\n'
    b"\r\n"
    b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\r\n"
    b"--rel--\r\n"
)

IMG_SRC = re.compile(r"<img\b[^>]*\ssrc=\"([^\"]*)\"", re.IGNORECASE)


def database_rows() -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, as plain values, for before/after comparison."""
    rows = {}
    for model in apps.get_models():
        values = model._base_manager.order_by("pk").values_list()
        rows[model._meta.label] = [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in values
        ]
    return rows


@pytest.mark.parametrize("source", BLOCKED_SOURCES)
def test_image_that_would_load_anything_loses_its_source(source: str) -> None:
    html = sanitize_html(f'<p>x<img src="{source}" alt="pixel"></p>')

    assert IMG_SRC.findall(html) == []
    assert 'alt="pixel"' in html


@pytest.mark.parametrize(
    ("source", "kept"),
    [
        ("cid:shot@mail", "cid:shot@mail"),
        (" CID:shot@mail", "cid:shot@mail"),
        ("data:image/png;base64,iVBORw0KGgo=", "data:image/png;base64,iVBORw0KGgo="),
    ],
)
def test_inline_and_attached_images_are_kept(source: str, kept: str) -> None:
    assert IMG_SRC.findall(sanitize_html(f'<img src="{source}">')) == [kept]


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("https://example.com/help", "https://example.com/help"),
        (" HTTPS://example.com/help", "https://example.com/help"),
        ("mailto:help@example.com", "mailto:help@example.com"),
        ("/tickets/?view=closed", None),
        ("//example.com/", None),
        ("javascript:alert(1)", None),
    ],
)
def test_links_keep_only_absolute_web_mail_and_phone_addresses(href: str, kept: str | None) -> None:
    html = sanitize_html(f'<a href="{href}">help</a>')

    found = re.findall(r'href="([^"]*)"', html)
    assert found == ([kept] if kept else [])


def test_parsed_mail_keeps_only_its_cid_image() -> None:
    parsed = parse_message(MAIL)

    assert IMG_SRC.findall(parsed.html) == ["cid:shot@customer.example"]


def test_opening_a_ticket_from_mail_renders_only_the_cid_image_and_changes_nothing(
    client: Client,
) -> None:
    ContactFactory(email="anna@customer.example", name="Anna Berg")
    inbound = deliver(MAIL)
    ticket = Ticket.objects.get(pk=inbound.ticket_id)
    attachment = ticket.attachments.get()
    client.force_login(UserFactory())
    before = database_rows()

    response = client.get(ticket.get_absolute_url())

    assert response.status_code == 200
    body = response.content.decode().split('class="html-body">', 1)[1].split("</div>", 1)[0]
    assert IMG_SRC.findall(body) == [f"/tickets/{ticket.number}/attachments/{attachment.pk}/"]
    assert "tracker.example" not in body
    assert "view=closed" not in body
    assert database_rows() == before
