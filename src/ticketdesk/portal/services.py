"""Writes of the portal: its settings, portal logins and their e-mailed links, portal tickets.

Replies and closing go straight to the ticket services (add_customer_message,
close_ticket); what is the portal's own lives here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from ticketdesk.accounts.models import Role, User
from ticketdesk.customers.models import Contact, Customer
from ticketdesk.outbox.models import MailKind
from ticketdesk.outbox.services import queue_mail
from ticketdesk.tickets.models import Category, Source, Ticket
from ticketdesk.tickets.services import AttachmentInput, open_ticket

from .models import INSTANCE_PK, PortalSettings, portal_settings

if TYPE_CHECKING:
    from ticketdesk.tickets.models.ticket import TicketQuerySet

NO_PORTAL_ACCESS = _("Tick “portal access” for this contact first.")
INACTIVE_CONTACT = _("This contact is inactive.")
NO_EMAIL = _("This contact has no e-mail address to send the invitation to.")
ADDRESS_TAKEN = _(
    "The address %(email)s already belongs to another login; a contact's portal login needs "
    "an address of its own."
)
NOT_PORTAL_CUSTOMER = _("You cannot open tickets for this customer.")
HIDDEN_CATEGORY = _("This category cannot be chosen in the portal.")
TOO_MANY_TICKETS = _(
    "You have opened many tickets within the last hour. Please wait a little, or add to one "
    "of your open tickets."
)
# Tickets one contact may open through the portal within an hour.
TICKETS_PER_HOUR = 10


@transaction.atomic
def save_portal_settings(
    *, is_enabled: bool, instance_name: str, welcome_de: str, welcome_en: str
) -> PortalSettings:
    """Switch the portal on or off and set its name and welcome texts."""
    row, _created = PortalSettings.objects.get_or_create(pk=INSTANCE_PK)
    row.is_enabled = is_enabled
    row.instance_name = instance_name.strip()
    row.welcome_de = welcome_de.strip()
    row.welcome_en = welcome_en.strip()
    row.save()
    return row


def _portal_login(contact: Contact) -> User:
    """The contact's portal login, created (without a password) and linked when missing."""
    if contact.user_id is not None:
        return contact.user
    user = User.objects.filter(email__iexact=contact.email).first()
    if user is None:
        user = User.objects.create_user(
            email=contact.email,
            full_name=contact.name,
            role=Role.CUSTOMER,
            language=contact.language or settings.LANGUAGE_CODE,
            is_support_team=False,
        )
    elif user.role != Role.CUSTOMER or Contact.objects.filter(user=user).exists():
        raise ValidationError(ADDRESS_TAKEN, code="address_taken", params={"email": user.email})
    contact.user = user
    contact.save(update_fields=["user", "updated_at"])
    return user


def _queue_link_mail(contact: Contact, user: User, *, kind: str, base_url: str) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("portal:set_password", kwargs={"uidb64": uid, "token": token})
    language = contact.language or user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "contact": contact,
            "portal": portal_settings(),
            "link": f"{base_url.rstrip('/')}{path}",
            "days": max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
        }
        subject = render_to_string(f"portal/email/{kind}_subject.txt", context)
        text = render_to_string(f"portal/email/{kind}.txt", context)
    queue_mail(
        to=[contact.email],
        subject=subject,
        text=text,
        auto_generated=True,
        kind=MailKind.NOTIFICATION,
        reference=f"portal {kind}",
        language=language,
    )


@transaction.atomic
def invite_contact(contact: Contact, *, base_url: str) -> User:
    """Give the contact a portal login (when missing) and e-mail a link to set the password.

    The link (Django's password-reset token) works once and expires after
    PASSWORD_RESET_TIMEOUT. Side effects: a User row with the customer role, the contact
    linked to it, one outbox mail in the contact's language.
    """
    if not contact.portal_access:
        raise ValidationError(NO_PORTAL_ACCESS, code="no_portal_access")
    if not contact.is_active:
        raise ValidationError(INACTIVE_CONTACT, code="inactive")
    if not contact.email:
        raise ValidationError(NO_EMAIL, code="no_email")
    user = _portal_login(contact)
    _queue_link_mail(contact, user, kind="invitation", base_url=base_url)
    return user


@transaction.atomic
def send_password_link(*, email: str, base_url: str) -> bool:
    """E-mail a set-password link to the portal contact with this address, if there is one.

    Answers nothing to the person asking (no user enumeration); returns whether a mail was
    queued, for tests. A contact with portal access who was never invited gets the login
    created here: the link is their first sign-in.
    """
    contact = (
        Contact.objects.by_email(email)
        .filter(is_active=True, portal_access=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if contact is None or (contact.user is not None and not contact.user.is_active):
        return False
    try:
        user = _portal_login(contact)
    except ValidationError:
        return False
    _queue_link_mail(contact, user, kind="password_reset", base_url=base_url)
    return True


def _recent_portal_tickets(contact: Contact) -> TicketQuerySet:
    since = timezone.now() - timedelta(hours=1)
    return Ticket.objects.filter(requester=contact, source=Source.PORTAL, opened_at__gte=since)


def open_portal_ticket(
    contact: Contact,
    *,
    customer: Customer,
    subject: str,
    text: str,
    category: Category | None,
    attachments: Sequence[AttachmentInput] = (),
) -> Ticket:
    """Open a ticket as the contact (source portal) through `open_ticket`.

    Refuses a customer the contact does not belong to, a category hidden from the portal and
    more than TICKETS_PER_HOUR tickets per contact within an hour. Everything else (number,
    SLA target, confirmation mail) is open_ticket's.
    """
    if not contact.customers.filter(pk=customer.pk).exists():
        raise ValidationError(NOT_PORTAL_CUSTOMER, code="not_portal_customer")
    if category is not None and not (category.visible_in_portal and category.is_active):
        raise ValidationError(HIDDEN_CATEGORY, code="hidden_category")
    if _recent_portal_tickets(contact)[: TICKETS_PER_HOUR + 1].count() >= TICKETS_PER_HOUR:
        raise ValidationError(TOO_MANY_TICKETS, code="too_many_tickets")
    return open_ticket(
        customer=customer,
        subject=subject,
        text=text,
        by=None,
        requester=contact,
        category=category,
        source=Source.PORTAL,
        attachments=attachments,
        actor_label=contact.name,
    )
