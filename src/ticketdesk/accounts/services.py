"""Writes to users and teams."""

from __future__ import annotations

from django.db import transaction

from .models import User


@transaction.atomic
def update_profile(user: User, *, full_name: str, language: str) -> User:
    """The user's own name and UI language."""
    user.full_name = full_name.strip()
    user.language = language
    user.save(update_fields=["full_name", "language"])
    return user


def remember_ticket_list_view(user: User, *, view: str) -> User:
    """Store the ticket list view the user chose, so the list opens with it next time."""
    if user.ticket_list_view != view:
        user.ticket_list_view = view
        user.save(update_fields=["ticket_list_view"])
    return user
