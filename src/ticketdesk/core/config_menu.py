"""The entries of the configuration page; apps register theirs in their AppConfig.ready."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class ConfigLink:
    section: str | Promise
    title: str | Promise
    url_name: str
    order: int = 100


_LINKS: list[ConfigLink] = []


def register_config_link(link: ConfigLink) -> None:
    if link not in _LINKS:
        _LINKS.append(link)


def config_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(section, [(title, url), ...]), ...] ordered, skipping links whose URL is missing."""
    sections: dict[str, list[tuple[str, str]]] = {}
    for link in sorted(_LINKS, key=lambda item: (item.order, str(item.title))):
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            continue
        sections.setdefault(str(link.section), []).append((str(link.title), url))
    return list(sections.items())
