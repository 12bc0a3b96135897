"""URLs of customer records."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
]
