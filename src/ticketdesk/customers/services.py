"""Writes to customers, contacts and support notes, including the CSV import."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from .models import CONTACT_FIELDS, CUSTOMER_FIELDS, Contact, Customer, SupportNote

if TYPE_CHECKING:
    from .importing import ImportRow


def _check_fields(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _assign(obj: Customer | Contact | SupportNote, changes: dict[str, Any]) -> list[str]:
    """Set the fields (text stripped) and return their names for save(update_fields=...)."""
    for field, value in changes.items():
        setattr(obj, field, value.strip() if isinstance(value, str) else value)
    return list(changes)


@transaction.atomic
def create_customer(*, number: str, name: str, **details: Any) -> Customer:
    """Create a customer record; `details` are further Customer fields (street, phone, ...)."""
    _check_fields(details, CUSTOMER_FIELDS)
    customer = Customer()
    _assign(customer, {"number": number, "name": name, **details})
    customer.save()
    return customer


@transaction.atomic
def update_customer(customer: Customer, **changes: Any) -> Customer:
    """Change the given fields of a customer record; unchanged fields are not written."""
    _check_fields(changes, CUSTOMER_FIELDS)
    customer.save(update_fields=[*_assign(customer, changes), "updated_at"])
    return customer


@transaction.atomic
def create_contact(*, customers: Iterable[Customer], name: str, **details: Any) -> Contact:
    """Create a contact belonging to one or more customers."""
    _check_fields(details, CONTACT_FIELDS)
    contact = Contact()
    _assign(contact, {"name": name, **details})
    contact.save()
    contact.customers.set(list(customers))
    return contact


@transaction.atomic
def update_contact(
    contact: Contact, *, customers: Iterable[Customer] | None = None, **changes: Any
) -> Contact:
    """Change a contact's fields and, when given, the customers it belongs to."""
    _check_fields(changes, CONTACT_FIELDS)
    contact.save(update_fields=[*_assign(contact, changes), "updated_at"])
    if customers is not None:
        contact.customers.set(list(customers))
    return contact


@transaction.atomic
def add_support_note(customer: Customer, *, title: str, body: str) -> SupportNote:
    """Add a support note (procedures, access notes) shown on every ticket of the customer."""
    return SupportNote.objects.create(customer=customer, title=title.strip(), body=body.strip())


@transaction.atomic
def update_support_note(note: SupportNote, *, title: str, body: str) -> SupportNote:
    note.save(update_fields=[*_assign(note, {"title": title, "body": body}), "updated_at"])
    return note


@transaction.atomic
def delete_support_note(note: SupportNote) -> None:
    note.delete()


@dataclass
class ImportResult:
    customers_created: int = 0
    customers_updated: int = 0
    contacts_created: int = 0
    contacts_linked: int = 0


@transaction.atomic
def import_customers(rows: Sequence[ImportRow]) -> ImportResult:
    """Create or update the customers (and contacts) of validated import rows, all or nothing.

    An existing customer number is updated with the row's non-empty values; a
    contact is matched by e-mail (any customer) or by name (this customer),
    created when unknown, and linked to the row's customer.
    """
    result = ImportResult()
    known: dict[str, Customer] = {
        c.number: c for c in Customer.objects.filter(number__in={r.number for r in rows})
    }
    created: set[str] = set()
    updated: set[str] = set()
    for row in rows:
        customer = known.get(row.number)
        fields = {k: v for k, v in row.customer.items() if k != "number"}
        if customer is None:
            customer = create_customer(number=row.number, **fields)
            known[row.number] = customer
            created.add(row.number)
        else:
            update_customer(customer, **fields)
            updated.add(row.number)
        if row.contact:
            is_new = _import_contact(customer, row.contact)
            result.contacts_created += is_new
            result.contacts_linked += not is_new
    result.customers_created = len(created)
    result.customers_updated = len(updated - created)
    return result


def _import_contact(customer: Customer, fields: dict[str, str]) -> bool:
    """Link (or create) the row's contact; True when a new contact was created."""
    email = fields.get("email", "")
    if email:
        contact = Contact.objects.by_email(email).first()
    else:
        contact = customer.contacts.filter(name__iexact=fields["name"]).first()
    if contact is None:
        create_contact(customers=[customer], **fields)
        return True
    update_contact(contact, **{k: v for k, v in fields.items() if v})
    contact.customers.add(customer)
    return False
