"""SSRF guard: a webhook URL must be http(s) and resolve only to public addresses.

Checked when a subscription is saved and again before every delivery (DNS may have
changed); the sender then connects to the very address that was checked, so a second
lookup cannot swap in a private one (DNS rebinding). WEBHOOK_ALLOW_PRIVATE_URLS lifts
the address rule for installations whose receivers live on the internal network.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SCHEME_REFUSED = _("Only http:// and https:// URLs can receive webhooks.")
HOST_MISSING = _("The URL has no host name.")
HOST_UNKNOWN = _("The host name “%(host)s” cannot be resolved.")
ADDRESS_REFUSED = _(
    "“%(host)s” points to %(address)s, a loopback, private, link-local or otherwise "
    "non-public address. Webhooks are only sent to public addresses."
)


@dataclass(frozen=True)
class Target:
    """Where to connect: the URL's parts and the checked address to use."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def resolve_target(url: str) -> Target:
    """The checked target of `url`; ValidationError with a message for the form otherwise."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise ValidationError(SCHEME_REFUSED, code="scheme")
    host = parts.hostname
    if not host:
        raise ValidationError(HOST_MISSING, code="host")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise ValidationError(HOST_MISSING, code="host") from error
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise ValidationError(HOST_UNKNOWN, code="dns", params={"host": host}) from error
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise ValidationError(HOST_UNKNOWN, code="dns", params={"host": host})
    if not settings.WEBHOOK_ALLOW_PRIVATE_URLS:
        # Every address must be public: a name with one private address among public
        # ones could be made to connect there.
        for address in addresses:
            if not is_public(address):
                raise ValidationError(
                    ADDRESS_REFUSED, code="address", params={"host": host, "address": address}
                )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])


def is_public(address: str) -> bool:
    """True for globally routable unicast addresses (IPv4-mapped IPv6 judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
