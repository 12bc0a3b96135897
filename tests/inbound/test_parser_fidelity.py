"""Parser fidelity: every MIME oddity of issue 9 shows its content and keeps its bytes."""

from __future__ import annotations

import base64
import email
from email import policy
from pathlib import Path

import pytest

from ticketdesk.inbound.models import InboundStatus
from ticketdesk.inbound.parsing import parse_message
from ticketdesk.inbound.parsing.message import TOO_COMPLEX

from .mail import compose, deliver, mime_message, winmail_dat

MAILS = Path(__file__).parent / "mails" / "fidelity"
UU_PAYLOAD = (MAILS / "uuencode-payload.bin").read_bytes()


def _mail(name: str) -> bytes:
    return (MAILS / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "filename", "text"),
    [
        ("uuencode-netscape.eml", "report.bin", "The report is attached."),
        ("uuencode-eudora.eml", "budget.xls", "here is the budget sheet you asked for."),
        ("uuencode-pine.eml", "notes.tar.gz", "The notes are attached."),
    ],
)
def test_uuencoded_attachments_of_three_mailers_are_decoded_once(
    name: str, filename: str, text: str
) -> None:
    parsed = parse_message(_mail(name))
    assert [(a.filename, a.content) for a in parsed.attachments] == [(filename, UU_PAYLOAD)]
    assert text in parsed.text
    assert "begin " not in parsed.text


@pytest.mark.django_db
def test_uuencoded_mail_is_delivered_not_unparseable() -> None:
    inbound = deliver(_mail("uuencode-netscape.eml"))
    assert inbound.status == InboundStatus.PARSED
    assert inbound.ticket is not None
    assert inbound.ticket.messages.get().attachments.get().name == "report.bin"


def test_raw_utf8_subject_is_read_as_utf8_not_as_the_body_charset() -> None:
    parsed = parse_message(_mail("utf8-subject.eml"))
    assert parsed.subject == "ログインできません"
    assert parsed.from_name == "山田 太郎"
    assert parsed.text == "パスワードを忘れました。"


def test_raw_8bit_subject_that_is_not_utf8_still_uses_the_body_charset() -> None:
    raw = (
        b"From: a@example.jp\nSubject: " + "ツール".encode("cp932") + b"\n"
        b"Content-Type: text/plain; charset=shift_jis\n\n" + "本文".encode("cp932")
    )
    assert parse_message(raw).subject == "ツール"


@pytest.mark.parametrize(
    "body",
    [
        "Café crème, déjà vu: E42",
        "Ölwechsel E42 nötig",
        "Grüße aus Köln. Der Drucker zeigt „E42“ – bitte prüfen. Schöne Grüße, Jürgen",
    ],
)
def test_one_invalid_byte_in_a_utf8_body_is_replaced_not_guessed(body: str) -> None:
    raw = (
        b"From: a@example.com\nSubject: Drucker\nContent-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: 8bit\n\n" + body.encode().replace(b"E42", b"E\xff42")
    )
    assert parse_message(raw).text == body.replace("E42", "E\ufffd42")


def test_latin1_body_mislabelled_as_utf8_is_still_readable() -> None:
    body = "Grüße aus Köln, schöne Straße, große Äpfel, süße Öfen, müde Füße, Bär"
    raw = (
        b"From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=utf-8\n\n"
        + body.encode("cp1252")
    )
    assert parse_message(raw).text == body


def test_a_few_latin1_bytes_without_charset_are_not_guessed_as_chinese() -> None:
    raw = b"From: a@example.com\nSubject: x\nContent-Transfer-Encoding: 8bit\n\n\xe4\xf6\xfc\xdf ok"
    assert parse_message(raw).text == "äöüß ok"


def test_header_block_without_blank_line_ends_at_the_first_body_line() -> None:
    parsed = parse_message(_mail("no-blank-line.eml"))
    assert parsed.subject == "Printer broken"
    assert parsed.message_id == "no-blank-line-1@customer.example"
    assert parsed.text == (
        "The printer on floor 2 shows error E42.\nPlease send someone today.\n\nAnna"
    )


def test_stray_line_between_header_fields_is_still_folded() -> None:
    raw = (
        b"From: a@example.com\nReceived: from mx.example.com\nby relay.example.com with ESMTP\n"
        b"Subject: Broken gateway\nTo: support@example.com\n\nBody\n"
    )
    parsed = parse_message(raw)
    assert (parsed.subject, parsed.to, parsed.text) == (
        "Broken gateway",
        ["support@example.com"],
        "Body",
    )


