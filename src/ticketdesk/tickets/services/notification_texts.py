"""Administrators' wording of notification e-mails."""

from __future__ import annotations

from django.db import transaction

from ticketdesk.tickets.models import NotificationTemplate


@transaction.atomic
def save_notification_text(
    *, event: str, language: str, subject: str, text: str, html: str = ""
) -> NotificationTemplate:
    """Store the wording of one event in one language (replaces the built-in text)."""
    template, _ = NotificationTemplate.objects.update_or_create(
        event=event,
        language=language,
        defaults={"subject": subject.strip(), "text": text, "html": html.strip()},
    )
    return template


@transaction.atomic
def reset_notification_text(*, event: str, language: str) -> None:
    """Go back to the built-in text."""
    NotificationTemplate.objects.filter(event=event, language=language).delete()
