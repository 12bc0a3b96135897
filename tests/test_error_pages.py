"""Error pages: 400, 403, 404, 413 and 500 in the product's look, translated, with a way back.

The module doubles as a URL conf (`@pytest.mark.urls`) with a view that fails, to see the
500 page as a visitor gets it.
"""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path
from django.utils import translation
from django.utils.translation import gettext
from pytest_django.fixtures import Settings

from tests.accounts.factories import UserFactory
from ticketdesk.core.errors import InvalidParameter, bad_request, server_error
from ticketdesk.core.logs import NoTracebackForClientErrors

pytestmark = pytest.mark.django_db


def failing_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view broke")


urlpatterns = [path("broken/", failing_view), path("", include("ticketdesk.urls"))]
handler500 = "ticketdesk.core.errors.server_error"


def in_german(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


def assert_error_page(response: HttpResponse, status: int, heading: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert 'class="error-page"' in html
    assert f'<p class="error-code">{status}</p>' in html
    assert heading in html
    assert 'href="/"' in html
    return html


def test_unknown_address_answers_the_404_page(client: Client) -> None:
    client.force_login(UserFactory())
    html = assert_error_page(client.get("/no-such-page/"), 404, "Page not found")
    assert "To the start page" in html
    assert 'aria-label="Main menu"' in html


def test_404_page_is_in_the_users_language(client: Client) -> None:
    client.force_login(UserFactory(language="de"))
    html = assert_error_page(client.get("/tickets/999999/"), 404, in_german("Page not found"))
    assert '<html lang="de">' in html
    assert in_german("To the start page") in html


def test_read_only_user_on_an_agent_page_gets_the_403_page(client: Client) -> None:
    # Customer logins no longer get here: they are sent to the portal (tests/portal/).
    client.force_login(UserFactory(read_only=True))
    assert_error_page(client.get("/tickets/new/"), 403, "Access denied")


def test_403_page_is_in_the_users_language(client: Client) -> None:
    client.force_login(UserFactory(language="de"))
    html = assert_error_page(client.get("/config/"), 403, in_german("Access denied"))
    assert '<html lang="de">' in html


def test_suspicious_request_gets_the_400_page(client: Client) -> None:
    response = client.get("/accounts/login/", headers={"host": "evil.example"})
    assert_error_page(response, 400, "Invalid request")


def test_400_page_shows_the_message_of_an_invalid_parameter() -> None:
    request = RequestFactory().get("/tickets/")
    response = bad_request(request, InvalidParameter("The page number is too large."))
    html = assert_error_page(response, 400, "Invalid request")
    assert "The page number is too large." in html


def test_oversized_request_gets_the_413_page(client: Client, settings: Settings) -> None:
    settings.ANONYMOUS_REQUEST_MAX_BYTES = 1000
    response = client.post(
        "/accounts/login/",
        {"username": "x" * 5000, "password": "y"},
        headers={"accept-language": "en"},
    )
    html = assert_error_page(response, 413, "Request too large")
    assert "1000" in html.replace("\xa0", " ") or "1,000" in html or "1.000" in html


@pytest.mark.urls("tests.test_error_pages")
def test_failing_view_gets_the_500_page(client: Client) -> None:
    client.raise_request_exception = False
    response = client.get("/broken/", headers={"accept-language": "en"})
    assert_error_page(response, 500, "Something went wrong on our side")


def test_500_page_renders_without_the_database(django_assert_num_queries) -> None:
    request = RequestFactory().get("/tickets/")
    with django_assert_num_queries(0), connection.execute_wrapper(refuse_queries):
        response = server_error(request)
    assert_error_page(response, 500, "Something went wrong on our side")


def refuse_queries(*args: object) -> None:
    raise AssertionError("the 500 page must not query the database")


def test_403_is_logged_without_a_traceback(client: Client, caplog) -> None:
    client.force_login(UserFactory(read_only=True))
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/tickets/new/").status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /tickets/new/"
    assert record.exc_info is None


def test_client_error_filter_keeps_tracebacks_of_server_errors() -> None:
    records: list[logging.LogRecord] = []
    logger = logging.getLogger("tests.error_pages")
    logger.propagate = False
    logger.addFilter(NoTracebackForClientErrors())
    logger.addHandler(handler := logging.Handler())
    handler.emit = records.append  # type: ignore[method-assign]
    try:
        for status in (403, 500):
            try:
                raise RuntimeError(status)
            except RuntimeError as exc:
                logger.warning("status %s", status, exc_info=exc, extra={"status_code": status})
    finally:
        logger.removeHandler(handler)
    assert [r.exc_info is None for r in records] == [True, False]
