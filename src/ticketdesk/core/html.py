"""Sanitizing HTML from outside (customer mail) for display: nh3, with a fixed allow-list."""

from __future__ import annotations

import nh3

# cid: keeps inline images addressable so the timeline can point them at the stored
# attachment; everything that could run or load from elsewhere is removed by nh3.
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}
_EXTRA_ATTRIBUTES = {"img": {"src", "alt", "width", "height", "title"}, "*": {"title"}}


def sanitize_html(html: str) -> str:
    if not html.strip():
        return ""
    attributes = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
    for tag, attrs in _EXTRA_ATTRIBUTES.items():
        attributes.setdefault(tag, set()).update(attrs)
    try:
        return nh3.clean(
            html,
            attributes=attributes,
            url_schemes=_URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
            clean_content_tags={"script", "style", "title"},
        ).strip()
    except Exception:  # a sanitizer failure must not lose the mail
        return ""
