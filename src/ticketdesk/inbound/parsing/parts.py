"""Walking a MIME tree into body texts, HTML parts, attachments and delivery reports."""

from __future__ import annotations

import binascii
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from html import escape

from .charset import decode_bytes
from .headers import decode_words, fix_surrogates, raw_header
from .html import html_to_text

_UU_CTE = {"x-uuencode", "uuencode", "uue", "x-uue"}
_UU_BLOCK = re.compile(
    r"^begin [0-7]{3,4} (?P<name>[^\r\n]+)\r?\n(?P<body>.*?)^end[ \t]*\r?$\n?",
    re.MULTILINE | re.DOTALL,
)
_TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
_SERIALIZE = policy.default.clone(refold_source="none", max_line_length=0)
MAX_DEPTH = 30


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    content_id: str = ""
    is_inline: bool = False

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class WalkResult:
    """Bodies in document order, rendered both as plain text and as HTML."""

    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    has_plain: bool = False
    has_html: bool = False
    attachments: list[ParsedAttachment] = field(default_factory=list)
    reports: list[Message] = field(default_factory=list)

    def add_plain(self, text: str) -> None:
        self.texts.append(text)
        self.htmls.append("<div>" + escape(text.strip("\n")).replace("\n", "<br>") + "</div>")
        self.has_plain = True

    def add_html(self, html: str) -> None:
        self.texts.append(html_to_text(html))
        self.htmls.append(html)
        self.has_html = True


def walk(part: Message, out: WalkResult, depth: int = 0) -> None:
    """Collect the bodies and attachments below `part` into `out`."""
    ctype = _content_type(part)
    if ctype == "message/delivery-status":
        _delivery_status(part, out)
    elif ctype in {"message/rfc822", "message/global"} and depth > 0:
        out.attachments.append(_attached_message(part))
    elif part.is_multipart() and depth < MAX_DEPTH:
        children = [c for c in part.get_payload() if isinstance(c, Message)]
        if ctype == "multipart/alternative":
            _alternative(children, out, depth)
        else:
            for child in children:
                walk(child, out, depth + 1)
    else:
        _leaf(part, ctype, out)


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # malformed Content-Type reads as plain text
        return "text/plain"


def _alternative(children: list[Message], out: WalkResult, depth: int) -> None:
    # The plain version comes from the first alternative that has one, the HTML from the
    # richest (last) that has it; attachments of every branch (cid images) are kept.
    results = []
    for child in children:
        sub = WalkResult()
        walk(child, sub, depth + 1)
        results.append(sub)
    plain = next((r for r in results if r.has_plain), None)
    rich = next((r for r in reversed(results) if r.has_html), None)
    if plain is None:
        plain = next((r for r in reversed(results) if r.texts), None)
    out.texts.extend(plain.texts if plain else [])
    out.htmls.extend(rich.htmls if rich else plain.htmls if plain else [])
    out.has_plain = out.has_plain or plain is not None
    out.has_html = out.has_html or rich is not None
    for sub in results:
        out.attachments.extend(sub.attachments)
        out.reports.extend(sub.reports)


def _payload_bytes(part: Message) -> bytes:
    cte = (raw_header(part, "content-transfer-encoding") or "").strip().lower()
    try:
        raw = part.get_payload(decode=True)
    except Exception:  # undecodable transfer encoding: keep the source
        raw = None
    if raw is None:
        payload = part.get_payload()
        if isinstance(payload, list):
            return b"".join(
                p.as_bytes(policy=_SERIALIZE) for p in payload if isinstance(p, Message)
            )
        raw = str(payload or "").encode("utf-8", errors="surrogateescape")
    if cte in _UU_CTE and not re.search(rb"^begin [0-7]{3,4} ", raw, re.MULTILINE):
        return _decode_uu_lines(raw.decode("latin-1").splitlines())
    if cte not in {"base64", "binary"}:
        # Line-based transfer encodings carry the CRLF of the wire; stored text uses LF.
        raw = raw.replace(b"\r\n", b"\n")
    return raw


