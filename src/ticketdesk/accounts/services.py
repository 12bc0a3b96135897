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
