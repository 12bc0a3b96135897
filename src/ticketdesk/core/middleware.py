"""Request middleware of the shared kernel."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext


class LanguageMiddleware:
    """Serve each request in the signed-in user's language, else the browser's.

    Replaces Django's LocaleMiddleware (it must run after authentication). The
    language is switched only for the duration of the request, so a worker
    thread, or a test, never keeps the previous user's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        language = language or translation.get_language_from_request(request)
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreForSignedInMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user.

    Ticket pages and CSV exports hold customer data; neither the browser's back-button cache
    nor a shared proxy may keep a copy after the user signs out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response


class RequestBodyLimitMiddleware:
    """Refuse a request body over the cap (413) before anything parses or spools it.

    Anonymous requests only ever post the sign-in and password-reset forms, so their cap is
    small. Signed-in users may upload ATTACHMENT_MAX_FILES files of ATTACHMENT_MAX_BYTES
    (multipart forms); other signed-in bodies are form fields only, capped where Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE would refuse them with a bare 400. A chunked body without a
    Content-Length is refused (411): Django reads such a body as empty, so a form sent that
    way would lose its input silently, and no browser sends one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH")
        if not declared and request.META.get("HTTP_TRANSFER_ENCODING"):
            return length_required()
        try:
            length = int(declared or 0)
        except ValueError:
            length = 0
        limit = self.limit_for(request)
        if length > limit:
            return too_large(request, limit=limit)
        return self.get_response(request)

    @staticmethod
    def limit_for(request: HttpRequest) -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return settings.ANONYMOUS_REQUEST_MAX_BYTES
        if request.content_type == "multipart/form-data":
            return settings.REQUEST_MAX_BYTES
        fields_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return settings.REQUEST_MAX_BYTES if fields_limit is None else fields_limit


def too_large(request: HttpRequest, *, limit: int) -> HttpResponse:
    # The body is never read: closing the connection afterwards is gunicorn's job.
    response = render(request, "413.html", {"limit": filesizeformat(limit)}, status=413)
    response.headers["Connection"] = "close"
    return response


def length_required() -> HttpResponse:
    response = HttpResponse(
        gettext("Send the request with a Content-Length header."),
        status=411,
        content_type="text/plain; charset=utf-8",
    )
    response.headers["Connection"] = "close"
    return response
