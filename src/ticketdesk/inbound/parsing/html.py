"""HTML of incoming mail: sanitizing for display (nh3) and reducing to plain text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

__all__ = ["html_to_text", "safe_url", "sanitize_html"]

# Mail HTML is shown to agents while they are signed in, so nothing in it may make their
# browser load anything: a remote image reports that the mail was opened, a same-origin one
# ("/tickets/?view=closed") is a request with the agent's cookies. Images survive only as
# cid: (an attachment of the same mail, pointed at our copy on display) or inline data:.
_IMAGE_SCHEMES = ("cid:",)
_DATA_IMAGE = re.compile(r"data:image/(?:png|gif|jpeg|jpg|webp|bmp)[;,]")
# Links are only followed on a click, and then leave the helpdesk; relative ones (which
# would point into it) go.
_LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:")
# What a browser's URL parser ignores (WHATWG URL: leading and trailing C0 controls and
# spaces are trimmed, tabs and newlines anywhere removed, "\\" read as "/" in http(s)
# URLs), so the check sees the URL the browser would request.
_TRIMMED = "".join(chr(c) for c in range(0x21))
_REMOVED = str.maketrans({"\t": None, "\n": None, "\r": None, "\\": "/"})
_EXTRA_ATTRIBUTES = {"img": {"src", "alt", "width", "height", "title"}, "*": {"title"}}
# nh3 checks schemes before our filter sees the value; the filter is the real rule.
_NH3_SCHEMES = {"http", "https", "mailto", "tel", "cid", "data"}
_URL_ATTRIBUTES = {"href", "src", "cite"}


def safe_url(tag: str, attribute: str, value: str) -> str | None:
    """The normalized URL if mail HTML may keep it in `tag`'s `attribute`, else None."""
    url = value.strip(_TRIMMED).translate(_REMOVED)
    scheme, colon, rest = url.partition(":")
    url = scheme.lower() + colon + rest
    if tag == "img" and attribute == "src":
        allowed = url.startswith(_IMAGE_SCHEMES) or _DATA_IMAGE.match(url.lower())
    else:
        allowed = tag == "a" and attribute == "href" and url.startswith(_LINK_SCHEMES)
    return url if allowed else None


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute in _URL_ATTRIBUTES:
        return safe_url(tag, attribute, value)
    return value


def sanitize_html(html: str) -> str:
    """Mail HTML safe to show: nh3's allow-list, and URLs that load or point at nothing of ours.

    Images keep only cid: and data: sources (see safe_url); an image without one keeps
    its alt text and loads nothing.
    """
    if not html.strip():
        return ""
    attributes = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
    for tag, attrs in _EXTRA_ATTRIBUTES.items():
        attributes.setdefault(tag, set()).update(attrs)
    try:
        return nh3.clean(
            html,
            attributes=attributes,
            url_schemes=_NH3_SCHEMES,
            attribute_filter=_filter_attribute,
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
            clean_content_tags={"script", "style", "title"},
        ).strip()
    except Exception:  # a sanitizer failure must not lose the mail (the text part stays)
        return ""


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
            self.parts.append(re.sub(r"[ \t\r\n\f]+", " ", data))


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
