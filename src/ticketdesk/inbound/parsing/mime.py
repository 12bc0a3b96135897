"""Splitting raw bytes into a tree of stdlib messages, boundary by boundary, in linear time.

The stdlib's feed parser reads line by line and checks every line against the
boundaries of all enclosing parts, so a few megabytes of nested enclosures take
seconds. Here each multipart body is cut at its own boundary with one regex scan,
only header blocks are read as the stdlib reads them (fields.parse_header_block),
and enclosed messages (message/rfc822) stay opaque bytes, byte-identical, until
someone opens them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import errors
from email.message import EmailMessage, Message

from .fields import parse_header_block

MAX_DEPTH = 30
MAX_PARTS = 2000

_BLANK_LINE = re.compile(rb"\r?\n\r?\n|\r\r")
_DELIMITER_TAIL = re.compile(rb"[ \t]*(?:\r\n|\r|\n|\Z)")
_TRAILING_EOL = re.compile(r"(?:\r\n|\r|\n)\Z")
# Kept as a list of header blocks by the stdlib too (RFC 3464); every other message/*
# type is an enclosed message or a report whose fields are read from the bytes.
DELIVERY_STATUS = "message/delivery-status"


class NestingLimitDefect(errors.MessageDefect):
    """The splitter stopped here; the part's body is left as one raw string."""


class _Budget:
    def __init__(self) -> None:
        self.parts = 0
        self.exhausted = False


def parse_tree(raw: bytes) -> tuple[EmailMessage, bool]:
    """The message in `raw` with its multipart children split out, and whether the
    splitter gave up early (too deep or too many parts; the rest stays one raw part)."""
    budget = _Budget()
    return _parse_part(raw, 0, len(raw), depth=0, budget=budget), budget.exhausted


def split_head(raw: bytes) -> tuple[bytes, bytes, bytes]:
    """(header block, separator, body) of one entity; no blank line means no body."""
    head_end, body_start = _head_end(raw, 0, len(raw))
    return raw[:head_end], raw[head_end:body_start], raw[body_start:]


def _head_end(buf: bytes, start: int, end: int) -> tuple[int, int]:
    """Where the header block of buf[start:end] ends, and where its body starts."""
    if buf.startswith(b"\r\n", start):
        return start, start + 2
    if buf.startswith((b"\n", b"\r"), start):
        return start, start + 1
    match = _BLANK_LINE.search(buf, start, end)
    if match is None:
        return end, end
    return match.start(), match.end()


# Parts are read in place, by offsets into the one buffer: slicing every level's body
# would copy a deep message once per level.
def _parse_part(buf: bytes, start: int, end: int, *, depth: int, budget: _Budget) -> EmailMessage:
    _head_stop, body_start = _head_end(buf, start, end)
    msg = parse_header_block(buf[start:body_start])
    leftover = raw_payload(msg)
    if isinstance(leftover, str) and leftover:
        # A line that is no header field ends the header block; it starts the body.
        body_start -= len(leftover.encode("ascii", errors="surrogateescape"))
    budget.parts += 1
    maintype = msg.get_content_maintype()
    boundary = msg.get_boundary() if maintype == "multipart" else None
    if boundary and depth < MAX_DEPTH and budget.parts < MAX_PARTS:
        if _split_multipart(msg, buf, body_start, end, boundary, depth=depth, budget=budget):
            return msg
    elif maintype == "multipart":
        if boundary:
            budget.exhausted = True
            msg.defects.append(NestingLimitDefect())
        else:
            msg.defects.append(errors.NoBoundaryInMultipartDefect())
    msg.set_payload(buf[body_start:end].decode("ascii", errors="surrogateescape"))
    return msg


def _split_multipart(
    msg: EmailMessage,
    buf: bytes,
    start: int,
    end: int,
    boundary: str,
    *,
    depth: int,
    budget: _Budget,
) -> bool:
    """Cut buf[start:end] into `msg`'s children; False when the boundary never occurs."""
    marker = b"--" + boundary.encode("utf-8", errors="surrogateescape")
    matches = _delimiters(buf, start, end, marker)
    if not matches:
        msg.defects.append(errors.StartBoundaryNotFoundDefect())
        return False
    preamble = buf[start : matches[0].start].decode("ascii", errors="surrogateescape")
    msg.preamble = _TRAILING_EOL.sub("", preamble) or None
    children = []
    for opening, closing in zip(matches, [*matches[1:], None], strict=True):
        if opening.close:
            break
        # The line break before a delimiter belongs to the delimiter (RFC 2046 5.1.1).
        part_end = _before_eol(buf, opening.end, closing.start) if closing else end
        children.append(_parse_part(buf, opening.end, part_end, depth=depth + 1, budget=budget))
    last = matches[-1]
    if last.close:
        msg.epilogue = buf[last.end : end].decode("ascii", errors="surrogateescape") or None
    else:
        msg.defects.append(errors.CloseBoundaryNotFoundDefect())
        msg.epilogue = None
    msg.set_payload(children)
    return True


@dataclass(frozen=True)
class _Delimiter:
    start: int
    end: int
    close: bool


def _delimiters(buf: bytes, start: int, end: int, marker: bytes) -> list[_Delimiter]:
    """The delimiter lines of a multipart body up to the close delimiter (RFC 2046 5.1.1).

    bytes.find keeps this linear and fast; a regex anchored at line starts scans a
    20 MB body for seconds.
    """
    found: list[_Delimiter] = []
    position = start
    while (found_at := buf.find(marker, position, end)) != -1:
        position = found_at + len(marker)
        if found_at > start and buf[found_at - 1] not in b"\r\n":
            continue
        close = buf.startswith(b"--", position, end)
        tail = _DELIMITER_TAIL.match(buf, position + 2 if close else position, end)
        if tail is None:
            continue
        found.append(_Delimiter(found_at, tail.end(), close))
        if close:
            break
        position = tail.end()
    return found


def _before_eol(buf: bytes, start: int, end: int) -> int:
    if end - start >= 2 and buf[end - 2 : end] == b"\r\n":
        return end - 2
    if end > start and buf[end - 1] in b"\r\n":
        return end - 1
    return end


def raw_payload(msg: Message) -> str | list[Message]:
    """The payload as stored: a str keeps 8-bit bytes as surrogate escapes.

    Message.get_payload() would decode those with the declared charset, and a
    transfer-encoded body must be decoded from its bytes, not from that text.
    """
    return msg._payload
