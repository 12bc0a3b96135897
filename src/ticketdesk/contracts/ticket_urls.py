"""URL of the ticket's points panel (mounted under tickets/, next to the ticket's own)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "ticket_points"
urlpatterns = [
    path("<int:number>/points/", views.ticket_panel, name="panel"),
]
