"""HTML of incoming mail: sanitizing for display (nh3) and reducing to plain text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ticketdesk.core.html import safe_url, sanitize_html

__all__ = ["html_to_text", "safe_url", "sanitize_html"]

_BLOCK = {
    "p",
    "div",
    "br",
    "tr",
    "li",
    "ul",
    "ol",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "dl",
    "dt",
    "dd",
    "address",
    "center",
    "form",
    "fieldset",
    "title",
}
_BLANKS = re.compile(r"[ \t\r\n\f]+")
_SKIP = {"script", "style", "head", "template", "noscript", "xml", "o:p"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
            return
        if tag == "pre":
            self._pre += 1
        if tag == "br":
            self.parts.append("\n")
        elif tag in {"p", "div", "table", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3"}:
            self.parts.append("\n\n" if tag in {"p", "h1", "h2", "h3"} else "\n")
        elif tag in _BLOCK:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        elif tag in {"td", "th"}:
            self.parts.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f"[{alt}]")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            return
        self.handle_starttag(tag, attrs)
        if tag == "pre":
            self._pre -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in {"p", "h1", "h2", "h3"}:
            self.parts.append("\n\n")
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._pre:
            self.parts.append(data)
        else:
            self.parts.append(_BLANKS.sub(" ", data))


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML body: blocks become lines, markup goes."""
    if not html:
        return ""
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:  # HTMLParser on hostile input: fall back to stripping tags
        return re.sub(r"<[^>]*>", " ", html).strip()
    text = "".join(extractor.parts).replace("\xa0", " ")
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
