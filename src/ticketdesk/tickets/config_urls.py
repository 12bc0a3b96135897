"""URLs of Configuration → Support lists (mounted under /config/support/).

Each list has a named page (config_support:statuses, ...); the actions take the
list's key: config_support:create / edit / move / set_active / delete.
"""

from __future__ import annotations

from django.urls import path

from .forms_config import KINDS
from .views import config as views

app_name = "config_support"
urlpatterns = [
    *(
        path(f"{key}/", views.entry_list, {"kind": key}, name=key)
        for key, kind in KINDS.items()
        if kind.has_own_page
    ),
    path("<str:kind>/new/", views.entry_form, name="create"),
    path("<str:kind>/<int:pk>/", views.entry_form, name="edit"),
    path("<str:kind>/<int:pk>/move/", views.entry_move, name="move"),
    path("<str:kind>/<int:pk>/active/", views.entry_set_active, name="set_active"),
    path("<str:kind>/<int:pk>/delete/", views.entry_delete, name="delete"),
]
