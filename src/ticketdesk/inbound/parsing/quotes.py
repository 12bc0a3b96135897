"""Splitting a reply into its new text and the quoted history, signatures and forwarded headers.

Rules written for the reply formats of common clients in the languages our customers
write in; measured against the Discourse email_reply_trimmer cases in the test corpus.
"""

from __future__ import annotations

import re

_QUOTE = re.compile(r"^\s*>")
_UNQUOTE = re.compile(r"^(?:\s*>)+ ?")
# U+1427 is the invisible marker some Gmail add-ons put above the signature.
_DELIMITER = re.compile(r"^[\W_\u1427]+$")
_PREFIX_QUOTE = re.compile(r"^\s*\w{1,12}>")
_SIG_DELIMITER = re.compile(r"^(?:--|-- |__+|—)\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")

_VERBS = (
    r"wrote|writes|schrieb|geschrieben|a\s+écrit|a\s+ecrit|escribió|escribio|escreveu|"
    r"geschreven|schreef|ha\s+scritto|scrisse|skrev|kirjoitti|napisał\(a\)|napisał|napisala|"
    r"napisal|napsal|написал|написала|написав|пише|写道|寫道|a\s+scris|írta"
)
_ATTRIBUTION = re.compile(
    rf"^(?:-{{2,}}\s*)?.{{0,400}}?\b(?:{_VERBS})\b.{{0,120}}?(?::|：|\s-{{2,}})\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_TAIL = re.compile(rf"\b(?:{_VERBS})\b.{{0,60}}(?::|：|\s-{{2,}})\s*$", re.IGNORECASE)
_ATTRIBUTION_START = re.compile(
    r"^(?:-{2,}\s*)?(?:on|am|le|el|em|op|il|den|dnia|w\s+dniu|at|på|в|у|在|\d+)\b",
    re.IGNORECASE,
)
_HAS_DATE_OR_ADDRESS = re.compile(r"@|\d{1,2}:\d{2}|\b(?:19|20)\d{2}\b|you wrote", re.IGNORECASE)
_GMAIL_DATE_LINE = re.compile(
    r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b.*(?:GMT[+-]\d|<[^>]*@|<\s*$)", re.IGNORECASE
)
_MARKER = re.compile(
    r"^[\s*_]*-{2,}\s*(?:original\s+message|ursprüngliche\s+nachricht|originalnachricht|"
    r"mensaje\s+original|message\s+d'origine|messaggio\s+originale|oorspronkelijk\s+bericht|"
    r"originalmeddelande|opprinnelig\s+melding|oryginalna\s+wiadomość|forwarded\s+message|"
    r"weitergeleitete\s+nachricht|message\s+transféré|mensaje\s+reenviado|исходное\s+сообщение|"
    r"пересылаемое\s+сообщение)\s*-{2,}[\s*_]*$"
    r"|^\s*(?:begin\s+forwarded\s+message|anfang\s+der\s+weitergeleiteten\s+nachricht|"
    r"début\s+du\s+message\s+réexpédié)\s*:",
    re.IGNORECASE,
)
_FROM_FIELD = re.compile(
    r"^[\s*_]*(?:from|von|de|da|från|fra|van|od|от|від|lähettäjä)[\s*_]*:", re.IGNORECASE
)
_OTHER_FIELD = re.compile(
    r"^[\s*_]*(?:sent|date|datum|gesendet|envoyé|enviado|data|inviato|skickat|sendt|verzonden|"
    r"wysłano|отправлено|to|an|à|a|para|till|til|aan|do|кому|subject|betreff|objet|asunto|"
    r"oggetto|ämne|emne|onderwerp|temat|тема|assunto|cc|reply-to|antwort\s+an|risposta)"
    r"[\s*_]*:",
    re.IGNORECASE,
)
_MOBILE_SIGNATURE = re.compile(
    r"^[\s<(\[*_]*(?:"
    r"sent\s+(?:from|via|with|by|using)\b|get\s+\[?outlook\b|envoyé\s+(?:de|depuis)\b|"
    r"enviado\s+(?:desde|do|de)\b|inviato\s+da\b|verzonden\s+(?:met|vanaf|van)\b|"
    r"verstuurd\s+(?:vanaf|met)\b|von\s+meinem\b|gesendet\s+(?:von|mit)\b|"
    r"diese\s+nachricht\s+wurde\s+von\b|sendt\s+fra\b|skickat\s+från\b|wysłane\s+z\b|"
    r"отправлено\s+с\b|надіслано\s+з\b|從我的|发自我的|\S+\s+from\s+mobile\b|from\s+my\s+\w+"
    r")",
    re.IGNORECASE,
)


# Replies and their quote markers sit at the top; looking further only costs time (a
# 20 MB text body took 20 s). Lines past this go with the last line looked at.
MAX_SCANNED_LINES = 3000


def split_reply(text: str) -> tuple[str, str]:
    """(new text, quoted text) of a plain-text reply; nothing is dropped, only sorted."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    scanned = lines[:MAX_SCANNED_LINES]
    code = _code_lines(scanned)
    keep = [True] * len(scanned)
    _fold_history(scanned, code, keep)
    if len(lines) > len(scanned):
        keep += [keep[-1]] * (len(lines) - len(scanned))
    else:
        _fold_signature(lines, code, keep)
    new = "\n".join(line for line, kept in zip(lines, keep, strict=True) if kept)
    quoted = "\n".join(line for line, kept in zip(lines, keep, strict=True) if not kept)
    return new.strip("\n").rstrip(), quoted.strip("\n").rstrip()


def _code_lines(lines: list[str]) -> set[int]:
    inside, code = False, set()
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            code.add(index)
            inside = not inside
        elif inside:
            code.add(index)
    return code


def _content(line: str) -> str:
    return _UNQUOTE.sub("", line).strip()


def _headers(lines: list[str], code: set[int]) -> list[tuple[int, int]]:
    """(first, last) line spans of attribution lines and forwarded-header blocks."""
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(lines):
        span = None if index in code else _header_at(lines, index)
        if span:
            spans.append(span)
            index = span[1] + 1
        else:
            index += 1
    return spans


def _header_at(lines: list[str], index: int) -> tuple[int, int] | None:
    line = _content(lines[index])
    if not line:
        return None
    if _MARKER.match(line) or _GMAIL_DATE_LINE.match(line):
        return index, index
    if _FROM_FIELD.match(line):
        window = [_content(x) for x in lines[index + 1 : index + 7]]
        fields = sum(1 for x in window if _OTHER_FIELD.match(x))
        if fields >= 1 and any(_OTHER_FIELD.match(x) for x in window[:3]):
            last = index + max(i + 1 for i, x in enumerate(window) if _OTHER_FIELD.match(x))
            return index, last
    return _attribution_at(lines, index)


def _attribution_at(lines: list[str], start: int) -> tuple[int, int] | None:
    first = _content(lines[start])
    starts_well = bool(_ATTRIBUTION_START.match(first))
    paragraph_start = start == 0 or not _content(lines[start - 1])
    if not (starts_well or paragraph_start):
        return None
    joined = ""
    for end in range(start, min(start + 6, len(lines))):
        part = _content(lines[end])
        if not part and not starts_well:
            return None
        joined = f"{joined} {part}".strip() if part else joined
        if len(joined) > 450:
            return None
        if not part or not (part.endswith((":", "：")) or part.endswith("--")):
            continue
        if not _ATTRIBUTION.match(joined) or not _HAS_DATE_OR_ADDRESS.search(joined):
            continue
        if not starts_well and not _ATTRIBUTION_TAIL.search(joined):
            continue
        if end > start and _nearer_start(lines, start, end):
            return None
        return start, end
    return None


def _nearer_start(lines: list[str], start: int, end: int) -> bool:
    """True when a later line of the window starts the attribution by itself."""
    for other in range(start + 1, end + 1):
        first = _content(lines[other])
        if _ATTRIBUTION_START.match(first) and _attribution_core(lines, other, end):
            return True
    return False


def _attribution_core(lines: list[str], start: int, end: int) -> bool:
    joined = " ".join(_content(x) for x in lines[start : end + 1] if _content(x))
    return bool(_ATTRIBUTION.match(joined) and _HAS_DATE_OR_ADDRESS.search(joined))


def _kind(line: str) -> str:
    if not line.strip():
        return "e"
    if _QUOTE.match(line):
        return "q"
    if _DELIMITER.match(line.strip()):
        return "d"
    return "t"


def _fold_history(lines: list[str], code: set[int], keep: list[bool]) -> None:
    for first, last in _headers(lines, code):
        if not keep[first]:
            continue
        has_text_before = any(
            keep[i] and _kind(lines[i]) == "t" and i not in code for i in range(first)
        )
        after = last + 1
        while after < len(lines) and _kind(lines[after]) == "e":
            after += 1
        quote_end = after
        while quote_end < len(lines) and _kind(lines[quote_end]) in {"q", "e"}:
            quote_end += 1
        followed_by_quote = quote_end > after
        text_after_quote = quote_end < len(lines) and _kind(lines[quote_end]) == "t"
        if has_text_before and not (followed_by_quote and text_after_quote):
            for i in range(first, len(lines)):
                keep[i] = False
            return
        for i in range(first, last + 1):
            keep[i] = False
        if not has_text_before and followed_by_quote:
            for i in range(after, quote_end):
                keep[i] = False


def _fold_signature(lines: list[str], code: set[int], keep: list[bool]) -> None:
    kept = [i for i, k in enumerate(keep) if k]
    texts = [i for i in kept if _kind(lines[i]) == "t" and i not in code]
    if not texts:
        return
    first_text = texts[0]
    for index in kept:
        if index <= first_text or index in code or not _SIG_DELIMITER.match(lines[index]):
            continue
        tail = [i for i in kept if i > index and lines[i].strip()]
        if len(tail) <= 12 and not any(_kind(lines[i]) == "q" for i in tail):
            for i in kept:
                if i >= index:
                    keep[i] = False
            break
    for index in reversed([i for i, k in enumerate(keep) if k]):
        line = lines[index]
        if index in code or index <= first_text:
            break
        removable = _kind(line) in {"e", "d", "q"} or bool(_PREFIX_QUOTE.match(line))
        if removable or (_MOBILE_SIGNATURE.match(line) and len(line) < 120):
            keep[index] = False
            continue
        break
