"""URLs of Configuration → Support → Mail filters (mounted under /config/support/mail-filters/)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "config_mail_filters"
urlpatterns = [
    path("", views.filter_list, name="list"),
    path("new/", views.filter_form, name="create"),
    path("<int:pk>/", views.filter_form, name="edit"),
    path("<int:pk>/move/", views.filter_move, name="move"),
    path("<int:pk>/active/", views.filter_set_active, name="set_active"),
    path("<int:pk>/delete/", views.filter_delete, name="delete"),
]
