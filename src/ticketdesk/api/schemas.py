"""Request and response shapes of the API (pydantic, through django-ninja): the OpenAPI schema."""

from __future__ import annotations

import datetime
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

from ticketdesk.core.forms import MAX_ID


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text; refuse it here with a reason instead of failing later.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, AfterValidator(_no_nul)]


class Strict(Schema):
    """Request bodies refuse unknown keys: a typo is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


class FieldError(Schema):
    code: str
    message: str


class ErrorBody(Schema):
    code: str = Field(description="Machine code, e.g. invalid, not_found, stale, rate_limited.")
    message: str = Field(description="A sentence for people, in the user's language.")
    fields: dict[str, list[FieldError]] | None = None


class Error(Schema):
    error: ErrorBody


class Ref(Schema):
    """A configuration entry or a related record, by id and display name."""

    id: int
    name: str


class Person(Schema):
    id: int
    name: str
    email: str


class CustomerRef(Schema):
    id: int
    number: str
    name: str


class StatusRef(Ref):
    is_closed: bool


class Sla(Schema):
    state: str | None = Field(description="on_track, at_risk, breached, met, missed or null.")
    due_at: datetime.datetime | None = Field(description="The running target (null when none).")
    first_response_due_at: datetime.datetime | None
    resolution_due_at: datetime.datetime | None


class TicketOut(Schema):
    id: int
    number: int
    reference: str
    subject: str
    customer: CustomerRef
    requester: Person | None
    requester_email: str
    status: StatusRef
    priority: Ref
    category: Ref | None
    subcategory: Ref | None
    team: Ref | None
    assignee: Person | None
    source: str
    opened_at: datetime.datetime
    accepted_at: datetime.datetime | None
    first_response_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    updated_at: datetime.datetime
    sla: Sla
    version: int = Field(description="Send it back as expected_version to refuse a stale write.")
    url: str = Field(description="The ticket's page in the agent UI.")


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next page; null at the end."
    )


class TicketCreate(Strict):
    customer: Id = Field(description="Customer id.")
    subject: Text = Field(max_length=250)
    text: Text = Field("", description="The customer's request (the first message).")
    requester: Id | None = Field(None, description="Contact id (a contact of the customer).")
    category: Id | None = None
    subcategory: Id | None = None
    priority: Id | None = Field(None, description="Default: the default priority.")
    team: Id | None = None
    assignee: Id | None = Field(None, description="User id of a Support-team agent.")
    cc: list[Text] = Field([], description="Further e-mail addresses copied on the ticket.")
    attachments: list[AttachmentIn] = []


class TicketChange(Strict):
    expected_version: int | None = Field(
        None, description="The version you read; a newer ticket answers 409 (stale)."
    )
    priority: Id | None = None
    category: Id | None = None
    subcategory: Id | None = None
    status: Id | None = None
    team: Id | None = None
    estimated_resolution_date: datetime.date | None = None


class Versioned(Strict):
    expected_version: int | None = None


class AssignIn(Versioned):
    agent: Id = Field(description="User id of a Support-team agent.")


class AttachmentIn(Strict):
    name: Text = Field(max_length=255)
    content_type: Text = Field("application/octet-stream", max_length=100)
    content_base64: str = Field(description="The file's bytes, base64-encoded.")


class ReplyIn(Strict):
    text: Text = ""
    notify_requester: bool = True
    notify_cc: bool = True
    notify_assignee: bool = False
    close: bool = Field(False, description="Close the ticket with this reply.")
    attachments: list[AttachmentIn] = []


class NoteIn(Strict):
    text: Text = ""
    attachments: list[AttachmentIn] = []


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    url: str


class MessageOut(Schema):
    id: int
    kind: str = Field(description="customer, reply or note.")
    author_name: str
    author_email: str
    text: str
    created_at: datetime.datetime
    attachments: list[AttachmentOut]


class EventOut(Schema):
    id: int
    action: str
    field: str
    old_value: str
    new_value: str
    actor: str
    created_at: datetime.datetime


class CustomerOut(Schema):
    id: int
    number: str
    name: str
    kind: str
    street: str
    postal_code: str
    city: str
    country: str
    phone: str
    email: str
    language: str
    notes: str


class CustomerIn(Strict):
    number: Text = Field(max_length=30)
    name: Text = Field(max_length=200)
    kind: Text | None = None
    street: Text = ""
    postal_code: Text = ""
    city: Text = ""
    country: Text = ""
    phone: Text = ""
    email: Text = ""
    language: Text | None = None
    notes: Text = ""


class CustomerPatch(Strict):
    number: Text | None = Field(None, max_length=30)
    name: Text | None = Field(None, max_length=200)
    kind: Text | None = None
    street: Text | None = None
    postal_code: Text | None = None
    city: Text | None = None
    country: Text | None = None
    phone: Text | None = None
    email: Text | None = None
    language: Text | None = None
    notes: Text | None = None


class ContactOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    language: str
    is_active: bool
    portal_access: bool
    portal_admin: bool
    customers: list[int]


class ContactIn(Strict):
    name: Text = Field(max_length=200)
    customers: list[Id] = Field(min_length=1)
    email: Text = ""
    phone: Text = ""
    language: Text = ""
    is_active: bool = True
    portal_access: bool = False
    portal_admin: bool = False


class ContactPatch(Strict):
    name: Text | None = Field(None, max_length=200)
    customers: list[Id] | None = None
    email: Text | None = None
    phone: Text | None = None
    language: Text | None = None
    is_active: bool | None = None
    portal_access: bool | None = None
    portal_admin: bool | None = None


class ListEntry(Schema):
    id: int
    name_de: str
    name_en: str
    name: str
    is_active: bool


class StatusEntry(ListEntry):
    is_closed: bool
    waits_for_customer: bool
    pauses_sla: bool


class PriorityEntry(ListEntry):
    first_response_minutes: int | None
    resolution_minutes: int | None


class SubCategoryEntry(ListEntry):
    category: int


class TeamEntry(Schema):
    id: int
    name: str


class UserEntry(Schema):
    id: int
    name: str
    email: str
    role: str
    is_support_team: bool


class DashboardOut(Schema):
    """Counts as on the start page: exact up to 999, then "999+" (cheap at any volume)."""

    my_open: str
    unassigned_in_my_teams: str
    at_risk: str
    breached: str
    first_responses_today: str
    closed_today: str


class TimeSegmentOut(Schema):
    id: int
    ticket: int
    agent: Person
    started_at: datetime.datetime
    minutes: int
    billable: bool
    source: str
    comment: str


class IncomingMailOut(Schema):
    id: int
    message_id: str
    subject: str
    sender: str
    status: str
    received_at: datetime.datetime
    ticket: int | None
