"""Sanitizing HTML from outside (customer mail) for display: nh3, with a fixed allow-list."""

from __future__ import annotations

import re

import nh3

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
