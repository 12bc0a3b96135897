"""Turning bytes of unknown or mislabelled charset into text, never raising."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

# Labels seen in real mail that Python does not know, or knows as a narrower table
# than the one senders actually use (RFC 1557 / Microsoft code pages).
_ALIASES = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "x-unknown": "",
    "unknown-8bit": "",
    "x-user-defined": "",
    "iso-8859-8-i": "iso-8859-8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift-jis": "cp932",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "windows-874": "cp874",
    "tis-620": "cp874",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
}

# Seven-bit encodings: 8-bit bytes under one of these labels were written in another
# charset (typically raw UTF-8 under an ISO-2022-JP label), so the label is ignored.
_SEVEN_BIT = {"iso2022_jp", "iso2022_jp_2", "iso2022_kr", "utf_7"}


def normalize_charset(label: str | None) -> str | None:
    """The Python codec name for a MIME charset label, or None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    if not label:
        return None
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode `data` as well as possible: declared charset, UTF-8, detection, Latin-1."""
    if not data:
        return ""
    codec = normalize_charset(charset)
    if codec in _SEVEN_BIT and any(b > 0x7F for b in data):
        codec = None
    if codec:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guessed = _detect(data)
    if guessed is not None:
        return guessed
    if codec:
        try:
            return data.decode(codec, errors="replace")
        except LookupError:
            pass
    return data.decode("cp1252" if b"\x81" not in data else "latin-1", errors="replace")


def _detect(data: bytes) -> str | None:
    try:
        best = from_bytes(data[:65536]).best()
    except Exception:  # a detector failure only means "no guess"
        return None
    if best is None or best.encoding is None:
        return None
    try:
        return data.decode(best.encoding, errors="replace")
    except LookupError:
        return None
