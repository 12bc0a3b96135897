"""Telling the user how a service call went, through Django's messages framework."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def run_and_report(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run `action`; show `success`, or the ValidationError's messages when it refuses."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True
