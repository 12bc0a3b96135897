"""parse_message never raises but ParseError, for any bytes, and round-trips stdlib-written mail."""

from __future__ import annotations

import email
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from html import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ticketdesk.inbound.parsing import ParsedMessage, ParseError, parse_message, split_reply

from .corpus import all_messages

SEEDS = [p.read_bytes()[:20000] for p in all_messages()] or [
    b"From: a@example.com\r\nSubject: =?utf-8?b?w6Q=?=\r\n\r\nbody\r\n"
]


def _parse_or_parse_error(raw: bytes) -> None:
    try:
        parsed = parse_message(raw)
    except ParseError:
        return
    assert isinstance(parsed, ParsedMessage)
    assert isinstance(parsed.text, str)
    assert isinstance(parsed.html, str)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_never_crash_the_parser(raw: bytes) -> None:
    _parse_or_parse_error(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SEEDS),
    st.lists(st.tuples(st.integers(min_value=0), st.binary(max_size=8)), max_size=8),
    st.integers(min_value=0),
)
def test_mutated_corpus_messages_never_crash_the_parser(
    seed: bytes, edits: list[tuple[int, bytes]], cut: int
) -> None:
    raw = bytearray(seed)
    for position, chunk in edits:
        at = position % (len(raw) + 1)
        raw[at : at + len(chunk)] = chunk
    _parse_or_parse_error(bytes(raw[: cut % (len(raw) + 1) or len(raw)]))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_reply_splitting_never_crashes_or_loses_text(text: str) -> None:
    new_text, quoted = split_reply(text)
    assert sorted(f"{new_text}\n{quoted}".split()) == sorted(text.replace("\r", "\n").split())


# Round trip: messages written by the stdlib's `email` package, parsed back.

CHARSETS = {
    "utf-8": None,
    "iso-8859-1": "latin-1",
    "iso-8859-15": "iso8859_15",
    "windows-1252": "cp1252",
    "koi8-r": "koi8_r",
    "iso-8859-2": "iso8859_2",
    "shift_jis": "shift_jis",
    "iso-2022-jp": "iso2022_jp",
    "euc-kr": "euc_kr",
    "big5": "big5",
}
TRANSFER_ENCODINGS = ["8bit", "quoted-printable", "base64"]
ALPHABET = st.characters(
    categories=["L", "N", "P", "Zs"], exclude_characters="\u2028\u2029\x85"
) | st.sampled_from("äöüßéèçñøåÆŒЖжЩ日本語中文한국어 ")
TEXT = st.text(ALPHABET | st.just("\n"), min_size=1, max_size=200)
FILENAME = (
    st.text(st.characters(categories=["L", "N"]) | st.sampled_from(" ._-"), min_size=1, max_size=40)
    .map(str.strip)
    .filter(lambda name: name.strip("._-"))
)
MEDIA_TYPES = st.sampled_from(
    [
        ("application", "octet-stream"),
        ("application", "pdf"),
        ("image", "png"),
        ("text", "plain"),
        ("text", "csv"),
        ("application", "zip"),
    ]
)


def _encodable(text: str, charset: str) -> str:
    codec = CHARSETS[charset] or "utf-8"
    return text.encode(codec, errors="ignore").decode(codec) or "x"


@st.composite
def text_parts(draw: st.DrawFn) -> tuple[EmailMessage, str]:
    charset = draw(st.sampled_from(sorted(CHARSETS)))
    body = _encodable(draw(TEXT), charset)
    cte = draw(st.sampled_from(TRANSFER_ENCODINGS))
    if charset == "iso-2022-jp":
        cte = "7bit"
    part = EmailMessage(policy=policy.default)
    part.set_content(body, charset=charset, cte=cte)
    return part, body


@st.composite
def attachment_parts(draw: st.DrawFn) -> tuple[EmailMessage, tuple[str, bytes]]:
    maintype, subtype = draw(MEDIA_TYPES)
    filename = draw(FILENAME)
    content = draw(st.binary(min_size=0, max_size=600))
    part = EmailMessage(policy=policy.default)
    part.set_content(
        content,
        maintype=maintype,
        subtype=subtype,
        cte=draw(st.sampled_from(["base64", "quoted-printable"])),
        disposition=draw(st.sampled_from(["attachment", "inline"])),
        filename=filename,
    )
    return part, (filename, content)


@dataclass
class Generated:
    msg: EmailMessage
    texts: list[str]
    files: list[tuple[str, bytes]]


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> Generated:
    """A random MIME tree: text leaves, attachments, multiparts and enclosed messages."""
    kind = draw(
        st.sampled_from(["text", "file", "mixed", "alternative", "rfc822"][: 5 if depth < 3 else 2])
    )
    if kind == "text":
        part, body = draw(text_parts())
        return Generated(part, [body], [])
    if kind == "file":
        part, file = draw(attachment_parts())
        return Generated(part, [], [file])
    if kind == "rfc822":
        inner = draw(messages(depth + 1))
        part = EmailMessage(policy=policy.default)
        part.set_content(inner.msg)
        return Generated(part, [], [])
    if kind == "alternative":
        plain, body = draw(text_parts())
        html = EmailMessage(policy=policy.default)
        html.set_content(f"<p>{escape(body)}</p>", subtype="html")
        part = EmailMessage(policy=policy.default)
        part.make_alternative()
        part.attach(plain)
        part.attach(html)
        return Generated(part, [body], [])
    children = draw(st.lists(trees(depth + 1), min_size=1, max_size=4))
    part = EmailMessage(policy=policy.default)
    part.make_mixed()
    for child in children:
        part.attach(child.msg)
    return Generated(
        part,
        [text for child in children for text in child.texts],
        [file for child in children for file in child.files],
    )


@st.composite
def messages(draw: st.DrawFn, depth: int = 0) -> Generated:
    tree = draw(trees(depth))
    msg = tree.msg
    msg["From"] = draw(st.sampled_from(["Anna Berg <anna@example.com>", "Jürgen <j@example.de>"]))
    msg["To"] = "support@example.com"
    msg["Subject"] = draw(st.text(ALPHABET, max_size=120))
    msg["Message-ID"] = f"<fuzz-{draw(st.integers(0, 10**9))}@example.com>"
    return tree


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(messages(), st.sampled_from([policy.SMTP, policy.default]))
def test_stdlib_written_messages_round_trip(generated: Generated, writer: policy.Policy) -> None:
    raw = generated.msg.as_bytes(policy=writer)
    parsed = parse_message(raw)
    stdlib = email.message_from_bytes(raw, policy=policy.default)
    assert parsed.subject == str(stdlib["subject"])
    assert parsed.from_address == stdlib["from"].addresses[0].addr_spec
    ours = sorted(
        (a.filename, a.content) for a in parsed.attachments if a.content_type != "message/rfc822"
    )
    text_files = [(name, content) for name, content in generated.files]
    assert sorted(text_files) == ours
    for body in generated.texts:
        # Blank lines around a text and texts of only white space are not content.
        assert _newlines(body).strip() in parsed.text