def test_inline_text_part_with_a_filename_is_shown_and_kept() -> None:
    parsed = parse_message(_mail("inline-text-with-filename.eml"))
    assert parsed.text == "tray=2\nduplex=on"
    assert [(a.filename, a.content) for a in parsed.attachments] == [
        ("printer.cfg", b"tray=2\nduplex=on\n")
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("multipart-without-boundary.eml", "The scanner stopped working after the update."),
        ("multipart-boundary-not-found.eml", "The scanner still does not work."),
    ],
)
def test_multipart_without_usable_boundary_is_shown_as_text(name: str, text: str) -> None:
    parsed = parse_message(_mail(name))
    assert parsed.text == text
    assert parsed.attachments == []


def _rtf_mail(rtf: bytes | None) -> bytes:
    blob = base64.encodebytes(winmail_dat(rtf=rtf))
    return mime_message(
        (
            'Content-Type: application/ms-tnef; name="winmail.dat"\r\n'
            "Content-Transfer-Encoding: base64\r\n"
            'Content-Disposition: attachment; filename="winmail.dat"',
            blob.replace(b"\n", b"\r\n"),
        )
    )


RTF = rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Arial;}}\f0 The scanner is broken.\par}"


def test_tnef_with_only_an_rtf_body_keeps_it_as_message_rtf() -> None:
    parsed = parse_message(_rtf_mail(RTF))
    assert [(a.filename, a.content_type, a.content) for a in parsed.attachments] == [
        ("message.rtf", "application/rtf", RTF)
    ]


def test_tnef_rtf_body_is_shown_as_plain_text_with_striprtf() -> None:
    assert parse_message(_rtf_mail(RTF)).text == "The scanner is broken."


def test_winmail_dat_with_nothing_inside_is_kept_as_it_came() -> None:
    raw = _rtf_mail(None)
    parsed = parse_message(raw)
    assert [(a.filename, a.content) for a in parsed.attachments] == [
        ("winmail.dat", winmail_dat(rtf=None))
    ]


@pytest.mark.django_db
def test_tnef_rtf_body_reaches_the_ticket_as_a_file() -> None:
    inbound = deliver(_rtf_mail(RTF))
    attachment = inbound.ticket.messages.get().attachments.get()
    assert attachment.name == "message.rtf"


def test_abuse_report_fields_are_visible() -> None:
    parsed = parse_message(_mail("arf-report.eml"))
    for field in (
        "Feedback-Type: abuse",
        "Source-IP: 192.0.2.1",
        "Original-Mail-From: <somespammer@example.net>",
        "Reported-Uri: http://example.net/earn_money.html",
        "Authentication-Results: mail.example.com;"
        "               spf=fail smtp.mail=somespammer@example.com",
    ):
        assert field in parsed.text
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("feedback-report.txt", "message/feedback-report"),
        ("Earn money.eml", "message/rfc822"),
    ]


def test_read_receipt_fields_are_visible() -> None:
    parsed = parse_message(_mail("mdn-read-receipt.eml"))
    assert "Disposition: manual-action/MDN-sent-manually; displayed" in parsed.text
    assert "Original-Message-ID: <t-42@desk.example>" in parsed.text
    assert parsed.attachments[0].content_type == "message/disposition-notification"


def test_message_partial_is_named_and_kept() -> None:
    parsed = parse_message(_mail("message-partial.eml"))
    assert "number=2; total=3" in parsed.text
    assert [(a.filename, a.content) for a in parsed.attachments] == [
        (
            "partial-2-of-3.eml",
            b"Second fragment of the log archive, as the sender's mailer split it.\n",
        )
    ]


def test_news_article_is_kept_as_a_readable_message() -> None:
    parsed = parse_message(_mail("message-news.eml"))
    article = parsed.attachments[0]
    assert (article.filename, article.content_type) == ("E42 on floor printers.eml", "message/news")
    assert b"Error E42 means the fuser is broken." in article.content
    assert b"Newsgroups: comp.printers.misc" in article.content


