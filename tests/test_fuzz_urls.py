"""No input makes a 5xx: every URL of the URL conf, each role, generated query strings and forms.

Hypothesis sends GETs and POSTs with the parameter names the page's own forms use (read from
the page as an administrator sees it) and the names the views read from the URL, plus
random ones, with values chosen to break parsers and databases: huge numbers, NUL bytes,
unicode, empty and very long strings, dates at the ends of the calendar. A view that raises
(the test client re-raises what would be a 500) or answers 5xx fails with the input.

Derandomized and without an example database, so a run on CI repeats the one before it.
"""

from __future__ import annotations

import re
import socket
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from tests.urlconf import ROLES, Url, World, concrete_urls, loopback_only_getaddrinfo

pytestmark = pytest.mark.django_db

# Names the views read from the query string or the body directly, besides their forms' fields.
PARAMETER_NAMES = [
    *("q", "page", "sort", "view", "format", "field", "next", "query", "token", "mode"),
    *("cancel", "direction", "active", "status", "priority", "category", "team", "assignee"),
    *("customer", "opened_from", "opened_to", "tickets", "action", "reference", "save"),
    *("ticket", "language", "reply_template", "ticket_template", "text", "email"),
    *("username", "password", "o", "p", "e", "post", "_changelist_filters", "id__exact"),
]
NASTY_VALUES = [
    *("", " ", "0", "-1", "1", "2", "1.5", "1e400", "NaN", "-0", "٣"),
    *(str(2**63), str(2**64), "99999999999999999999", "9" * 5000, "-" + "9" * 30),
    *("\x00", "a\x00b", "%00", "\x00@example.com", "x@example.com\x00"),
    *("9999-12-31", "0001-01-01", "0000-00-00", "2025-02-30", "9999-12-31T23:59:59"),
    *("x" * 3000, "🙂", "ä" * 500, "\u202e", "\ud7ff", "İ", "\r\n", "<b>", "' OR 1=1 --"),
    *("T-99999999999999999999", "[#T-0]", "../../etc/passwd", "on", "up", "valid", "de", "json"),
]
# Each is sent in every parameter at once, as GET and as POST, to every URL (explicit
# examples: always run, in this order), before the generated examples.
THEMES = [
    "\x00",
    "a\x00b@example.com",
    "99999999999999999999",
    "-1",
    "9999-12-31",
    "0001-01-01",
    "x" * 1000,
    "🙂 İ \u202e ²",
    "",
]
# The Django admin is Django's code with our ModelAdmins; its pages get the sharpest themes.
ADMIN_SITE_THEMES = ["\x00", "99999999999999999999", "9999-12-31", ""]
# Examples per URL: the roles that see a page get more than those refused at the door.
EXAMPLES = {
    "anonymous": 3,
    "customer": 3,
    "read_only": 4,
    "outsider": 4,
    "agent": 6,
    "administrator": 6,
}
EXAMPLES_ADMIN_SITE = 4
# A role that every page of a URL refuses (403, or the sign-in page) before reading any
# parameter gets this many examples there, and no themes.
EXAMPLES_REFUSED = 2
NAME_ATTRIBUTE = re.compile(r'\bname="([^"]{1,80})"')
# /healthz answers 503 by design when the worker or the disk is unhealthy.
SERVICE_UNAVAILABLE_ALLOWED = {"core:healthz"}


def values(real_ids: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY_VALUES + real_ids),
        st.sampled_from(NASTY_VALUES + real_ids),
        st.text(max_size=40),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.dates().map(str),
    )


def parameters(names: list[str], real_ids: list[str]) -> st.SearchStrategy[dict[str, list[str]]]:
    """Every name of the page at once with a nasty value, or a few pairs, or both.

    Setting every name at once reaches each parameter in few examples; the few pairs reach
    the paths that one harmless value would hide (a "cancel" button, a missing field).
    """
    nasty = st.sampled_from(NASTY_VALUES + real_ids)
    everything = st.fixed_dictionaries({name: nasty.map(lambda v: [v]) for name in names})
    key = st.one_of(st.sampled_from(names), st.text(min_size=1, max_size=12))

    def grouped(items: list[tuple[str, str]]) -> dict[str, list[str]]:
        params: dict[str, list[str]] = {}
        for name, value in items:
            params.setdefault(name, []).append(value)
        return params

    some = st.lists(st.tuples(key, values(real_ids)), max_size=8).map(grouped)
    return st.one_of(everything, some, st.builds(lambda a, b: {**a, **b}, everything, some))


