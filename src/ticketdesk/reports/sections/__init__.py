"""The report sections: one function each, from a ReportQuery to a Report (one table, one chart).

Every number is a database aggregate; each section runs a fixed number of queries,
whatever the number of tickets (tests/reports/test_query_counts.py pins them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from ..query import ReportQuery
from ..tables import Report
from . import backlog, distribution, performance, points, sla, time_spent


@dataclass(frozen=True)
class Section:
    slug: str
    title: Promise
    build: Callable[[ReportQuery], Report]


SECTIONS: dict[str, Section] = {
    section.slug: section
    for section in [
        Section("performance", performance.TITLE, performance.performance),
        Section("distribution", distribution.TITLE, distribution.distribution),
        Section("sla", sla.TITLE, sla.sla),
        Section("time", time_spent.TITLE, time_spent.time_spent),
        Section("backlog", backlog.TITLE, backlog.backlog),
        Section("points", points.TITLE, points.points),
    ]
}


def build_report(slug: str, query: ReportQuery) -> Report:
    """The section `slug` (a key of SECTIONS) for `query`."""
    return SECTIONS[slug].build(query)
