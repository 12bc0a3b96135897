"""URLs of Configuration → Support → Notification texts."""

from __future__ import annotations

from django.urls import path

from .views import notifications

app_name = "config_notifications"
urlpatterns = [
    path("", notifications.notification_text_list, name="list"),
    path("<str:event>/<str:language>/", notifications.notification_text_edit, name="edit"),
    path(
        "<str:event>/<str:language>/reset/",
        notifications.notification_text_reset,
        name="reset",
    ),
]
