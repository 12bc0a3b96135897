"""Configuration area (Main menu → Configuration): each app adds its pages here."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "config"
urlpatterns = [
    path("", views.config_index, name="index"),
]
