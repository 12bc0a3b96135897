"""Every write of mail filters: save with conditions, reorder, (de)activate, delete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.config_cache import configuration_changed
from ticketdesk.tickets.services.guards import is_assignable

from .models import MailFilter, MailFilterCondition

if TYPE_CHECKING:
    from ticketdesk.accounts.models import Team, User
    from ticketdesk.tickets.models import Category, Priority

NO_CONDITIONS = _("A mail filter needs at least one condition.")
ASSIGNEE_NOT_SUPPORT = _("%(user)s is not an active member of the Support team.")
SKIP_WITH_ACTIONS = _(
    "“Do not create a ticket” cannot be combined with actions on the ticket; choose one."
)


@dataclass(frozen=True)
class ConditionInput:
    field: str
    operator: str
    value: str


@dataclass(frozen=True)
class FilterInput:
    name: str
    match: str
    is_active: bool = True
    set_priority: Priority | None = None
    set_category: Category | None = None
    set_team: Team | None = None
    set_assignee: User | None = None
    close: bool = False
    skip_ticket: bool = False


def _check(data: FilterInput, conditions: Sequence[MailFilterCondition]) -> None:
    if not conditions:
        raise ValidationError(NO_CONDITIONS, code="no_conditions")
    agent = data.set_assignee
    if agent is not None and not is_assignable(agent):
        raise ValidationError(ASSIGNEE_NOT_SUPPORT, code="not_support", params={"user": agent})
    acts = [data.set_priority, data.set_category, data.set_team, data.set_assignee]
    if data.skip_ticket and (data.close or any(a is not None for a in acts)):
        raise ValidationError(SKIP_WITH_ACTIONS, code="skip_with_actions")
    for condition in conditions:
        condition.full_clean(exclude=["mail_filter"])


@transaction.atomic
def save_mail_filter(
    mail_filter: MailFilter | None, *, data: FilterInput, conditions: Sequence[ConditionInput]
) -> MailFilter:
    """Create (at the end of the order) or update a filter; its conditions are replaced.

    Raises ValidationError for no conditions, an invalid regular expression, an
    assignee outside the Support team, or "do not create" combined with actions.
    """
    rows = [
        MailFilterCondition(field=c.field, operator=c.operator, value=c.value.strip())
        for c in conditions
    ]
    _check(data, rows)
    if mail_filter is None:
        last = MailFilter.objects.aggregate(last=Max("order"))["last"]
        mail_filter = MailFilter(order=(last or 0) + 10)
    for name, value in vars(data).items():
        setattr(mail_filter, name, value)
    mail_filter.name = data.name.strip()
    mail_filter.save()
    mail_filter.conditions.all().delete()
    for row in rows:
        row.mail_filter = mail_filter
    MailFilterCondition.objects.bulk_create(rows)
    return mail_filter


@transaction.atomic
def move_mail_filter(mail_filter: MailFilter, *, direction: str) -> None:
    """Swap the filter with its neighbour ("up" or "down"); orders are renumbered by tens."""
    filters = list(MailFilter.objects.select_for_update().order_by("order", "pk"))
    index = next(i for i, f in enumerate(filters) if f.pk == mail_filter.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(filters):
        filters[index], filters[other] = filters[other], filters[index]
    for position, item in enumerate(filters, start=1):
        item.order = position * 10
    MailFilter.objects.bulk_update(filters, ["order"])
    configuration_changed(MailFilter)  # bulk_update sends no signal


def set_mail_filter_active(mail_filter: MailFilter, *, active: bool) -> None:
    mail_filter.is_active = active
    mail_filter.save(update_fields=["is_active", "updated_at"])


def delete_mail_filter(mail_filter: MailFilter) -> None:
    """Delete the filter; messages it held keep their place in the inbox."""
    mail_filter.delete()
