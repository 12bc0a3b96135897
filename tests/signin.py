"""Sign in through the real login form, as a browser does (django-axes sees every attempt)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse


def sign_in(client: Client, email: str, password: str) -> bool:
    """Post the login form; True when the client is signed in afterwards."""
    client.post(reverse("accounts:login"), {"username": email, "password": password})
    return "_auth_user_id" in client.session
