"""Ticket models, split by topic."""

from .config import Category, Priority, ReplyTemplate, Status, SubCategory, TicketTemplate
from .mail import Audience, NotificationEvent, NotificationTemplate, TicketMail
from .ticket import Source, Ticket, TicketCC, TicketReadMark, TicketSequence
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
    "Source",
    "Status",
    "SubCategory",
    "Ticket",
    "TicketCC",
    "TicketEvent",
    "TicketMail",
    "TicketReadMark",
    "TicketSequence",
    "TicketTemplate",
]
