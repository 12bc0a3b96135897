"""Root URL configuration."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from ticketdesk.api.v1 import api as api_v1

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/profile/api-tokens/", include("ticketdesk.api.token_urls")),
    path("accounts/", include("ticketdesk.accounts.urls")),
    path("api/v1/", api_v1.urls),
    path("tickets/", include("ticketdesk.tickets.urls")),
    path("tickets/", include("ticketdesk.timekeeping.urls")),
    path("tickets/", include("ticketdesk.contracts.ticket_urls")),
    path("reports/", include("ticketdesk.reports.urls")),
    path("customers/", include("ticketdesk.customers.urls")),
    path("customers/", include("ticketdesk.contracts.urls")),
    path("portal/", include("ticketdesk.portal.urls")),
    path("incoming/", include("ticketdesk.inbound.inbox.urls")),
    path("config/outbox/", include("ticketdesk.outbox.urls")),
    path("config/webhooks/", include("ticketdesk.api.webhooks.urls")),
    path("config/support/mail-filters/", include("ticketdesk.inbound.filters.urls")),
    path("config/support/business-hours/", include("ticketdesk.sla.urls")),
    path("config/support/points/", include("ticketdesk.contracts.config_urls")),
    path("config/support/portal/", include("ticketdesk.portal.config_urls")),
    path("config/mailboxes/", include("ticketdesk.inbound.imap.urls")),
    path("config/notifications/", include("ticketdesk.tickets.notification_urls")),
    path("config/", include("ticketdesk.accounts.config_urls")),
    path("config/support/", include("ticketdesk.tickets.config_urls")),
    path("config/", include("ticketdesk.core.config_urls")),
    path("", include("ticketdesk.core.urls")),
]

handler400 = "ticketdesk.core.errors.bad_request"
handler403 = "ticketdesk.core.errors.permission_denied"
handler404 = "ticketdesk.core.errors.page_not_found"
handler500 = "ticketdesk.core.errors.server_error"
