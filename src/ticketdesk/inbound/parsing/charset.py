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
# ...and when not as UTF-8, then in the 8-bit code page of the same language.
_EIGHT_BIT_SIBLING = {"iso2022_jp": "cp932", "iso2022_jp_2": "cp932", "iso2022_kr": "cp949"}


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
    """Decode `data` as well as possible: declared charset, UTF-8, detection, Latin-1.

    A declared charset is decoded with replacement characters before any guessing
    when only a few bytes do not fit it: one broken byte in a UTF-8 body must not
    turn the whole text into a detector's guess.
    """
    if not data:
        return ""
    codec = normalize_charset(charset)
    if codec in _SEVEN_BIT and any(b > 0x7F for b in data):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            codec = _EIGHT_BIT_SIBLING.get(codec)
    if codec:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if codec:
        replaced = _decode_with_replacement(data, codec)
        if replaced is not None:
            return replaced
    guessed = _detect(data)
    if guessed is not None:
        return guessed
    # A label that most 8-bit bytes contradict is wrong; the Western default reads more.
    return data.decode("cp1252" if b"\x81" not in data else "latin-1", errors="replace")


def decode_utf8_first(data: bytes, hint: str | None = None) -> str:
    """Raw 8-bit header bytes: UTF-8 when they are valid UTF-8 (RFC 6532), else as the hint."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_bytes(data, hint)


def _decode_with_replacement(data: bytes, codec: str) -> str | None:
    """The text in the declared charset, unless so many bytes fail that the label is wrong."""
    try:
        text = data.decode(codec, errors="replace")
    except LookupError:
        return None
    non_ascii = sum(1 for b in data if b > 0x7F)
    failures = text.count("\ufffd") - data.count("\ufffd".encode())
    return text if failures <= max(1, non_ascii // 20) else None


# Detectors guess short texts badly (a few Latin-1 umlauts read as Chinese); below
# this many 8-bit bytes the Western default is the better bet.
_MIN_DETECT_BYTES = 24


def _detect(data: bytes) -> str | None:
    if sum(1 for b in data[:65536] if b > 0x7F) < _MIN_DETECT_BYTES:
        return None
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
