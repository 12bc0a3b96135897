"""The parser's handling of headers, bodies, attachments, auto-replies and bounces."""

from __future__ import annotations

import pytest

from ticketdesk.inbound.parsing import ParseError, parse_message


def _mail(headers: str, body: str = "Hello\n") -> bytes:
    return f"{headers.strip()}\n\n{body}".encode()


BASE = "From: Anna Berg <anna@example.com>\nTo: support@example.com\nSubject: Help\n"


def test_threading_headers_and_addresses_are_read() -> None:
    parsed = parse_message(
        _mail(
            BASE + "Cc: Bob <bob@example.com>, carl@example.com\nReply-To: r@example.com\n"
            "Message-ID: <m1@example.com>\nIn-Reply-To: <t-5@desk.example>\n"
            "References: <a@x> <t-5@desk.example>\nDate: Tue, 3 Mar 2026 10:00:00 +0100\n"
        )
    )
    assert parsed.message_id == "m1@example.com"
    assert parsed.in_reply_to == "t-5@desk.example"
    assert parsed.references == ["a@x", "t-5@desk.example"]
    assert parsed.thread_ids == ["t-5@desk.example", "a@x"]
    assert (parsed.from_address, parsed.from_name) == ("anna@example.com", "Anna Berg")
    assert parsed.cc == ["bob@example.com", "carl@example.com"]
    assert parsed.reply_to == ["r@example.com"]
    assert parsed.date is not None
    assert parsed.date.utcoffset() is not None


def test_encoded_subject_keeps_its_whitespace() -> None:
    parsed = parse_message(_mail("From: a@example.com\nSubject: =?utf-8?Q?_Gr=C3=BC=C3=9Fe_?="))
    assert parsed.subject == " Grüße "


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "X-Autoreply: yes",
        "X-Autorespond: Out of office",
    ],
)
def test_auto_reply_headers_are_recognised(header: str) -> None:
    assert parse_message(_mail(BASE + header)).is_auto_reply


@pytest.mark.parametrize(
    "header",
    [
        "Precedence: bulk",
        "Precedence: junk",
        "Precedence: list",
        "List-Id: <users.lists.example.com>",
        "List-Unsubscribe: <mailto:leave@lists.example.com>",
    ],
)
def test_list_and_bulk_mail_is_no_auto_reply_and_gets_none(header: str) -> None:
    parsed = parse_message(_mail(BASE + header))
    assert not parsed.is_auto_reply
    assert parsed.no_auto_reply


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: Help",
        "Automatic reply: Help",
        "Abwesenheitsnotiz: Help",
        "Automatische Antwort: Help",
        "Ich bin bis 12.3. nicht im Büro",
    ],
)
def test_out_of_office_subjects_are_auto_replies(subject: str) -> None:
    parsed = parse_message(_mail(f"From: a@example.com\nSubject: {subject}"))
    assert parsed.is_auto_reply


def test_auto_submitted_no_is_a_person_writing() -> None:
    assert not parse_message(_mail(BASE + "Auto-Submitted: no")).is_auto_reply


def test_mailer_daemon_bounce_names_the_failed_recipient() -> None:
    parsed = parse_message(
        _mail(
            "From: MAILER-DAEMON@mx.example.com\nReturn-Path: <>\nSubject: Undelivered Mail",
            "This is the mail system.\n\n<gone@customer.example>: host mx said: 550 unknown\n",
        )
    )
    assert parsed.is_bounce
    assert parsed.is_auto_reply
    assert parsed.bounced_recipients == ["gone@customer.example"]


def test_rfc2231_filename_and_inline_cid_image() -> None:
    raw = (
        BASE + "MIME-Version: 1.0\nContent-Type: multipart/related; boundary=b\n\n"
        '--b\nContent-Type: text/html; charset=utf-8\n\n<p>See <img src="cid:img1@x"></p>'
        "<script>alert(1)</script>\n"
        "--b\nContent-Type: image/png\nContent-ID: <img1@x>\nContent-Transfer-Encoding: base64\n"
        "Content-Disposition: inline; filename*=utf-8''Bild%C3%A4.png\n\naGVsbG8=\n--b--\n"
    ).encode()
    parsed = parse_message(raw)
    image = parsed.attachments[0]
    assert (image.filename, image.content, image.content_id) == ("Bildä.png", b"hello", "img1@x")
    assert image.is_inline
    assert 'src="cid:img1@x"' in parsed.html
    assert "script" not in parsed.html
    assert parsed.text == "See"


def test_html_only_mail_gets_a_text_version() -> None:
    raw = _mail(
        BASE + "Content-Type: text/html; charset=utf-8",
        "<html><head><style>p{}</style></head><body><p>First</p><p>Second<br>line</p></body>",
    )
    parsed = parse_message(raw)
    assert parsed.text == "First\n\nSecond\nline"


def test_undeclared_charset_is_detected() -> None:
    raw = (BASE + "Content-Type: text/plain\n\n").encode() + "Grüße aus Köln, schöne Straße".encode(
        "cp1252"
    )
    assert "Grüße aus Köln" in parse_message(raw).text


def test_wrong_charset_label_falls_back_to_utf8() -> None:
    raw = (BASE + "Content-Type: text/plain; charset=iso-2022-jp\n\n").encode() + "日本語".encode()
    assert parse_message(raw).text == "日本語"


def test_attached_message_becomes_an_eml_file() -> None:
    raw = (
        BASE + "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSee"
        "\n--b\nContent-Type: message/rfc822\n\n"
        "From: x@example.com\nSubject: Old one\n\nold\n--b--\n"
    ).encode()
    parsed = parse_message(raw)
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("Old one.eml", "message/rfc822")
    ]
    assert b"Subject: Old one" in parsed.attachments[0].content


def test_reply_is_split_from_the_quoted_history() -> None:
    parsed = parse_message(
        _mail(
            BASE,
            "Thanks, works now.\n\n"
            "On Mon, 2 Mar 2026 at 10:00, Desk <d@x.example> wrote:\n> Try again\n",
        )
    )
    assert parsed.new_text == "Thanks, works now."
    assert "> Try again" in parsed.quoted_text


@pytest.mark.parametrize("raw", [b"", b"   \r\n\r\n", b"\x00\x01\x02"])
def test_input_without_a_message_raises_parse_error(raw: bytes) -> None:
    with pytest.raises(ParseError):
        parse_message(raw)
