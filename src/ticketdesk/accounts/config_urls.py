"""URLs of Configuration → Users and Support teams (mounted under /config/)."""

from __future__ import annotations

from django.urls import path

from . import views_config as views

app_name = "config_accounts"
urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/send-link/", views.user_send_link, name="user_send_link"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_form, name="team_create"),
    path("teams/<int:pk>/", views.team_form, name="team_edit"),
    path("teams/<int:pk>/active/", views.team_set_active, name="team_set_active"),
]
