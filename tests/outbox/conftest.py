"""Helpers shared by the outbox tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ticketdesk.outbox.models import OutboundMail
from ticketdesk.outbox.services import queue_mail

QueueMail = Callable[..., OutboundMail]


@pytest.fixture
def queue() -> QueueMail:
    """queue_mail with the dull parts filled in."""

    def queue(**overrides: object) -> OutboundMail:
        fields: dict[str, object] = {
            "to": ["kim@customer.example"],
            "subject": "[#T-1] Status changed",
            "text": "Your ticket is now in progress.",
            "auto_generated": True,
        }
        return queue_mail(**(fields | overrides))

    return queue
