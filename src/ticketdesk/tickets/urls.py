"""URLs of the agent's ticket workspace."""

from __future__ import annotations

from django.urls import path

from .views import list as list_views

app_name = "tickets"
urlpatterns = [
    path("", list_views.ticket_list, name="list"),
    path("export.csv", list_views.ticket_export, name="export"),
    path("bulk/", list_views.ticket_bulk, name="bulk"),
]
