"""Reading header fields of a parsed message: words, addresses, ids and dates, never raising."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.header import decode_header
from email.message import Message
from email.policy import default
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from .charset import decode_bytes, decode_utf8_first
from .fields import raw_fields, simple_addresses

_FOLD = re.compile(r"\r?\n(?=[ \t])")
_SURROGATE = re.compile("[\udc80-\udcff]")
_MSGID = re.compile(r"<([^<>\s]+)>")
_ADDR_IN_COMMENT = re.compile(r"\(\s*([^()\s]+@[^()\s]+)\s*\)")
_NAME_ANGLE_ADDR = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<addr>[^<>]*)>\s*(?:\(.*\))?\s*$", re.S)


def fix_surrogates(value: str, hint: str | None = None) -> str:
    """Decode raw 8-bit bytes that the parser kept as surrogate escapes."""
    if not _SURROGATE.search(value):
        return value
    data = value.encode("utf-8", errors="surrogateescape")
    return decode_utf8_first(data, hint)


def raw_header(msg: Message, name: str, hint: str | None = None) -> str | None:
    """The first `name` field as written (unfolded, 8-bit bytes decoded), or None."""
    found = raw_fields(msg, name)
    if not found:
        return None
    _key, value = found[0]
    text = value if isinstance(value, str) else str(value)
    return fix_surrogates(_FOLD.sub("", text), hint).strip("\r\n")


def raw_headers(msg: Message, name: str, hint: str | None = None) -> list[str]:
    return [
        fix_surrogates(_FOLD.sub("", str(value)), hint).strip("\r\n")
        for _key, value in raw_fields(msg, name)
    ]


def decode_words(value: str, hint: str | None = None) -> str:
    """Resolve RFC 2047 encoded-words; space between adjacent words is dropped (RFC 2047 6.2)."""
    if "=?" not in value:
        return value
    try:
        chunks = decode_header(value)
    except Exception:  # malformed encoded-words: keep the text as written
        return value
    parts: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            parts.append(chunk)
        elif charset is None:
            parts.append(chunk.decode("utf-8", errors="replace"))
        else:
            parts.append(decode_bytes(chunk, charset or hint))
    return "".join(parts)


def decode_subject(msg: Message, hint: str | None = None) -> str:
    value = raw_header(msg, "subject", hint)
    if value is None:
        return ""
    value = value.lstrip(" \t") if value.lstrip(" \t").startswith("=?") else value
    decoded = decode_words(value.removeprefix(" "), hint)
    return decoded.replace("\r", "").replace("\n", "")


def parse_addresses(msg: Message, name: str, hint: str | None = None) -> list[tuple[str, str]]:
    """(display name, address) pairs of an address field; invalid entries kept as written."""
    raw = raw_header(msg, name, hint)
    if raw is None or not raw.strip():
        return []
    pairs = _structured_addresses(name, raw)
    if pairs is None or any("@" not in addr for _display, addr in pairs):
        # The strict parser gives up on odd display names ("Max | [example.com] <a@b>");
        # the lenient one often recovers them.
        lenient = [(n, a) for n, a in getaddresses([raw]) if a or n]
        if pairs is None or _valid(lenient) > _valid(pairs):
            pairs = lenient
    result: list[tuple[str, str]] = []
    in_comments = _ADDR_IN_COMMENT.findall(raw)
    for display, addr in pairs:
        if "@" not in addr and "@" in display:
            display, addr = addr, display
        if "@" not in addr and in_comments:
            display, addr = (display or addr), in_comments.pop(0)
        if addr:
            result.append((" ".join(display.split()), addr.strip()))
    return result


def _valid(pairs: list[tuple[str, str]]) -> int:
    return sum(1 for _display, addr in pairs if "@" in addr)


def _structured_addresses(name: str, raw: str) -> list[tuple[str, str]] | None:
    simple = simple_addresses(name, raw)
    if simple is not None:
        return simple
    try:
        header = default.header_factory(name, raw)
        return [(a.display_name or "", a.addr_spec or "") for a in header.addresses]
    except Exception:  # stdlib header parser bugs on hostile input
        return None


def parse_sender(msg: Message, hint: str | None = None) -> tuple[str, str]:
    """The From address and its display name; the first one when From lists several."""
    pairs = parse_addresses(msg, "from", hint)
    raw = raw_header(msg, "from", hint) or ""
    if not pairs:
        name, addr = parseaddr(decode_words(raw, hint))
        return " ".join(name.split()), addr
    display, addr = pairs[0]
    match = _NAME_ANGLE_ADDR.match(raw)
    if match and "=?" in match["name"] and "," not in raw.split("<", 1)[1]:
        # Adjacent encoded-words in different charsets join without a space (RFC 2047).
        display = decode_words(match["name"].strip().strip('"'), hint)
    if not display and "(" in raw:
        display = parseaddr(raw)[0]
    return " ".join(display.split()), addr


def parse_message_id(value: str | None) -> str:
    """A Message-ID without angle brackets; '' when absent or empty."""
    if not value:
        return ""
    match = _MSGID.search(value)
    if match:
        return match.group(1)[:998]
    token = value.strip().split()
    return token[0].strip("<>")[:998] if token else ""


def parse_id_list(value: str | None) -> list[str]:
    if not value:
        return []
    ids = _MSGID.findall(value)
    if ids:
        return [i[:998] for i in ids]
    return [t.strip("<>,")[:998] for t in value.split() if t.strip("<>,")]


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
