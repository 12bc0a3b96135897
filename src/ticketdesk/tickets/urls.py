"""URLs of the agent's ticket workspace."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list, name="list"),
]
