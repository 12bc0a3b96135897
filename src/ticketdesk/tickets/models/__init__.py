"""Ticket models, split by topic."""

from .config import Category, Priority, ReplyTemplate, Status, SubCategory, TicketTemplate
from .mail import (
    Audience,
    NotificationEvent,
    NotificationTemplate,
    SlaTarget,
    SlaWarning,
    TicketMail,
)
from .ticket import Source, StatusPeriod, Ticket, TicketCC, TicketReadMark, TicketSequence
from .timeline import Attachment, EventAction, Message, MessageKind, TicketEvent

__all__ = [
    "Attachment",
    "Audience",
    "Category",
    "EventAction",
    "Message",
    "MessageKind",
    "NotificationEvent",
    "NotificationTemplate",
    "Priority",
    "ReplyTemplate",
    "SlaTarget",
    "SlaWarning",
    "Source",
    "Status",
    "StatusPeriod",
    "SubCategory",
    "Ticket",
    "TicketCC",
    "TicketEvent",
    "TicketMail",
    "TicketReadMark",
    "TicketSequence",
    "TicketTemplate",
]
