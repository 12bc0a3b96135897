"""URLs of Configuration → Support → Mailboxes (mounted under /config/mailboxes/)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "config_mailboxes"
urlpatterns = [
    path("", views.mailbox_list, name="list"),
    path("new/", views.mailbox_form, name="create"),
    path("fetch/", views.fetch_now, name="fetch_now"),
    path("<int:pk>/", views.mailbox_form, name="edit"),
    path("<int:pk>/delete/", views.mailbox_delete, name="delete"),
    path("<int:pk>/test/", views.mailbox_test, name="test"),
]
