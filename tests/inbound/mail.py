"""Building raw test messages and feeding them through the inbound pipeline."""

from __future__ import annotations

import itertools
from email import policy
from email.message import EmailMessage

from ticketdesk.inbound.models import InboundMessage, InboundSource
from ticketdesk.inbound.services import ingest_raw_message

_ids = itertools.count(1)


def compose(
    *,
    sender: str = "anna@customer.example",
    to: str = "support@example.com",
    subject: str = "Printer on floor 2 is broken",
    body: str = "The printer shows error E42 since this morning.",
    message_id: str | None = "",
    in_reply_to: str = "",
    references: str = "",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
) -> bytes:
    """An RFC 5322 message; message_id "" makes a fresh one, None leaves the header out."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = "Mon, 2 Mar 2026 10:00:00 +0100"
    if message_id is not None:
        msg["Message-ID"] = message_id or f"<test-{next(_ids)}@customer.example>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    for filename, content_type, content in attachments:
        maintype, subtype = content_type.split("/", 1)
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def deliver(raw: bytes) -> InboundMessage:
    """Store, parse and route one message as the MTA pipe would."""
    return ingest_raw_message(raw, source=InboundSource.PIPE).inbound


def mime_message(*parts: tuple[str, bytes], subject: str = "Mail from Outlook") -> bytes:
    """A multipart/mixed message from (header block, body) pairs, written by hand."""
    lines = [
        b"From: Olga Outlook <olga@customer.example>",
        b"To: support@example.com",
        b"Subject: " + subject.encode(),
        b"Message-ID: <" + f"mime-{next(_ids)}".encode() + b"@customer.example>",
        b"MIME-Version: 1.0",
        b'Content-Type: multipart/mixed; boundary="part-boundary"',
        b"",
    ]
    for headers, body in parts:
        lines += [b"--part-boundary", headers.encode(), b"", body]
    lines += [b"--part-boundary--", b""]
    return b"\r\n".join(lines)


def winmail_dat(*, rtf: bytes | None = None) -> bytes:
    """A TNEF blob (MS-OXTNEF) as Outlook sends it, with an RTF-only body or nothing at all."""
    import struct

    def attribute(attr_id: int, data: bytes) -> bytes:
        checksum = sum(data) & 0xFFFF
        return struct.pack("<BII", 1, attr_id, len(data)) + data + struct.pack("<H", checksum)

    blob = struct.pack("<IH", 0x223E9F78, 0x0001)
    blob += attribute(0x00089006, struct.pack("<I", 0x00010000))  # attTnefVersion
    blob += attribute(0x00069007, struct.pack("<II", 1252, 0))  # attOemCodepage
    if rtf is not None:
        compressed = compress_rtf(rtf)
        padded = compressed + b"\x00" * (-len(compressed) % 4)
        # attMAPIProps holding one PR_RTF_COMPRESSED (0x1009, PT_BINARY) value.
        props = struct.pack("<IHHII", 1, 0x0102, 0x1009, 1, len(compressed)) + padded
        blob += attribute(0x00069003, props)
    return blob


def compress_rtf(rtf: bytes) -> bytes:
    """MS-OXRTFCP "LZFu" stream made of literals only, which every decompressor reads."""
    import struct

    prefix_length = 207
    end = ((prefix_length + len(rtf)) % 4096) << 4
    items: list[bytes | None] = [bytes([b]) for b in rtf] + [None]
    stream = bytearray()
    for start in range(0, len(items), 8):
        group = items[start : start + 8]
        control = sum(1 << bit for bit, item in enumerate(group) if item is None)
        stream.append(control)
        for item in group:
            stream += struct.pack(">H", end) if item is None else item
    crc = 0
    for byte in stream:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0xEDB88320 if crc & 1 else 0)
    header = struct.pack("<IIII", len(stream) + 12, len(rtf), 0x75465A4C, crc)
    return header + bytes(stream)
