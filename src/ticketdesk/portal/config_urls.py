"""URLs of the portal's configuration (mounted at config/support/portal/), administrators only."""

from __future__ import annotations

from django.urls import path

from . import config_views

app_name = "portal_config"
urlpatterns = [
    path("", config_views.portal_settings_page, name="settings"),
    path("contacts/<int:pk>/invite/", config_views.invite_contact, name="invite"),
]
