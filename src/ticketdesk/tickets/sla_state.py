"""The state of a ticket's resolution target: on track, at risk or breached (pure)."""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

# At risk once less than this share of the whole target time is left ...
AT_RISK_SHARE = 0.2
# ... or less than this much time, whichever comes first.
AT_RISK_REMAINING = datetime.timedelta(hours=2)


class SlaState(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"

    @property
    def label(self) -> str:
        return str(SLA_STATE_LABELS[self])


SLA_STATE_LABELS = {
    SlaState.ON_TRACK: _("on track"),
    SlaState.AT_RISK: _("at risk"),
    SlaState.BREACHED: _("breached"),
}


def sla_state(
    *,
    opened_at: datetime.datetime,
    target_at: datetime.datetime | None,
    now: datetime.datetime,
    closed_at: datetime.datetime | None = None,
) -> SlaState | None:
    """Where the ticket stands against its target; a closed ticket is judged at closing.

    None when there is no target. At risk when less than 20 % of the target time
    or less than two hours are left.
    """
    if target_at is None:
        return None
    moment = closed_at or now
    if moment > target_at:
        return SlaState.BREACHED
    if closed_at is not None:
        return SlaState.ON_TRACK
    remaining = target_at - moment
    total = target_at - opened_at
    if remaining < AT_RISK_REMAINING or remaining < total * AT_RISK_SHARE:
        return SlaState.AT_RISK
    return SlaState.ON_TRACK
