"""Sample values for previewing notification texts in the configuration."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .notification_texts import NotificationText
from .notifications import render_notification


def sample_values(language: str, agent_name: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "ticket_number": f"{settings.TICKET_NUMBER_PREFIX}1234",
            "ticket_subject": _("Internet connection drops every few minutes"),
            "customer_name": "Muster GmbH",
            "contact_name": "Erika Mustermann",
            "status": _("In progress"),
            "priority": _("High"),
            "changes": "• {}: Normal → {}\n• {}: {} → {}".format(
                _("Priority"), _("High"), _("Status"), _("Open"), _("In progress")
            ),
            "message": _("Please restart the router and tell us whether the problem remains."),
            "agent_name": agent_name,
            "support_email": settings.SUPPORT_EMAIL,
            "sla_target": _("resolution"),
            "sla_due": "03.12.2026 14:00" if language == "de" else "12/03/2026 2 p.m.",
        }


def preview(text: NotificationText, language: str, agent_name: str) -> tuple[str, str, str]:
    """Subject, text and HTML as a customer would receive them, with sample data."""
    return render_notification(text, sample_values(language, agent_name))
