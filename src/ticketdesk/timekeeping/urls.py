"""URLs of time keeping on a ticket (mounted under tickets/, next to the ticket's own)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "timekeeping"
urlpatterns = [
    path("<int:number>/time/", views.panel, name="panel"),
    path("<int:number>/time/heartbeat/", views.heartbeat, name="heartbeat"),
    path("<int:number>/time/add/", views.add, name="add"),
    path("<int:number>/time/<int:pk>/edit/", views.edit, name="edit"),
    path("<int:number>/time/<int:pk>/delete/", views.delete, name="delete"),
]
