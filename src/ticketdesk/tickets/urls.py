"""URLs of the agent's ticket workspace."""

from __future__ import annotations

from django.urls import path

from .views import list as list_views

app_name = "tickets"
urlpatterns = [
    path("", list_views.ticket_list, name="list"),
]
