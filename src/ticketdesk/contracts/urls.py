"""URLs of a customer's contracts (mounted under customers/, next to the customer's own)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "contracts"
urlpatterns = [
    path("<int:customer_pk>/contracts/new/", views.contract_create, name="create"),
    path("<int:customer_pk>/contracts/<int:pk>/", views.contract_detail, name="detail"),
    path("<int:customer_pk>/contracts/<int:pk>/edit/", views.contract_edit, name="edit"),
    path(
        "<int:customer_pk>/contracts/<int:pk>/movements/", views.movement_add, name="movement_add"
    ),
    path("<int:customer_pk>/contracts/<int:pk>/ledger.csv", views.ledger_csv, name="ledger_csv"),
]
