"""The resolution target's state: on track, at risk, breached."""

from __future__ import annotations

import datetime

from django.utils import translation

from ticketdesk.tickets.sla_state import SlaState, sla_state

OPENED = datetime.datetime(2025, 3, 3, 8, 0, tzinfo=datetime.UTC)


def state_after(hours: float, *, target_hours: float = 72, closed_after: float | None = None):
    return sla_state(
        opened_at=OPENED,
        target_at=OPENED + datetime.timedelta(hours=target_hours),
        now=OPENED + datetime.timedelta(hours=hours),
        closed_at=None if closed_after is None else OPENED + datetime.timedelta(hours=closed_after),
    )


def test_no_target_has_no_state() -> None:
    assert sla_state(opened_at=OPENED, target_at=None, now=OPENED) is None


def test_fresh_ticket_is_on_track() -> None:
    assert state_after(1) == SlaState.ON_TRACK


def test_less_than_a_fifth_of_the_time_left_is_at_risk() -> None:
    assert state_after(57) == SlaState.ON_TRACK  # 15 h of 72 h left: 20.8 %
    assert state_after(58) == SlaState.AT_RISK  # 14 h left: 19.4 %


def test_less_than_two_hours_left_is_at_risk_even_for_short_targets() -> None:
    assert state_after(1.9, target_hours=4) == SlaState.ON_TRACK
    assert state_after(2.5, target_hours=4) == SlaState.AT_RISK


def test_past_the_target_is_breached() -> None:
    assert state_after(72) == SlaState.AT_RISK
    assert state_after(72.01) == SlaState.BREACHED


def test_closed_ticket_is_judged_at_closing() -> None:
    assert state_after(200, closed_after=71) == SlaState.ON_TRACK
    assert state_after(200, closed_after=73) == SlaState.BREACHED


def test_state_has_a_translated_label() -> None:
    with translation.override("en"):
        assert SlaState.AT_RISK.label == "at risk"
    with translation.override("de"):
        assert SlaState.AT_RISK.label == "gefährdet"
