"""Error messages of the contract rules, as constants that views and tests share."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

POINTS_NEGATIVE = _("Points cannot be negative.")
POINTS_NOT_POSITIVE = _("Enter at least one point.")
POINTS_TOO_MANY = _("That is more than %(limit)d points; check the number.")
THRESHOLD_NEGATIVE = _("The alert threshold cannot be negative.")
VALID_TO_BEFORE_FROM = _("The contract cannot end before it starts: check “valid to”.")
SHARED_WITH_OWNER = _("A contract cannot be shared with its own customer.")
REASON_REQUIRED = _("Give a reason for the credit or debit.")
REASON_TOO_LONG = _("The reason is too long: at most %(limit)d characters.")
NAME_REQUIRED = _("Give the contract a name.")
NOT_THIS_CUSTOMERS_CONTRACT = _("This contract does not belong to this customer.")
NOT_CONTRACT_CUSTOMER = _("This customer does not use this contract.")
CANNOT_MANAGE = _("Only administrators can manage contracts.")
MINUTES_PER_POINT_RANGE = _("A point is worth between 1 and %(limit)d minutes.")
PRICE_NEGATIVE = _("The price cannot be negative.")
CONTRACT_EXHAUSTED = _(
    "The customer's support contract is exhausted (no points left): billable time is "
    "refused. Log the time as not billable, or ask an administrator to top up the contract."
)
UNKNOWN_CUSTOMERS = _("No customer has the number %(numbers)s.")
TOO_MANY_SHARED = _("A contract can be shared with at most %(limit)d customers.")
