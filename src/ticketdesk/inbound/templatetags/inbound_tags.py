"""Template tags of incoming mail: the waiting-message count for the main menu."""

from __future__ import annotations

from django import template

from ticketdesk.inbound.models import InboundMessage

register = template.Library()

# Counting stops here, so the menu's query stays one short indexed scan however full
# the inbox gets; more shows as "99+".
COUNT_CAP = 100


@register.simple_tag
def waiting_mail_count() -> str:
    """ "" when nothing waits, else the number of waiting messages (capped: "99+")."""
    count = InboundMessage.objects.needing_decision().values("pk")[:COUNT_CAP].count()
    if not count:
        return ""
    return f"{COUNT_CAP - 1}+" if count >= COUNT_CAP else str(count)