def form_names(client: Client, url: Url) -> list[str]:
    """The field names the page's HTML offers (as an administrator sees it)."""
    with transaction.atomic():
        response = client.get(url.path)
        transaction.set_rollback(True)
    if "html" not in response.get("Content-Type", ""):
        return []
    return sorted(set(NAME_ATTRIBUTE.findall(response.content.decode(errors="replace"))))


def request_once(client: Client, method: str, path: str, params: dict[str, list[str]]) -> int:
    # A savepoint per request: a database error (PostgreSQL aborts the transaction) stays
    # with the example that caused it.
    with transaction.atomic():
        response = client.get(path, params) if method == "GET" else client.post(path, params)
    return response.status_code


def signed_in(client: Client, user: Any) -> None:
    """Sign in again only when a fuzzed request signed the user out."""
    cookie = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
    if user is not None and (cookie is None or not cookie.value):
        client.force_login(user)


def refused_at_the_door(client: Client, path: str) -> bool:
    """Both a bare GET and a bare POST answer 403 or send to a sign-in page."""
    for method in (client.get, client.post):
        with transaction.atomic():
            response = method(path)
            transaction.set_rollback(True)
        to_login = response.status_code == 302 and "/login/?next=" in response["Location"]
        if response.status_code != 403 and not to_login:
            return False
    return True


def fuzz_url(client: Client, world: World, role: str, url: Url, names: list[str]) -> None:
    user = world.users[role]
    real_ids = [str(obj.pk) for obj in world.objects.values()]
    real_ids.append(str(world.objects["ticket"].number))
    signed_in(client, user)
    themes = ADMIN_SITE_THEMES if url.is_admin_site else THEMES
    examples = EXAMPLES_ADMIN_SITE if url.is_admin_site else EXAMPLES[role]
    if refused_at_the_door(client, url.path):
        themes, examples = [], EXAMPLES_REFUSED

    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        # Shrinking a failure can take minutes; the unshrunk input and the traceback suffice.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(method=st.sampled_from(["GET", "POST"]), params=parameters(names, real_ids))
    def check(method: str, params: dict[str, list[str]]) -> None:
        signed_in(client, user)
        if url.name == "config_mailboxes:test":
            world.pin_mailbox_to_loopback()
        status = request_once(client, method, url.path, params)
        if status == 503 and url.name in SERVICE_UNAVAILABLE_ALLOWED:
            return
        assert status < 500, f"{method} {url.path} answered {status}"

    for theme in themes:
        for method in ("GET", "POST"):
            check = example(method=method, params={name: [theme] for name in names})(check)
    check()


@pytest.fixture
def world(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(socket, "getaddrinfo", loopback_only_getaddrinfo(socket.getaddrinfo))
    return World.build(settings)


def run(client: Client, world: World, role: str, urls: list[Url]) -> list[str]:
    admin = Client()
    admin.force_login(world.users["administrator"])
    failures = []
    for url in urls:
        if url.route not in _names_by_route:
            _names_by_route[url.route] = sorted({*PARAMETER_NAMES, *form_names(admin, url)})
        try:
            fuzz_url(client, world, role, url, _names_by_route[url.route])
        except Exception as exc:  # every failing URL is reported, not only the first
            notes = "\n".join(getattr(exc, "__notes__", []))
            failures.append(f"{role} {url.name} {url.path}: {exc!r}\n{notes}")
    return failures


# The field names of each page, read once per run (they do not depend on the role).
_names_by_route: dict[str, list[str]] = {}


@pytest.mark.parametrize("role", ROLES)
def test_no_input_makes_an_application_page_fail(client: Client, world: World, role: str) -> None:
    urls = [url for url in concrete_urls(world) if not url.is_admin_site]
    failures = run(client, world, role, urls)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_no_input_makes_an_admin_site_page_fail(client: Client, world: World, role: str) -> None:
    urls = [url for url in concrete_urls(world) if url.is_admin_site]
    failures = run(client, world, role, urls)
    assert not failures, "\n\n".join(failures)
