"""Building raw test messages and feeding them through the inbound pipeline."""

from __future__ import annotations

import itertools
from email import policy
from email.message import EmailMessage

from ticketdesk.inbound.models import InboundMessage, InboundSource
from ticketdesk.inbound.services import ingest_raw_message

_ids = itertools.count(1)


def compose(
    *,
    sender: str = "anna@customer.example",
    to: str = "support@example.com",
    subject: str = "Printer on floor 2 is broken",
    body: str = "The printer shows error E42 since this morning.",
    message_id: str | None = "",
    in_reply_to: str = "",
    references: str = "",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
) -> bytes:
    """An RFC 5322 message; message_id "" makes a fresh one, None leaves the header out."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = "Mon, 2 Mar 2026 10:00:00 +0100"
    if message_id is not None:
        msg["Message-ID"] = message_id or f"<test-{next(_ids)}@customer.example>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    for filename, content_type, content in attachments:
        maintype, subtype = content_type.split("/", 1)
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def deliver(raw: bytes) -> InboundMessage:
    """Store, parse and route one message as the MTA pipe would."""
    return ingest_raw_message(raw, source=InboundSource.PIPE).inbound
