"""Error pages (400, 403, 404, 500) in the product's look; the root URL conf points at them.

Each handler renders its template and, should that fail (a broken template, a database
that is gone), answers a plain text page with the same status instead of a second error.
"""

from __future__ import annotations

import logging

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class InvalidParameter(BadRequest):
    """A query or form parameter a view cannot use; the message is shown on the 400 page.

    Raise it with a translated, user-facing message.
    """


def _page(request: HttpRequest, template: str, status: int, **context: object) -> HttpResponse:
    try:
        return render(request, template, context, status=status)
    except Exception:  # the error page itself must never turn into a 500
        logger.exception("error page %s failed to render", template)
        return _plain(status)


def _plain(status: int) -> HttpResponse:
    text = {
        400: _("Invalid request."),
        403: _("Access denied."),
        404: _("Page not found."),
        500: _("Something went wrong on our side."),
    }[status]
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = str(exception) if isinstance(exception, InvalidParameter) else ""
    return _page(request, "400.html", 400, message=message)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: its processors (user, messages, the menu) may need the database
    # that just failed.
    try:
        body = loader.get_template("500.html").render()
    except Exception:
        logger.exception("error page 500.html failed to render")
        return _plain(500)
    return HttpResponse(body, status=500)
