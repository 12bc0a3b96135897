"""Walking a MIME tree into body texts, HTML parts, attachments and delivery reports."""

from __future__ import annotations

import binascii
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from html import escape, unescape

from .charset import decode_bytes
from .fields import parse_header_block
from .headers import decode_words, fix_surrogates, raw_header
from .html import html_to_text
from .mime import DELIVERY_STATUS, MAX_DEPTH, NestingLimitDefect, raw_payload, split_head
from .reports import READABLE_REPORTS, partial_summary, report_text
from .tnef import read_tnef

_UU_CTE = {"x-uuencode", "uuencode", "uue", "x-uue"}
_UU_BLOCK = re.compile(
    r"^begin [0-7]{3,4} (?P<name>[^\r\n]+)\r?\n(?P<body>.*?)^end[ \t]*\r?$\n?",
    re.MULTILINE | re.DOTALL,
)
_TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
_SERIALIZE = policy.default.clone(refold_source="none", max_line_length=0)
_ENCLOSED = {"message/rfc822", "message/global", "message/news"}


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


# Rendering HTML for the ticket view (sanitizing, HTML to text) takes about 2 µs a
# character; past this many characters of body per message the text is shown, and
# an HTML body too large to render is read with a quick tag strip and kept as a file.
HTML_RENDER_MAX = 256 * 1024
# The text read from such a body stops here (as much as a ticket text holds); the
# whole body is in the message.html file.
STRIPPED_HTML_MAX = 4 * 1024 * 1024


@dataclass
class _HtmlBudget:
    used: int = 0
    exceeded: bool = False

    def take(self, size: int) -> bool:
        if self.exceeded or self.used + size > HTML_RENDER_MAX:
            self.exceeded = True
            return False
        self.used += size
        return True


@dataclass
class WalkResult:
    """Bodies in document order, rendered both as plain text and as HTML."""

    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    has_plain: bool = False
    has_html: bool = False
    attachments: list[ParsedAttachment] = field(default_factory=list)
    reports: list[Message] = field(default_factory=list)
    budget: _HtmlBudget = field(default_factory=_HtmlBudget)

    @property
    def html_too_large(self) -> bool:
        return self.budget.exceeded

    def branch(self) -> WalkResult:
        """A result for one alternative, sharing this one's rendering budget."""
        return WalkResult(budget=self.budget)

    def add_plain(self, text: str) -> None:
        self.texts.append(text)
        self.has_plain = True
        if self.budget.take(len(text)):
            self.htmls.append("<div>" + escape(text.strip("\n")).replace("\n", "<br>") + "</div>")

    def add_html(self, html: str) -> None:
        if not self.budget.take(len(html)):
            self.texts.append(strip_tags(html[:STRIPPED_HTML_MAX]))
            self.attachments.append(
                ParsedAttachment("message.html", "text/html", html.encode("utf-8", "replace"))
            )
            return
        self.texts.append(html_to_text(html))
        self.htmls.append(html)
        self.has_html = True


