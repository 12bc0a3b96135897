"""Who sees which reports, and which tickets and time a report counts (pure checks, no writes).

The rule: every staff member (administrators, agents, read-only users) sees the reports.
Administrators count every ticket. Everybody else counts the tickets of the teams they
are a member of plus the tickets that have no team yet (the shared queue every agent
works from); tickets of other teams are left out of every number, the per-customer
report included, and their teams are not offered in the team filter. Time segments are
counted by their ticket's team, whoever logged them. Customers (portal logins) see no
report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from ticketdesk.accounts.models import Team
from ticketdesk.tickets.permissions import is_staff_user

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User


@dataclass(frozen=True)
class Scope:
    """The teams a report may count: all (`team_ids` None) or these plus tickets without team."""

    team_ids: frozenset[int] | None = None

    @property
    def is_unrestricted(self) -> bool:
        return self.team_ids is None

    def tickets(self, prefix: str = "") -> Q:
        """The condition on tickets (or, with `prefix="ticket__"`, on rows of a ticket)."""
        if self.team_ids is None:
            return Q()
        return Q(**{f"{prefix}team__in": sorted(self.team_ids)}) | Q(
            **{f"{prefix}team__isnull": True}
        )

    def teams(self) -> list[Team]:
        """The teams a user may filter by, in name order (one query)."""
        teams = Team.objects.order_by("name")
        return list(teams if self.team_ids is None else teams.filter(pk__in=self.team_ids))


# What a command-line report counts: it runs with the operator's rights on the database.
EVERYTHING = Scope()


def can_view_reports(user: User) -> bool:
    return is_staff_user(user)


def report_scope(user: User) -> Scope:
    """The part of the data `user`'s reports count (one query for a non-administrator)."""
    if user.is_administrator:
        return EVERYTHING
    return Scope(team_ids=frozenset(user.teams.values_list("pk", flat=True)))
