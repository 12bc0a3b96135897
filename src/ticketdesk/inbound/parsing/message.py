"""parse_message: raw RFC 5322 bytes to a ParsedMessage, with no database and no exceptions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage, Message

from .headers import (
    decode_subject,
    parse_addresses,
    parse_date,
    parse_id_list,
    parse_message_id,
    parse_sender,
    raw_header,
)
from .html import sanitize_html
from .loops import (
    failed_recipients,
    is_auto_reply,
    is_bounce,
    list_addresses,
    wants_no_auto_reply,
)
from .mime import parse_tree
from .parts import ParsedAttachment, WalkResult, walk
from .quotes import split_reply

_HEADER_LINE = re.compile(rb"^(?:From |[!-9;-~]+:)")


# The walk stopped early; the whole message is attached as it came so nothing is lost.
TOO_COMPLEX = "MIME structure too deep or too large: kept whole as message.eml"


class ParseError(Exception):
    """The bytes are not an e-mail message at all (kept raw, shown for review)."""


@dataclass
class ParsedMessage:
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    from_address: str = ""
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    reply_to: list[str] = field(default_factory=list)
    subject: str = ""
    date: datetime | None = None
    text: str = ""
    html: str = ""
    new_text: str = ""
    quoted_text: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    is_auto_reply: bool = False
    is_bounce: bool = False
    bounced_recipients: list[str] = field(default_factory=list)
    # List, bulk, no-reply and null-sender mail: a ticket, but no automatic answer.
    no_auto_reply: bool = False
    list_addresses: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this one answers, nearest first (In-Reply-To, then References backwards)."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids.extend(ref for ref in reversed(self.references) if ref not in ids)
        return ids


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse `raw`; raises ParseError only when there is no message in it at all."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise ParseError("input is not bytes")
    original = bytes(raw)
    raw = _end_header_block(_skip_leading_garbage(original))
    if not raw.strip():
        raise ParseError("empty message")
    try:
        msg, exhausted = parse_tree(raw)
    except Exception as exc:  # the stdlib header parser failing is "unparseable"
        raise ParseError(f"MIME structure cannot be read: {exc}") from exc
    if not msg.keys():
        raise ParseError("no header fields found")
    return _without_controls(_build(msg, original, exhausted=exhausted))


def _skip_leading_garbage(raw: bytes) -> bytes:
    # Some gateways put a line of text ("---- Original email message ----") above the
    # header; drop leading lines until one looks like a header field.
    start = 0
    for _ in range(5):
        end = raw.find(b"\n", start)
        line = raw[start : end if end != -1 else len(raw)]
        if _HEADER_LINE.match(line) or end == -1:
            return raw[start:] if start else raw
        start = end + 1
    return raw


_HEADER_END = re.compile(rb"\r?\n\r?\n")
_FIELD_OR_FOLD = re.compile(rb"^(?:[ \t]|From |[!-9;-~]+:|\r?$)")
_FIELD_NAME = re.compile(rb"^([!-9;-~]+):")
# Names that show a header block goes on after a stray line; a body line such as
# "Note: call me" does not.
_KNOWN_FIELDS = re.compile(
    rb"(?i)^(?:received|return-path|from|to|cc|bcc|subject|date|message-id|reply-to|sender|"
    rb"in-reply-to|references|mime-version|delivered-to|importance|priority|organization|"
    rb"user-agent|thread-\w+|dkim-signature|authentication-results|(?:x|content|list|arc|"
    rb"resent)-[!-9;-~]+)$"
)


def _end_header_block(raw: bytes) -> bytes:
    """End the header at the first line that is neither a field nor a continuation.

    The rest is the body (a mailer that forgot the blank line); only when known
    header fields follow the stray line is it a field broken over lines by a
    gateway (unfolded Received: clauses) and turned into a continuation line.
    """
    match = _HEADER_END.search(raw)
    end = match.start() if match else len(raw)
    lines = raw[:end].split(b"\n")
    stray = next((i for i, line in enumerate(lines) if i and not _FIELD_OR_FOLD.match(line)), None)
    if stray is None:
        return raw
    later_fields = (_FIELD_NAME.match(line) for line in lines[stray + 1 :])
    if any(found and _KNOWN_FIELDS.match(found.group(1)) for found in later_fields):
        fixed = [line if _FIELD_OR_FOLD.match(line) else b" " + line for line in lines[1:]]
        return b"\n".join([lines[0], *fixed]) + raw[end:]
    eol = b"\r\n" if lines[stray - 1].endswith(b"\r") else b"\n"
    head = b"\n".join(lines[:stray])
    return head + b"\n" + eol + raw[len(head) + 1 :]


def _body_hint(msg: Message) -> str | None:
    """A charset declared somewhere in the message, used to read raw 8-bit header bytes."""
    for part in msg.walk():
        charset = part.get_content_charset()
        if charset and charset.lower() not in {"us-ascii", "utf-8"}:
            return "cp932" if charset.lower().startswith("iso-2022-jp") else charset
    return None


def _build(msg: EmailMessage, original: bytes, *, exhausted: bool) -> ParsedMessage:
    hint = _body_hint(msg)
    parsed = ParsedMessage()
    parsed.message_id = parse_message_id(raw_header(msg, "message-id"))
    parsed.in_reply_to = next(iter(parse_id_list(raw_header(msg, "in-reply-to"))), "")
    parsed.references = parse_id_list(raw_header(msg, "references"))
    parsed.from_address, parsed.from_name = _swap(parse_sender(msg, hint))
    parsed.to = _recipients(msg, "to", hint)
    parsed.cc = _recipients(msg, "cc", hint)
    parsed.reply_to = _recipients(msg, "reply-to", hint)
    parsed.subject = decode_subject(msg, hint)
    parsed.date = parse_date(raw_header(msg, "date"))
    parsed.defects = [type(d).__name__ for d in msg.defects][:20]

    result = WalkResult()
    try:
        walk(msg, result)
    except Exception as exc:  # the headers and the raw message must survive any MIME oddity
        parsed.defects.append(f"MIME walk gave up: {type(exc).__name__}")
        result, exhausted = WalkResult(), True
    if exhausted:
        parsed.defects.append(TOO_COMPLEX)
        result.attachments.append(
            ParsedAttachment(
                filename="message.eml", content_type="message/rfc822", content=original
            )
        )
    parsed.attachments = result.attachments
    text = "\n\n".join(t.strip("\r\n") for t in result.texts if t.strip())
    rendered = result.has_html and not result.html_too_large
    parsed.html = sanitize_html("\n".join(result.htmls)) if rendered else ""
    parsed.text = _normalize_newlines(text).strip("\n") if text.strip() else ""
    parsed.new_text, parsed.quoted_text = split_reply(parsed.text)

    parsed.is_bounce = is_bounce(msg, parsed.from_address, parsed.subject)
    parsed.is_auto_reply = parsed.is_bounce or is_auto_reply(msg, parsed.subject, lists=False)
    parsed.no_auto_reply = parsed.is_auto_reply or wants_no_auto_reply(msg, parsed.from_address)
    parsed.list_addresses = list_addresses(msg)
    if parsed.is_bounce:
        parsed.bounced_recipients = failed_recipients(msg, result.reports, parsed.text)
    return parsed


def _recipients(msg: Message, name: str, hint: str | None) -> list[str]:
    """Addresses of a recipient field; entries that are no address at all are left out."""
    return [addr for _name, addr in parse_addresses(msg, name, hint) if "@" in addr]


def _swap(pair: tuple[str, str]) -> tuple[str, str]:
    name, addr = pair
    return addr, name


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# PostgreSQL refuses NUL in text, and no C0 control means anything to a reader; text
# keeps tab and line breaks, one-line fields (subject, names, addresses) keep tab only.
_CONTROLS_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROLS_IN_LINE = re.compile("[\x00-\x08\x0a-\x1f]")
_MULTILINE_FIELDS = {"text", "html", "new_text", "quoted_text"}


def without_controls(value: str, *, multiline: bool = False) -> str:
    """`value` without the C0 control characters a database or a page cannot take."""
    return (_CONTROLS_IN_TEXT if multiline else _CONTROLS_IN_LINE).sub("", value)


def _without_controls(parsed: ParsedMessage) -> ParsedMessage:
    for name, value in vars(parsed).items():
        if isinstance(value, str):
            setattr(parsed, name, without_controls(value, multiline=name in _MULTILINE_FIELDS))
        elif isinstance(value, list) and value and isinstance(value[0], str):
            setattr(parsed, name, [without_controls(item) for item in value])
    for item in parsed.attachments:
        item.filename = without_controls(item.filename)
        item.content_type = without_controls(item.content_type)
        item.content_id = without_controls(item.content_id)
    return parsed
