"""URLs of Configuration → Support → Business hours (mounted at config/support/business-hours/)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "sla"
urlpatterns = [
    path("", views.business_hours, name="business_hours"),
    path("schedule/", views.save_schedule, name="save_schedule"),
    path("holidays/", views.save_holidays, name="save_holidays"),
    path("closed-days/", views.add_closed_day, name="add_closed_day"),
    path("closed-days/remove/", views.remove_closed_day, name="remove_closed_day"),
]
