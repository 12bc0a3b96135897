"""URLs of customer records, their contacts, support notes and the CSV import."""

from __future__ import annotations

from django.urls import path

from . import import_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("search/", views.customer_search, name="search"),
    path("new/", views.customer_form, name="create"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_form, name="edit"),
    path("<int:customer_pk>/contacts/new/", views.contact_form, name="contact_create"),
    path("contacts/<int:pk>/edit/", views.contact_form, name="contact_edit"),
    path("<int:customer_pk>/notes/new/", views.note_form, name="note_create"),
    path("notes/<int:pk>/edit/", views.note_form, name="note_edit"),
    path("notes/<int:pk>/delete/", views.note_delete, name="note_delete"),
    path("import/", import_views.import_upload, name="import"),
    path("import/preview/", import_views.import_preview, name="import_preview"),
    path("import/confirm/", import_views.import_confirm, name="import_confirm"),
]