_INVISIBLE = re.compile(r"<(script|style|head|title)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_LINE_BREAK = re.compile(r"<(?:br|/p|/div|/tr|/li|/h[1-6]|/blockquote)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def strip_tags(html: str) -> str:
    """Text of an HTML body in linear time, for bodies too large for html_to_text."""
    text = _TAG.sub("", _LINE_BREAK.sub("\n", _INVISIBLE.sub("", html)))
    return "\n".join(line.strip() for line in unescape(text).splitlines())


def walk(part: Message, out: WalkResult, depth: int = 0) -> None:
    """Collect the bodies and attachments below `part` into `out`."""
    ctype = _content_type(part)
    if ctype == DELIVERY_STATUS:
        _delivery_status(part, out)
    elif ctype in _ENCLOSED and depth > 0:
        out.attachments.append(_attached_message(part))
    elif ctype in READABLE_REPORTS:
        _readable_report(part, ctype, out)
    elif ctype == "message/partial":
        _partial(part, out)
    elif part.is_multipart() and depth < MAX_DEPTH:
        children = [c for c in part.get_payload() if isinstance(c, Message)]
        if ctype == "multipart/alternative":
            _alternative(children, out, depth)
        else:
            for child in children:
                walk(child, out, depth + 1)
    elif any(isinstance(defect, NestingLimitDefect) for defect in part.defects):
        # Left unsplit on purpose; the parser attaches the whole message instead.
        return
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
        sub = out.branch()
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
    """The decoded body, exactly as the stdlib decodes it; uuencode without begin/end too."""
    payload = raw_payload(part)
    if isinstance(payload, list):
        return b"".join(p.as_bytes(policy=_SERIALIZE) for p in payload if isinstance(p, Message))
    source = str(payload or "").encode("ascii", errors="surrogateescape")
    try:
        data = part.get_payload(decode=True)
    except Exception:  # undecodable transfer encoding: keep the source
        data = None
    if data is None:
        return source
    cte = (raw_header(part, "content-transfer-encoding") or "").strip().lower()
    if cte in _UU_CTE and data == source:
        # The stdlib decodes x-uuencode itself and hands back the source only when
        # there is no begin line or a line is missing; decode those here, once.
        return _decode_uu_lines(source)
    return data


def _decode_uu_lines(source: bytes) -> bytes:
    data = bytearray()
    for line in source.splitlines():
        stripped = line.strip()
        if not stripped or stripped in {b"`", b"end"} or stripped.startswith(b"begin "):
            continue
        try:
            data += binascii.a2b_uu(stripped)
        except (binascii.Error, ValueError):
            length = (((stripped[0] - 32) & 63) * 4 + 5) // 3
            try:
                data += binascii.a2b_uu(stripped[:length])
            except (binascii.Error, ValueError):
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
    if ctype.startswith("multipart/"):
        # No usable boundary: the body is all there is, so it is shown as text.
        out.add_plain(_extract_uuencoded(decode_bytes(data, part.get_content_charset()), out))
        return
    if ctype in {"text/plain", "text/html"} and disposition != "attachment":
        text = decode_bytes(data, part.get_content_charset())
        if ctype == "text/html":
            out.add_html(text)
        else:
            out.add_plain(_extract_uuencoded(text, out))
        if not filename:
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
                content=_decode_uu_lines(match["body"].encode("latin-1", errors="replace")),
            )
        )
        return ""

    stripped, count = _UU_BLOCK.subn(_collect, text)
    # The block leaves its blank lines behind; one blank line stays between paragraphs.
    return re.sub(r"(?:\r?\n){3,}", "\n\n", stripped) if count else text


def _attached_message(part: Message) -> ParsedAttachment:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if isinstance(inner, Message):
        try:
            data = inner.as_bytes(policy=_SERIALIZE)
        except Exception:  # re-serialising a broken message
            data = str(inner).encode("utf-8", errors="replace")
    else:
        data = _payload_bytes(part)
        inner = _headers_of(data)
    subject = decode_words(raw_header(inner, "subject") or "").strip() if inner else ""
    name = _filename(part) or (f"{_safe_name(subject)}.eml" if subject else "message.eml")
    return ParsedAttachment(filename=name, content_type=_content_type(part), content=data)


def _headers_of(data: bytes) -> Message | None:
    head, separator, _body = split_head(data[:262144])
    try:
        return parse_header_block(head + separator)
    except Exception:  # the file is kept; only its name falls back
        return None


def _readable_report(part: Message, ctype: str, out: WalkResult) -> None:
    data = _payload_bytes(part)
    out.add_plain(report_text(data))
    out.attachments.append(
        ParsedAttachment(
            filename=_filename(part) or READABLE_REPORTS[ctype],
            content_type=ctype,
            content=data,
        )
    )


def _partial(part: Message, out: WalkResult) -> None:
    summary, name = partial_summary(part)
    out.add_plain(summary)
    out.attachments.append(
        ParsedAttachment(
            filename=_filename(part) or name,
            content_type="message/partial",
            content=_payload_bytes(part),
        )
    )


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
    """True when the TNEF blob gave something; otherwise winmail.dat is kept as it came."""
    content = read_tnef(data)
    if content is None or content.is_empty:
        return False
    for name, content_type, file_data in content.files:
        out.attachments.append(
            ParsedAttachment(filename=name, content_type=content_type, content=file_data)
        )
    if content.text.strip():
        out.add_plain(content.text)
    elif content.html.strip():
        out.add_html(content.html)
    return True
