"""The parser's fast paths for header blocks and fields give exactly what the stdlib gives.

parsing.fields cuts simple header blocks with a regex and reads simple MIME and
address fields without the header registry; each answer is compared with the
stdlib's (BytesHeaderParser, policy.default's header objects) on generated input
and on every header block of the corpus.
"""

from __future__ import annotations

import email
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ticketdesk.inbound.parsing.fields import (
    ParsedPart,
    mime_field_text,
    parse_header_block,
    simple_addresses,
)
from ticketdesk.inbound.parsing.mime import split_head

from ..corpus import all_messages

STDLIB = BytesHeaderParser(_class=EmailMessage, policy=policy.default)
MIME_FIELDS = ["Content-Type", "content-disposition", "Content-Transfer-Encoding", "Subject"]
ADDRESS_FIELDS = ["From", "to", "Cc", "Reply-To", "Sender", "Resent-To", "X-Other"]

# Pieces that each take one of the stdlib's paths: tokens, quoted strings, RFC 2231
# marks, encoded-words, comments, quoted pairs, folds, 8-bit bytes, controls.
_MIME_PIECES = [
    *["text", "plain", "multipart", "mixed", "attachment", "inline", "base64", "7bit"],
    *["charset", "Charset", "name", "filename", "boundary", "utf-8", "a b", "----=_Part_1.2"],
    *["/", ";", "=", '"', " ", "\t", "*", "*0", "'", "''", "%", "%20", "\\", "(", ")", "?"],
    *["=?utf-8?q?x?=", ",", "@", "<", ">", ".", "\r\n ", "\n", "\udce9", "é", "\x0b", ""],
]
_ADDRESS_PIECES = [
    *["Anna", "Berg", "a", "b.c", "example.com", "a@b", "<a@b>", "Berg, Anna", "+tag"],
    *[" ", "\t", "<", ">", "@", ".", "..", ",", '"', "(c)", "\\", ":", ";", "[1.2.3.4]"],
    *["'", "=", "?", "=?utf-8?q?x?=", "é", "\udce9", "Undisclosed:;", "\r\n", ""],
]
_FIELD_PIECES = [
    *["Subject: x", "From: a@b", "X-A: b: c", "Content-Type: text/plain", "From ", "x:"],
    *[":y", "::", ":", "\r\n", "\n", "\r", "\r\r", "\n\n", " ", "\t", "\r\n ", "\n\t"],
    *["a", "\xe9", "\x0b", "\x0c", "\x1c", "\x85", "  "],
]


_PARAMETER_VALUES = [
    *["utf-8", '"utf-8"', '"a b"', '"x;y"', '"  x "', '""', "a%20b", "x*y", "O'B"],
    *['"a\\"b"', '"=?x?="', "é", '"----=_Part_0.1"', '"a,b@c"'],
]
_MAILBOX_FORMS = [
    *["{}", "<{}>", "Anna Berg <{}>", "Anna  Berg<{}>", '"Berg, Anna" <{}>'],
    *['" Anna " <{}>', "Anna (c) <{}>", "{} (Anna)", "J. Smith <{}>", '"A" B <{}>'],
]


def _joined(pieces: list[str], size: int) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=size).map("".join)


@st.composite
def _mime_values(draw: st.DrawFn) -> str:
    """Mostly well-formed fields, with the spacing and quoting mail really has."""
    head = draw(st.sampled_from(["text/plain", "TEXT/Html", " image/png ", "a / b", "inline"]))
    params = []
    for _ in range(draw(st.integers(0, 4))):
        separator = draw(st.sampled_from([";", "; ", " ; ", ";\t", ";\r\n "]))
        name = draw(st.sampled_from(["charset", "Charset", "name", "boundary", "name*"]))
        value = draw(st.sampled_from(_PARAMETER_VALUES))
        params.append(f"{separator}{name}{draw(st.sampled_from(['=', ' =', '= ']))}{value}")
    return head + "".join(params) + draw(st.sampled_from(["", ";", "; ", " ", ";;"]))


@st.composite
def _address_values(draw: st.DrawFn) -> str:
    mailboxes = []
    for _ in range(draw(st.integers(1, 3))):
        address = draw(
            st.sampled_from(["a@b", "anna.berg@example.com", "A@B.COM", "a..b@c", "a@b.", '"q"@b'])
        )
        form = draw(st.sampled_from(_MAILBOX_FORMS))
        mailboxes.append(form.format(address))
    separator = draw(st.sampled_from([",", ", ", " ,", ",,"]))
    return separator.join(mailboxes) + draw(st.sampled_from(["", ",", " "]))


