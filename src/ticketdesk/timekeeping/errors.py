"""Error messages of the time-keeping rules, as constants that views and tests share."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MINUTES_NOT_POSITIVE = _("Enter a duration of at least one minute.")
MINUTES_TOO_MANY = _("One time entry can be at most 24 hours (1440 minutes); split longer work.")
MINUTES_INVALID = _("Enter the duration in minutes (e.g. 90) or hours and minutes (e.g. 1:30).")
DATE_IN_FUTURE = _("The date lies in the future; time can only be logged for today or earlier.")
DATE_TOO_OLD = _("The date lies more than ten years back; check the year.")
COMMENT_TOO_LONG = _(
    "The comment is too long: at most %(limit)d characters, this one has %(length)d."
)
STALE_SEGMENT = _("This time entry was changed meanwhile. Reload it and apply your change again.")
SEGMENT_GONE = _("This time entry no longer exists on this ticket (deleted meanwhile?).")
NOT_YOUR_SEGMENT = _("Only its agent or an administrator can change this time entry.")
CANNOT_LOG_TIME = _("Only agents and administrators can log time.")