def _decode_uu_lines(lines: list[str]) -> bytes:
    data = bytearray()
    for line in lines:
        if not line.strip() or line.strip() == "`":
            continue
        try:
            data += binascii.a2b_uu(line)
        except binascii.Error:
            length = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
            try:
                data += binascii.a2b_uu(line[:length])
            except binascii.Error:
                continue
    return bytes(data)


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # malformed parameters: fall back to the raw header
        name = ""
    if not name:
        match = re.search(r'name="?([^";]+)"?', raw_header(part, "content-type") or "")
        name = match.group(1) if match else ""
    name = decode_words(fix_surrogates(str(name)))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable()).strip()


def _leaf(part: Message, ctype: str, out: WalkResult) -> None:
    filename = _filename(part)
    disposition = (part.get_content_disposition() or "").lower()
    data = _payload_bytes(part)
    if ctype in {"text/plain", "text/html"} and disposition != "attachment" and not filename:
        text = decode_bytes(data, part.get_content_charset())
        if ctype == "text/html":
            out.add_html(text)
        else:
            out.add_plain(_extract_uuencoded(text, out))
        return
    is_tnef = ctype in _TNEF_TYPES or filename.lower() == "winmail.dat"
    if is_tnef and _tnef(data, out):
        return
    content_id = (raw_header(part, "content-id") or "").strip().strip("<>")
    out.attachments.append(
        ParsedAttachment(
            filename=filename or _invent_name(ctype),
            content_type=ctype,
            content=data,
            content_id=content_id[:255],
            is_inline=disposition == "inline" or (bool(content_id) and disposition != "attachment"),
        )
    )


def _invent_name(ctype: str) -> str:
    extension = mimetypes.guess_extension(ctype, strict=False) or ".bin"
    return f"attachment{extension}"


def _extract_uuencoded(text: str, out: WalkResult) -> str:
    if "begin " not in text:
        return text

    def _collect(match: re.Match[str]) -> str:
        name = match["name"].strip()
        out.attachments.append(
            ParsedAttachment(
                filename=name,
                content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                content=_decode_uu_lines(match["body"].splitlines()),
            )
        )
        return ""

    return _UU_BLOCK.sub(_collect, text)


def _attached_message(part: Message) -> ParsedAttachment:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if isinstance(inner, Message):
        try:
            data = inner.as_bytes(policy=_SERIALIZE)
        except Exception:  # re-serialising a broken message
            data = str(inner).encode("utf-8", errors="replace")
        subject = decode_words(raw_header(inner, "subject") or "").strip()
    else:
        data = _payload_bytes(part)
        subject = ""
    name = _filename(part) or (f"{_safe_name(subject)}.eml" if subject else "message.eml")
    return ParsedAttachment(filename=name, content_type="message/rfc822", content=data)


def _safe_name(value: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", value)[:150]


def _delivery_status(part: Message, out: WalkResult) -> None:
    payload = part.get_payload()
    blocks = [b for b in payload if isinstance(b, Message)] if isinstance(payload, list) else []
    if blocks:
        data = b"\n".join(b.as_bytes(policy=_SERIALIZE) for b in blocks)
    else:
        data = _payload_bytes(part)
        blocks = _split_status_blocks(data)
    out.reports.extend(blocks)
    out.attachments.append(
        ParsedAttachment(
            filename=_filename(part) or "delivery-status.txt",
            content_type="message/delivery-status",
            content=data,
        )
    )


def _split_status_blocks(data: bytes) -> list[Message]:
    from email.parser import HeaderParser

    text = data.decode("utf-8", errors="replace")
    return [HeaderParser().parsestr(chunk) for chunk in re.split(r"\r?\n\s*\r?\n", text) if chunk]


def _tnef(data: bytes, out: WalkResult) -> bool:
    try:
        from tnefparse import TNEF

        tnef = TNEF(data, do_checksum=False)
    except Exception:  # not TNEF after all: keep winmail.dat as a file
        return False
    for attachment in tnef.attachments:
        try:
            name = attachment.long_filename() or attachment.name or "attachment.bin"
        except Exception:
            name = "attachment.bin"
        name = name.rstrip("\x00") if isinstance(name, str) else str(name)
        out.attachments.append(
            ParsedAttachment(
                filename=name,
                content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                content=bytes(attachment.data or b""),
            )
        )
    html = tnef.htmlbody
    body = tnef.body
    if body:
        out.add_plain(body if isinstance(body, str) else decode_bytes(body))
    elif html:
        out.add_html(html if isinstance(html, str) else decode_bytes(html))
    return True
