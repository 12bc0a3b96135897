"""Built-in notification texts per event and language (editable in the configuration).

Placeholders (fixed list): {ticket_number} {ticket_subject} {customer_name}
{contact_name} {status} {priority} {changes} {message} {agent_name}
{support_email} {sla_target} {sla_due}.
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from .models import NotificationEvent

PLACEHOLDERS = {
    "ticket_number": _("ticket number, e.g. T-1234"),
    "ticket_subject": _("subject of the ticket"),
    "customer_name": _("customer name"),
    "contact_name": _("name of the recipient or requester"),
    "status": _("current status"),
    "priority": _("current priority"),
    "changes": _("list of changed fields, old → new"),
    "message": _("text of the reply or customer message"),
    "agent_name": _("name of the agent who acted"),
    "support_email": _("support e-mail address"),
    "sla_target": _("the SLA target concerned (first response or resolution)"),
    "sla_due": _("when that target is due"),
}


class NotificationText(NamedTuple):
    subject: str
    text: str
    html: str = ""


DEFAULT_TEXTS: dict[tuple[str, str], NotificationText] = {
    (NotificationEvent.OPENED, "de"): NotificationText(
        "Ihre Anfrage wurde aufgenommen: {ticket_subject}",
        "Guten Tag {contact_name},\n\n"
        "vielen Dank für Ihre Anfrage. Wir haben sie unter der Ticketnummer "
        "{ticket_number} aufgenommen und melden uns so bald wie möglich.\n\n"
        "Betreff: {ticket_subject}\nPriorität: {priority}\nStatus: {status}\n\n"
        "Bitte antworten Sie auf diese E-Mail, wenn Sie etwas ergänzen möchten; "
        "die Ticketnummer im Betreff ordnet Ihre Nachricht zu.\n\n"
        "Ihr Support-Team\n{support_email}",
    ),
    (NotificationEvent.OPENED, "en"): NotificationText(
        "We have received your request: {ticket_subject}",
        "Hello {contact_name},\n\n"
        "thank you for your request. We have recorded it as ticket {ticket_number} "
        "and will get back to you as soon as possible.\n\n"
        "Subject: {ticket_subject}\nPriority: {priority}\nStatus: {status}\n\n"
        "Reply to this e-mail to add anything; the ticket number in the subject "
        "files your message with the ticket.\n\n"
        "Your support team\n{support_email}",
    ),
    (NotificationEvent.UPDATED, "de"): NotificationText(
        "Ihr Ticket wurde aktualisiert: {ticket_subject}",
        "Guten Tag {contact_name},\n\n"
        "an Ihrem Ticket {ticket_number} hat sich Folgendes geändert:\n\n"
        "{changes}\n\n"
        "Aktueller Status: {status}\n\nIhr Support-Team\n{support_email}",
    ),
    (NotificationEvent.UPDATED, "en"): NotificationText(
        "Your ticket has been updated: {ticket_subject}",
        "Hello {contact_name},\n\n"
        "the following has changed on your ticket {ticket_number}:\n\n"
        "{changes}\n\n"
        "Current status: {status}\n\nYour support team\n{support_email}",
    ),
    (NotificationEvent.REPLY, "de"): NotificationText(
        "{ticket_subject}",
        "{message}\n\n-- \nTicket {ticket_number} · Status: {status}",
    ),
    (NotificationEvent.REPLY, "en"): NotificationText(
        "{ticket_subject}",
        "{message}\n\n-- \nTicket {ticket_number} · Status: {status}",
    ),
    (NotificationEvent.CLOSED, "de"): NotificationText(
        "Ihr Ticket wurde geschlossen: {ticket_subject}",
        "Guten Tag {contact_name},\n\n"
        "wir haben Ihr Ticket {ticket_number} geschlossen.\n\n"
        "Ist Ihr Anliegen noch nicht gelöst, antworten Sie einfach auf diese E-Mail.\n\n"
        "Ihr Support-Team\n{support_email}",
    ),
    (NotificationEvent.CLOSED, "en"): NotificationText(
        "Your ticket has been closed: {ticket_subject}",
        "Hello {contact_name},\n\n"
        "we have closed your ticket {ticket_number}.\n\n"
        "If your issue is not solved yet, simply reply to this e-mail.\n\n"
        "Your support team\n{support_email}",
    ),
    (NotificationEvent.CUSTOMER_WROTE, "de"): NotificationText(
        "Neue Kundennachricht: {ticket_subject}",
        "Hallo {agent_name},\n\n{contact_name} ({customer_name}) hat zu Ticket "
        "{ticket_number} geschrieben:\n\n{message}",
    ),
    (NotificationEvent.CUSTOMER_WROTE, "en"): NotificationText(
        "New customer message: {ticket_subject}",
        "Hello {agent_name},\n\n{contact_name} ({customer_name}) wrote on ticket "
        "{ticket_number}:\n\n{message}",
    ),
    (NotificationEvent.SLA_WARNING, "de"): NotificationText(
        "SLA gefährdet: {ticket_subject}",
        "Hallo {agent_name},\n\nbei Ticket {ticket_number} ({customer_name}) wird das Ziel "
        "„{sla_target}“ bald erreicht: fällig {sla_due}.\n\n"
        "Betreff: {ticket_subject}\nPriorität: {priority}\nStatus: {status}",
    ),
    (NotificationEvent.SLA_WARNING, "en"): NotificationText(
        "SLA at risk: {ticket_subject}",
        "Hello {agent_name},\n\nthe {sla_target} target of ticket {ticket_number} "
        "({customer_name}) is due soon: {sla_due}.\n\n"
        "Subject: {ticket_subject}\nPriority: {priority}\nStatus: {status}",
    ),
    (NotificationEvent.SLA_BREACHED, "de"): NotificationText(
        "SLA verletzt: {ticket_subject}",
        "Hallo {agent_name},\n\nbei Ticket {ticket_number} ({customer_name}) ist das Ziel "
        "„{sla_target}“ überschritten: es war fällig {sla_due}.\n\n"
        "Betreff: {ticket_subject}\nPriorität: {priority}\nStatus: {status}",
    ),
    (NotificationEvent.SLA_BREACHED, "en"): NotificationText(
        "SLA missed: {ticket_subject}",
        "Hello {agent_name},\n\nthe {sla_target} target of ticket {ticket_number} "
        "({customer_name}) has been missed: it was due {sla_due}.\n\n"
        "Subject: {ticket_subject}\nPriority: {priority}\nStatus: {status}",
    ),
}
