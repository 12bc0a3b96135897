"""Factories for outbox rows (for pages and admin; behaviour tests go through queue_mail)."""

from __future__ import annotations

import factory
from django.utils import timezone

from ticketdesk.outbox.headers import make_message_id
from ticketdesk.outbox.models import MailStatus, OutboundMail


class OutboundMailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboundMail

    message_id = factory.LazyFunction(make_message_id)
    from_email = "support@example.com"
    to = factory.Sequence(lambda n: [f"customer{n}@customer.example"])
    reply_to = ["support@example.com"]
    subject = factory.Sequence(lambda n: f"[#T-{n}] Your request")
    text_body = "Hello"
    reference = factory.Sequence(lambda n: f"T-{n}")
    language = "en"

    class Params:
        sent = factory.Trait(
            status=MailStatus.SENT, attempts=1, sent_at=factory.LazyFunction(timezone.now)
        )
        failed = factory.Trait(
            status=MailStatus.FAILED, attempts=1, last_error="550 Mailbox unavailable"
        )
