"""Every URL of the URL conf as a concrete path, its parameters filled with real objects.

`World` makes one object of each kind through the factories and services; `concrete_urls`
walks `get_resolver()` and turns each pattern into a path on those objects. A new pattern
whose parameters no row of PARAMETERS fills makes `concrete_urls` raise, so the tests that
walk the URL conf (GET safety, the fuzz test) cannot silently skip a new page.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from pytest_django.fixtures import Settings

from tests.accounts.factories import TeamFactory, UserFactory
from tests.customers.factories import ContactFactory, CustomerFactory, SupportNoteFactory
from tests.inbound.factories import make_filter
from tests.inbound.mail import compose, deliver
from tests.outbox.factories import OutboundMailFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.accounts.models import User
from ticketdesk.api.services import create_token
from ticketdesk.api.webhooks.services import create_subscription
from ticketdesk.contracts.services.contracts import create_contract
from ticketdesk.inbound.imap.services import create_mailbox
from ticketdesk.tickets import services
from ticketdesk.tickets.models import Category
from ticketdesk.timekeeping.services import add_segment

ROLES = ("anonymous", "customer", "read_only", "outsider", "agent", "administrator")
# A port on the loopback address that nothing listens on: the mailbox connection test fails
# at once instead of reaching out.
CLOSED_PORT = 9


@dataclass
class World:
    """One of everything a URL can point at, and a user per role."""

    users: dict[str, User | None]
    colleague: User
    objects: dict[str, Any]

    @classmethod
    def build(cls, settings: Settings) -> World:
        users: dict[str, User | None] = {
            "anonymous": None,
            "customer": UserFactory(customer=True),
            "read_only": UserFactory(read_only=True),
            "outsider": UserFactory(outsider=True),
            "agent": UserFactory(),
            "administrator": UserFactory(admin=True),
        }
        # Pages about "a user" point at this one, so no request changes the acting users.
        colleague = UserFactory(full_name="Colleague")
        ticket = TicketFactory(by=users["agent"])
        services.add_note(
            ticket,
            by=users["agent"],
            text="Log attached.",
            attachments=[services.AttachmentInput(name="log.txt", content=b"line\n")],
        )
        customer = CustomerFactory()
        settings.INBOUND_REVIEW_UNKNOWN_SENDERS = True
        inbound = deliver(compose(sender="max@elsewhere.example", subject="Quote request"))
        objects = {
            "ticket": ticket,
            "attachment": ticket.attachments.get(),
            "customer": customer,
            "contact": ContactFactory(customers=[customer]),
            "note": SupportNoteFactory(customer=customer),
            "contract": create_contract(
                customer,
                by=users["administrator"],
                name="Support",
                total_points=10,
                valid_from=timezone.localdate(),
            ),
            "inbound": inbound,
            "mail": OutboundMailFactory(failed=True),
            "filter": make_filter(("subject", "contains", "invoice")),
            "mailbox": create_mailbox(
                name="Support",
                host="127.0.0.1",
                port=CLOSED_PORT,
                security="none",
                username="support",
                password="secret",
            ),
            "team": TeamFactory(),
            "category": Category.objects.order_by("pk").first(),
            "token": create_token(users["agent"], name="CRM")[0],
            # Inactive and on a documentation address: nothing in the world is sent to it.
            "webhook": create_subscription(
                url="https://example.com/hooks", events=["ticket.created"], is_active=False
            ),
            "segment": add_segment(
                ticket,
                by=users["agent"],
                date=timezone.localdate(),
                minutes=30,
                comment="Setup",
            ),
        }
        return cls(users=users, colleague=colleague, objects=objects)

    def admin_object_id(self, app_label: str, model_name: str) -> str:
        model = apps.get_model(app_label, model_name)
        if model is User:
            return str(self.colleague.pk)
        row = model._default_manager.order_by("pk").first()
        return str(row.pk) if row is not None else "1"

    def pin_mailbox_to_loopback(self) -> None:
        """Put the mailbox back on the closed loopback port (a fuzzed edit may have moved it)."""
        from ticketdesk.inbound.models import Mailbox

        Mailbox.objects.update(host="127.0.0.1", port=CLOSED_PORT, security="none")


Filler = Callable[[World, re.Match[str]], str]


def _obj(name: str, attr: str = "pk") -> Filler:
    return lambda world, _match: str(getattr(world.objects[name], attr))


def _reset_uid(world: World, _match: re.Match[str]) -> str:
    return urlsafe_base64_encode(force_bytes(world.colleague.pk))


def _reset_token(world: World, _match: re.Match[str]) -> str:
    return default_token_generator.make_token(world.colleague)


def _admin_object(world: World, match: re.Match[str]) -> str:
    return world.admin_object_id(match["app"], match["model"])


def _content_type(world: World, _match: re.Match[str]) -> str:
    return str(ContentType.objects.get_for_model(world.objects["customer"]).pk)


# (route regex, parameter name) -> value. The route is the pattern's full route string.
PARAMETERS: list[tuple[str, str, Filler]] = [
    (r"^tickets/<int:number>/", "number", _obj("ticket", "number")),
    (r"^api/v1/tickets/<number>", "number", _obj("ticket", "number")),
    (r"^api/v1/tickets/<number>/attachments/", "pk", _obj("attachment")),
    (r"^api/v1/customers/", "pk", _obj("customer")),
    (r"^api/v1/contacts/", "pk", _obj("contact")),
    (r"^accounts/profile/api-tokens/", "pk", _obj("token")),
    (r"^tickets/<int:number>/attachments/", "pk", _obj("attachment")),
    (r"^tickets/<int:number>/time/", "pk", _obj("segment")),
    (r"^reports/<report_section:section>", "section", lambda _w, _m: "performance"),
    (r"^reports/customer/", "pk", _obj("customer")),
    (r"^customers/<int:pk>/", "pk", _obj("customer")),
    (r"^customers/<int:customer_pk>/", "customer_pk", _obj("customer")),
    (r"^customers/contacts/", "pk", _obj("contact")),
    (r"^customers/<int:customer_pk>/contracts/", "pk", _obj("contract")),
    (r"^customers/notes/", "pk", _obj("note")),
    (r"^incoming/", "pk", _obj("inbound")),
    (r"^config/outbox/", "pk", _obj("mail")),
    (r"^config/support/mail-filters/", "pk", _obj("filter")),
    (r"^config/mailboxes/", "pk", _obj("mailbox")),
    (r"^config/webhooks/", "pk", _obj("webhook")),
    (r"^config/notifications/", "event", lambda _w, _m: "reply"),
    (r"^config/notifications/", "language", lambda _w, _m: "de"),
    (r"^config/users/", "pk", lambda world, _m: str(world.colleague.pk)),
    (r"^config/teams/", "pk", _obj("team")),
    (r"^config/support/<str:kind>/", "kind", lambda _w, _m: "categories"),
    (r"^config/support/<str:kind>/<int:pk>/", "pk", _obj("category")),
    (r"^accounts/password-reset/", "uidb64", _reset_uid),
    (r"^accounts/password-reset/", "token", _reset_token),
    (r"^portal/tickets/<int:number>/", "number", _obj("ticket", "number")),
    (r"^portal/tickets/<int:number>/attachments/", "pk", _obj("attachment")),
    (r"^portal/password/", "uidb64", _reset_uid),
    (r"^portal/password/", "token", _reset_token),
    (r"^config/support/portal/contacts/", "pk", _obj("contact")),
    (r"^admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/", "object_id", _admin_object),
    (r"^admin/accounts/user/<id>/", "id", lambda world, _m: str(world.colleague.pk)),
    (r"^admin/r/", "content_type_id", _content_type),
    (r"^admin/r/", "object_id", _obj("customer")),
]
# Patterns that are regular expressions rather than routes: one example path each.
REGEX_ROUTES = {
    "admin/^(?P<app_label>": "admin/tickets/",
    "admin/(?P<url>.*)$": "admin/no-such-page/",
}
_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Url:
    route: str
    name: str
    path: str

    @property
    def is_admin_site(self) -> bool:
        return self.route.startswith("admin/")


def _patterns(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name or ''}"


def _fill(route: str, world: World) -> str:
    for start, example in REGEX_ROUTES.items():
        if route.startswith(start):
            return "/" + example

    def value(parameter: re.Match[str]) -> str:
        name = parameter[1]
        for regex, wanted, filler in PARAMETERS:
            if wanted == name and (match := re.match(regex, route)):
                return filler(world, match)
        raise LookupError(f"no row of PARAMETERS fills <{name}> in {route!r}; add one")

    return "/" + _PARAMETER.sub(value, route)


def concrete_urls(world: World) -> list[Url]:
    """Each pattern of the URL conf once, as a path to the world's objects."""
    return [
        Url(route=route, name=name, path=_fill(route, world))
        for route, name in _patterns(get_resolver().url_patterns)
    ]


def _is_loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host in {"localhost", None}:
        return True
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


def loopback_only_getaddrinfo(real: Callable[..., Any]) -> Callable[..., Any]:
    """getaddrinfo that refuses every host but the loopback, without asking DNS.

    Walking the URL conf with generated form data could point the mailbox test at any host;
    the tests must never reach out of this machine.
    """

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback(host):
            raise socket.gaierror(socket.EAI_NONAME, f"{host!r} is off limits in tests")
        return real(host, *args, **kwargs)

    return getaddrinfo
