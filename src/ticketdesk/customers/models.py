"""Customer records, their contacts and support notes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.models import TimeStampedModel


class CustomerKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PERSON = "person", _("Person")


class CustomerQuerySet(models.QuerySet["Customer"]):
    def search(self, term: str) -> CustomerQuerySet:
        term = term.strip()
        if not term:
            return self
        return self.filter(
            models.Q(name__icontains=term)
            | models.Q(number__icontains=term)
            | models.Q(email__icontains=term)
        )


class Customer(TimeStampedModel):
    number = models.CharField(_("customer number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    kind = models.CharField(
        _("type"), max_length=10, choices=CustomerKind.choices, default=CustomerKind.COMPANY
    )
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="de"
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.pk])

    @property
    def address(self) -> str:
        city_line = " ".join(p for p in [self.postal_code, self.city] if p)
        return ", ".join(p for p in [self.street, city_line, self.country] if p)


# The fields a user edits (forms) and the services write.
CUSTOMER_FIELDS = (
    "number",
    "name",
    "kind",
    "street",
    "postal_code",
    "city",
    "country",
    "phone",
    "email",
    "language",
    "notes",
)
CONTACT_FIELDS = (
    "name",
    "email",
    "phone",
    "language",
    "is_active",
    "portal_access",
    "portal_admin",
)


class ContactQuerySet(models.QuerySet["Contact"]):
    def active(self) -> ContactQuerySet:
        return self.filter(is_active=True)

    def by_email(self, email: str) -> ContactQuerySet:
        return self.annotate(email_lower=Lower("email")).filter(email_lower=email.strip().lower())


class Contact(TimeStampedModel):
    customers = models.ManyToManyField(
        Customer, related_name="contacts", verbose_name=_("customers")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    portal_access = models.BooleanField(_("portal access"), default=False)
    portal_admin = models.BooleanField(
        _("portal admin"),
        default=False,
        help_text=_("Sees every ticket of the customer in the portal."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
        verbose_name=_("portal login"),
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]
        indexes = [
            # Every incoming mail looks its sender up by address, whatever the case (by_email).
            models.Index(Lower("email"), name="contact_email_lower_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip()
        super().save(*args, **kwargs)


class SupportNote(TimeStampedModel):
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="support_notes",
        verbose_name=_("customer"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("support note")
        verbose_name_plural = _("support notes")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
