"""Error messages of the ticket rules, as constants that views and tests share."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NOT_SUPPORT_TEAM = _("%(user)s is not in the Support team and cannot be assigned tickets.")
CANNOT_WORK_TICKETS = _(
    "%(user)s has a read-only role and cannot be assigned tickets. Make them an agent first."
)
INACTIVE_USER = _("%(user)s is deactivated and cannot be assigned tickets.")
STALE_VERSION = _(
    "This ticket was changed by %(user)s meanwhile. Reload the page and apply your changes again."
)
ALREADY_ACCEPTED = _("This ticket has already been accepted by %(user)s.")
INACTIVE_ENTRY = _("“%(entry)s” is deactivated and cannot be chosen.")
SUBCATEGORY_MISMATCH = _("The sub-category “%(sub)s” does not belong to the category “%(cat)s”.")
ENTRY_IN_USE = _(
    "“%(entry)s” is in use by %(count)d ticket(s) and cannot be deleted. Deactivate it instead."
)
NOT_AN_AGENT = _("Only agents and administrators can change tickets.")
ALREADY_CLOSED = _("This ticket is already closed.")
NOT_CLOSED = _("This ticket is not closed.")
NO_CLOSED_STATUS = _("No active status counts as closed. Configure one first.")
NO_DEFAULT_STATUS = _("No active default status for new tickets. Configure one first.")
NO_DEFAULT_PRIORITY = _("No active priority exists. Configure one first.")
EMPTY_MESSAGE = _("The message is empty.")
EMPTY_SUBJECT = _("The subject is empty.")
NOT_ASSIGNED = _("This ticket is not assigned.")
ALREADY_ASSIGNED_TO = _("This ticket is already assigned to %(user)s.")
INVALID_EMAIL = _("“%(email)s” is not a valid e-mail address.")
LAST_NEEDED_ENTRY = _(
    "Tickets need an active open status, an active closed status and an active priority; "
    "this change to “%(entry)s” would leave none. Add or reactivate another one first."
)
