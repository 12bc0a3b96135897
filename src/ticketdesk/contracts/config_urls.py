"""URL of Configuration → Support → Points (mounted at config/support/points/)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "points"
urlpatterns = [
    path("", views.points_settings, name="settings"),
]
