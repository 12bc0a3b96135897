"""Ticket models, split by topic."""

from .config import Category, Priority, ReplyTemplate, Status, SubCategory, TicketTemplate
from .ticket import Source, Ticket, TicketCC, TicketReadMark, TicketSequence
from .timeline import Attachment, EventAction, Message, MessageKind, TicketEvent

__all__ = [
    "Attachment",
    "Category",
    "EventAction",
    "Message",
    "MessageKind",
    "Priority",
    "ReplyTemplate",
    "Source",
    "Status",
    "SubCategory",
    "Ticket",
    "TicketCC",
    "TicketEvent",
    "TicketReadMark",
    "TicketSequence",
    "TicketTemplate",
]
