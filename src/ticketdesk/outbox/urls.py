"""URLs of the outbox page (under Configuration)."""

from __future__ import annotations

from django.urls import path

from ticketdesk.outbox import views

app_name = "outbox"
urlpatterns = [
    path("", views.outbox_list, name="list"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("retry-failed/", views.retry_failed, name="retry_failed"),
]
