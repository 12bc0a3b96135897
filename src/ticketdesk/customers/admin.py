"""Django admin for customers, their contacts and support notes."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.admin import CheckedIdsMixin, LargeTableAdmin

from .models import Contact, Customer, SupportNote


class ContactLinkInline(CheckedIdsMixin, admin.TabularInline):
    """The customer's contacts (a contact can belong to several customers)."""

    model = Contact.customers.through
    extra = 0
    autocomplete_fields = ("contact",)
    verbose_name = _("contact")
    verbose_name_plural = _("contacts")


class SupportNoteInline(CheckedIdsMixin, admin.StackedInline):
    model = SupportNote
    extra = 0


@admin.register(Customer)
class CustomerAdmin(LargeTableAdmin):
    list_display = ("number", "name", "kind", "city", "email", "language")
    list_filter = ("kind", "language")
    search_fields = ("number", "name", "email")
    inlines = (ContactLinkInline, SupportNoteInline)
    readonly_fields = ("created_at", "updated_at")


@admin.register(Contact)
class ContactAdmin(LargeTableAdmin):
    list_display = ("name", "email", "phone", "is_active", "portal_access", "portal_admin")
    list_filter = ("is_active", "portal_access", "portal_admin", "language")
    search_fields = ("name", "email")
    autocomplete_fields = ("customers", "user")
    readonly_fields = ("created_at", "updated_at")


@admin.register(SupportNote)
class SupportNoteAdmin(LargeTableAdmin):
    list_display = ("title", "customer", "updated_at")
    list_select_related = ("customer",)
    search_fields = ("title", "customer__name", "customer__number")
    autocomplete_fields = ("customer",)
    readonly_fields = ("created_at", "updated_at")
