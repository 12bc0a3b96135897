"""The countries and regions the `holidays` package knows, for choices and checks (pure)."""

from __future__ import annotations

import functools
import re

import holidays
from holidays import registry

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@functools.cache
def countries() -> dict[str, str]:
    """{ISO code: English name} of every country with public holidays, sorted by name."""
    names = {}
    for class_name, code, *_aliases in registry.COUNTRIES.values():
        names[code] = _CAMEL.sub(" ", class_name)
    return dict(sorted(names.items(), key=lambda item: item[1]))


@functools.cache
def subdivisions(country: str) -> dict[str, str]:
    """{code: name} of the country's regions with their own holidays ({} when none)."""
    if country not in countries():
        return {}
    entity = holidays.country_holidays(country)
    names = {code: name for name, code in entity.subdivisions_aliases.items()}
    return {code: names.get(code, code) for code in entity.subdivisions}


def known_country(code: str) -> str | None:
    """The country's code as the package spells it ("de" → "DE"), None when unknown."""
    code = code.strip().upper()
    return code if code in countries() else None


def known_subdivision(country: str, code: str) -> str | None:
    """The region's code for a code or name of the country, any case ("by", "Bayern" → "BY")."""
    wanted = code.strip().casefold()
    for known, name in subdivisions(country).items():
        if wanted in {known.casefold(), name.casefold()}:
            return known
    return None


def region_label(country: str, subdivision: str = "") -> str:
    """Germany (DE) · Bayern (BY); "" without a country."""
    if not country:
        return ""
    label = f"{countries().get(country, country)} ({country})"
    if subdivision:
        label += f" · {subdivisions(country).get(subdivision, subdivision)} ({subdivision})"
    return label
