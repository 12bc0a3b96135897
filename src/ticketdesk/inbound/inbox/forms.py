"""Forms of the incoming-mail inbox: choose a customer or a ticket for a waiting message."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.forms import parse_id
from ticketdesk.customers.models import Customer
from ticketdesk.tickets.models import Ticket

NO_SUCH_CUSTOMER = _("No customer has the number “%(value)s”.")
NO_SUCH_TICKET = _("There is no ticket “%(value)s”.")


class CustomerChoiceForm(forms.Form):
    customer = forms.CharField(
        label=_("Customer"),
        max_length=250,
        help_text=_("Customer number; type a name or number to search."),
    )

    def clean_customer(self) -> Customer:
        value = self.cleaned_data["customer"].strip()
        customer = Customer.objects.filter(number__iexact=value).first()
        if customer is None:
            raise forms.ValidationError(NO_SUCH_CUSTOMER, params={"value": value})
        return customer


class TicketChoiceForm(forms.Form):
    ticket = forms.CharField(
        label=_("Ticket number"), max_length=40, help_text=_("For example T-1234 or 1234.")
    )

    def clean_ticket(self) -> Ticket:
        value = self.cleaned_data["ticket"].strip()
        prefix = settings.TICKET_NUMBER_PREFIX.lower()
        digits = value.lstrip("[#").rstrip("]")
        if prefix and digits.lower().startswith(prefix):
            digits = digits[len(prefix) :]
        number = parse_id(digits) if digits.isascii() else None
        ticket = Ticket.objects.filter(number=number).first() if number else None
        if ticket is None:
            raise forms.ValidationError(NO_SUCH_TICKET, params={"value": value})
        return ticket