def test_quoted_printable_octet_stream_keeps_its_bytes() -> None:
    raw = _mail("qp-octet-stream.eml")
    stdlib = email.message_from_bytes(raw, policy=policy.default)
    expected = next(stdlib.iter_attachments()).get_payload(decode=True)
    attachment = parse_message(raw).attachments[0]
    assert attachment.content == expected
    assert b"\r\n" in attachment.content
    assert attachment.content.startswith(b"line one\x00\xff\r\nline two\ttab\r\n\r\n")


def test_attached_message_keeps_its_bytes() -> None:
    inner = b"From: x@example.com\r\nSubject: Old one\r\n\r\nold\r\n  spaced  \r\n"
    raw = mime_message(
        ("Content-Type: text/plain", b"See"), ("Content-Type: message/rfc822", inner)
    )
    # The line break before the next delimiter belongs to the delimiter (RFC 2046).
    assert parse_message(raw).attachments[0].content == inner


def _nested(depth: int) -> bytes:
    raw = b"Content-Type: text/plain\r\n\r\ninnermost\r\n"
    for level in range(depth):
        raw = (
            f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n'.encode()
            + raw
            + f"\r\n--b{level}--\r\n".encode()
        )
    return b"From: Deep Diver <deep@customer.example>\r\nSubject: Very deep\r\n" + raw


def test_too_deep_nesting_keeps_headers_and_the_raw_message() -> None:
    raw = _nested(200)
    parsed = parse_message(raw)
    assert (parsed.subject, parsed.from_address) == ("Very deep", "deep@customer.example")
    assert TOO_COMPLEX in parsed.defects
    assert [(a.filename, a.content) for a in parsed.attachments] == [("message.eml", raw)]


def test_moderate_nesting_is_walked_completely() -> None:
    parsed = parse_message(_nested(20))
    assert parsed.text == "innermost"
    assert parsed.attachments == []


@pytest.mark.django_db
def test_too_deep_message_shows_subject_and_sender_in_the_inbox() -> None:
    inbound = deliver(_nested(500))
    assert inbound.status == InboundStatus.PARSED
    assert (inbound.subject, inbound.from_address) == ("Very deep", "deep@customer.example")


def test_composed_attachments_keep_their_bytes() -> None:
    files = [
        ("crlf.txt", "text/plain", b"one\r\ntwo\r\n"),
        ("data.bin", "application/octet-stream", bytes(range(256)) * 4),
    ]
    parsed = parse_message(compose(attachments=files))
    assert [(a.filename, a.content) for a in parsed.attachments] == [
        (name, content) for name, _type, content in files
    ]


def test_html_body_too_large_to_render_is_read_as_text_and_kept_as_a_file() -> None:
    row = "<tr><td>printer</td><td><b>broken</b> &amp; loud</td></tr>\n"
    html = f"<html><head><style>td {{}}</style></head><body><table>{row * 20000}</table>"
    raw = b"From: a@example.com\nSubject: Report\nContent-Type: text/html\n\n" + html.encode()
    parsed = parse_message(raw)
    assert parsed.text.startswith("printerbroken & loud")
    assert "td {}" not in parsed.text
    assert parsed.html == ""
    assert [(a.filename, a.content) for a in parsed.attachments] == [
        ("message.html", html.encode())
    ]


def test_small_html_body_is_still_rendered() -> None:
    raw = (
        b"From: a@example.com\nSubject: x\nContent-Type: text/html; charset=utf-8\n\n"
        b"<p>Hello <b>there</b></p>"
    )
    parsed = parse_message(raw)
    assert (parsed.text, parsed.attachments) == ("Hello there", [])
    assert "<b>there</b>" in parsed.html


def test_quote_far_down_a_very_long_text_stays_with_the_text() -> None:
    lines = [f"log line {n}" for n in range(5000)]
    text = "\n".join([*lines, "", "On Mon, 2 Mar 2026, Desk <d@x.example> wrote:", "> old"])
    parsed = parse_message(compose(body=text))
    assert parsed.new_text.endswith("> old")
    assert parsed.quoted_text == ""


def test_reply_above_a_very_long_quote_is_still_split() -> None:
    quote = "\n".join(f"> quoted line {n}" for n in range(5000))
    text = f"Thanks, fixed.\n\nOn Mon, 2 Mar 2026, Desk <d@x.example> wrote:\n{quote}"
    parsed = parse_message(compose(body=text))
    assert parsed.new_text == "Thanks, fixed."
    assert parsed.quoted_text.endswith("> quoted line 4999")
