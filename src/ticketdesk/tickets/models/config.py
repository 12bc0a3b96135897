"""Configurable lists: statuses, priorities, categories, reply and ticket templates."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.models import LocalizedNameMixin


class ConfigQuerySet(models.QuerySet):
    def active(self) -> ConfigQuerySet:
        return self.filter(is_active=True)


class Status(LocalizedNameMixin):
    color = models.CharField(_("colour"), max_length=7, default="#6b7280")
    order = models.PositiveIntegerField(_("order"), default=0)
    is_closed = models.BooleanField(
        _("counts as closed"), default=False, help_text=_("Tickets in this status are closed.")
    )
    is_default = models.BooleanField(_("default for new tickets"), default=False)
    set_on_accept = models.BooleanField(_("set when an agent accepts"), default=False)
    set_on_agent_reply = models.BooleanField(_("set when an agent replies"), default=False)
    set_on_customer_reply = models.BooleanField(_("set when the customer replies"), default=False)
    notifies_customer = models.BooleanField(_("entering it notifies the customer"), default=False)
    waits_for_customer = models.BooleanField(
        _("waiting for the customer"),
        default=False,
        help_text=_("Open tickets in this status are listed under “Waiting for customer”."),
    )
    pauses_sla = models.BooleanField(
        _("pauses the SLA clock"),
        default=False,
        help_text=_("While a ticket is in this status, its SLA targets do not run down."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ConfigQuerySet.as_manager()

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        ordering = ["order", "pk"]

    @property
    def is_open(self) -> bool:
        return not self.is_closed


class Priority(LocalizedNameMixin):
    order = models.PositiveIntegerField(_("order"), default=0)
    color = models.CharField(_("colour"), max_length=7, default="#6b7280")
    first_response_minutes = models.PositiveIntegerField(
        _("first-response target (minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution target (minutes)"), null=True, blank=True
    )
    is_default = models.BooleanField(_("default for new tickets"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ConfigQuerySet.as_manager()

    class Meta:
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        ordering = ["order", "pk"]

    @property
    def resolution_target(self) -> timedelta | None:
        if self.resolution_minutes is None:
            return None
        return timedelta(minutes=self.resolution_minutes)

    @property
    def first_response_target(self) -> timedelta | None:
        if self.first_response_minutes is None:
            return None
        return timedelta(minutes=self.first_response_minutes)


class Category(LocalizedNameMixin):
    order = models.PositiveIntegerField(_("order"), default=0)
    visible_in_portal = models.BooleanField(_("visible in the portal"), default=True)
    time_billable = models.BooleanField(
        _("time is billable"),
        null=True,
        blank=True,
        help_text=_("Default for time logged on its tickets; empty: the instance default."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ConfigQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "pk"]


class SubCategory(LocalizedNameMixin):
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="subcategories",
        verbose_name=_("category"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    default_priority = models.ForeignKey(
        Priority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default priority"),
    )
    default_team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default team"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ConfigQuerySet.as_manager()

    class Meta:
        verbose_name = _("sub-category")
        verbose_name_plural = _("sub-categories")
        ordering = ["category__order", "order", "pk"]


class ReplyTemplate(models.Model):
    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {customer_name}, {contact_name}, {ticket_number}, "
            "{ticket_subject}, {agent_name}"
        ),
    )
    is_default = models.BooleanField(_("default"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ConfigQuerySet.as_manager()

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class TicketTemplate(models.Model):
    name = models.CharField(_("name"), max_length=100)
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("text"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ConfigQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket template")
        verbose_name_plural = _("ticket templates")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name
