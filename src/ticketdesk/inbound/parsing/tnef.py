"""Outlook's winmail.dat (TNEF): its files, its body, and an RTF-only body as message.rtf."""

from __future__ import annotations

import mimetypes
import struct
from dataclasses import dataclass, field

from .charset import decode_bytes

# MS-OXRTFCP 2.1.3.1.1: the dictionary every compressed RTF stream starts from.
_RTF_PREFIX = (
    b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss "
    b"\\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier"
    b"{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"
)
_COMPRESSED = 0x75465A4C  # "LZFu"
_UNCOMPRESSED = 0x414C454D  # "MELA"


@dataclass
class TnefContent:
    files: list[tuple[str, str, bytes]] = field(default_factory=list)
    text: str = ""
    html: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.files or self.text.strip() or self.html.strip())


def read_tnef(data: bytes) -> TnefContent | None:
    """The files and body in a TNEF blob; None when it is not TNEF at all."""
    try:
        from tnefparse import TNEF

        tnef = TNEF(data, do_checksum=False)
    except Exception:  # not TNEF after all: the caller keeps winmail.dat as a file
        return None
    content = TnefContent()
    for attachment in tnef.attachments:
        try:
            name = attachment.long_filename() or attachment.name or "attachment.bin"
        except Exception:  # a broken name property: the data still counts
            name = "attachment.bin"
        name = name.rstrip("\x00") if isinstance(name, str) else str(name)
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        content.files.append((name, content_type, bytes(attachment.data or b"")))
    body, html = tnef.body, tnef.htmlbody
    if body:
        content.text = body if isinstance(body, str) else decode_bytes(body)
    elif html:
        content.html = html if isinstance(html, str) else decode_bytes(html)
    else:
        rtf = decompress_rtf(getattr(tnef, "_rtfbody", None) or b"")
        if rtf:
            content.files.append(("message.rtf", "application/rtf", rtf))
            content.text = rtf_to_text(rtf)
    return content


def decompress_rtf(data: bytes) -> bytes:
    """MS-OXRTFCP compressed RTF to RTF; b"" when the stream is not one."""
    if len(data) < 16:
        return b""
    size, raw_size, kind, _crc = struct.unpack_from("<IIII", data)
    # tnefparse strips trailing NUL bytes of binary properties; they were part of the stream.
    stream = data[16 : size + 4].ljust(max(size - 12, 0), b"\x00")
    if kind == _UNCOMPRESSED:
        return stream[:raw_size]
    if kind != _COMPRESSED:
        return b""
    window = bytearray(4096)
    window[: len(_RTF_PREFIX)] = _RTF_PREFIX
    write = len(_RTF_PREFIX)
    out = bytearray()
    position = 0
    while position < len(stream):
        control = stream[position]
        position += 1
        for bit in range(8):
            if position >= len(stream):
                break
            if not control & (1 << bit):
                byte = stream[position]
                position += 1
                out.append(byte)
                window[write] = byte
                write = (write + 1) % 4096
                continue
            if position + 1 >= len(stream):
                return bytes(out[:raw_size])
            token = (stream[position] << 8) | stream[position + 1]
            position += 2
            offset, length = token >> 4, (token & 0xF) + 2
            if offset == write:
                return bytes(out[:raw_size])
            for step in range(length):
                byte = window[(offset + step) % 4096]
                out.append(byte)
                window[write] = byte
                write = (write + 1) % 4096
    return bytes(out[:raw_size])


def rtf_to_text(rtf: bytes) -> str:
    """Plain text of an RTF document with striprtf when it is installed, else ''."""
    try:
        from striprtf.striprtf import rtf_to_text as strip
    except ImportError:  # optional: message.rtf alone still keeps the body
        return ""
    try:
        return strip(rtf.decode("cp1252", errors="replace"), errors="ignore").strip()
    except Exception:  # a document striprtf cannot read is still kept as message.rtf
        return ""