def _registry_text(name: str, value: str) -> str:
    return str(policy.default.header_factory(name, re.sub(r"\r|\n", "", value)))


def _registry_addresses(name: str, value: str) -> list[tuple[str, str]] | str:
    try:
        header = policy.default.header_factory(name, value)
        return [(a.display_name or "", a.addr_spec or "") for a in header.addresses]
    except Exception as exc:  # what the registry does with it, compared as text
        return repr(exc)


def _as_stdlib_reads_it(msg: EmailMessage) -> tuple[object, ...]:
    return (
        msg._headers,
        msg._payload,
        msg.get_unixfrom(),
        [type(defect) for defect in msg.defects],
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MIME_FIELDS), st.one_of(_mime_values(), _joined(_MIME_PIECES, 12)))
def test_mime_fields_read_as_the_header_registry_reads_them(name: str, value: str) -> None:
    fast = mime_field_text(name, value)
    assert fast is None or fast == _registry_text(name, value)


def test_common_mime_fields_take_the_fast_path() -> None:
    assert mime_field_text("Content-Type", 'text/plain;\r\n charset=utf-8; format="flowed"') == (
        'text/plain; charset="utf-8"; format="flowed"'
    )
    assert mime_field_text("Content-Transfer-Encoding", "base64") == "base64"
    assert mime_field_text("Content-Type", "text/plain; name*=utf-8''%C3%A4.txt") is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ADDRESS_FIELDS), st.one_of(_address_values(), _joined(_ADDRESS_PIECES, 10)))
def test_address_fields_read_as_the_header_registry_reads_them(name: str, value: str) -> None:
    fast = simple_addresses(name, value)
    assert fast is None or fast == _registry_addresses(name, value)


def test_common_address_fields_take_the_fast_path() -> None:
    assert simple_addresses("To", 'Anna  Berg <anna@example.com>, "Berg, Bo" <bo@x.org>') == [
        ("Anna Berg", "anna@example.com"),
        ("Berg, Bo", "bo@x.org"),
    ]
    assert simple_addresses("To", "=?utf-8?q?Anna?= <anna@example.com>") is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_joined(_FIELD_PIECES, 16))
def test_header_blocks_read_as_the_stdlib_reads_them(block: str) -> None:
    data = block.encode("latin-1", errors="replace")
    assert _as_stdlib_reads_it(parse_header_block(data)) == _as_stdlib_reads_it(
        STDLIB.parsebytes(data)
    )


def _corpus_header_blocks() -> list[bytes]:
    """Each corpus message's header block as it came, and those of its parts rewritten."""
    blocks = []
    for path in all_messages():
        raw = path.read_bytes()
        head, separator, _body = split_head(raw)
        blocks.append(head + separator)
        for part in email.message_from_bytes(raw, policy=policy.default).walk():
            fields = [f"{name}: {value}\r\n" for name, value in part._headers]
            blocks.append("".join(fields).encode(errors="surrogateescape") + b"\r\n")
    return blocks


def test_corpus_header_blocks_read_as_the_stdlib_reads_them() -> None:
    blocks = _corpus_header_blocks()
    if not blocks:
        pytest.skip("e-mail corpus not found")
    for data in blocks:
        ours, theirs = parse_header_block(data), STDLIB.parsebytes(data)
        assert isinstance(ours, ParsedPart)
        assert _as_stdlib_reads_it(ours) == _as_stdlib_reads_it(theirs)
        for read in (
            EmailMessage.get_content_type,
            EmailMessage.get_content_charset,
            EmailMessage.get_content_disposition,
            EmailMessage.get_filename,
            EmailMessage.get_boundary,
            EmailMessage.get_params,
        ):
            assert read(ours) == read(theirs), (read, data[:200])
        for name, value in theirs.raw_items():
            if name.lower() in {"content-type", "content-disposition", "content-transfer-encoding"}:
                fast = mime_field_text(name, value)
                assert fast is None or fast == _registry_text(name, value)
            elif name.lower() in {"from", "to", "cc", "reply-to"}:
                unfolded = re.sub(r"\r?\n(?=[ \t])", "", value)
                fast = simple_addresses(name, unfolded)
                assert fast is None or fast == _registry_addresses(name, unfolded)
