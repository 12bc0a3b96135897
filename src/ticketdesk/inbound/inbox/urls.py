"""URLs of the incoming-mail inbox (mounted under /incoming/)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "inbound"
urlpatterns = [
    path("", views.inbox_list, name="list"),
    path("<int:pk>/", views.inbox_detail, name="detail"),
    path("<int:pk>/raw/", views.inbox_raw, name="raw"),
    path("<int:pk>/ticket/", views.inbox_create_ticket, name="create_ticket"),
    path("<int:pk>/append/", views.inbox_append, name="append"),
    path("<int:pk>/discard/", views.inbox_discard, name="discard"),
]
