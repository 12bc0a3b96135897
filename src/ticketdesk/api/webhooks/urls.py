"""URLs of Configuration → Webhooks (mounted under /config/webhooks/)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "config_webhooks"
urlpatterns = [
    path("", views.subscription_list, name="list"),
    path("new/", views.subscription_form, name="create"),
    path("<int:pk>/", views.subscription_form, name="edit"),
    path("<int:pk>/rotate-secret/", views.subscription_rotate, name="rotate"),
    path("<int:pk>/test/", views.subscription_test, name="test"),
    path("<int:pk>/delete/", views.subscription_delete, name="delete"),
]
