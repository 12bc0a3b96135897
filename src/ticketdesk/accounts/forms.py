"""Forms of the accounts app (validation only)."""

from __future__ import annotations

from django import forms

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]
