"""What a request says of its client."""

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

# An IPv6 client holds a whole /64 (a home, an office, a rented server): counted by
# address, it would try 2**64 of them. The lockout and the reset limit count the /64.
IPV6_PREFIX = 64
UNREADABLE = "0.0.0.0"  # noqa: S104  # nosec B104 - a count's key, never bound to

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address for the sign-in lockout and the reset limit.

    Behind nginx (``BEHIND_PROXY=1``) every request comes from the proxy, so
    the address is the right-most entry of X-Forwarded-For, the one the proxy
    itself wrote; a client cannot forge it. Without a proxy that header is
    ignored, since anyone may send it. An IPv6 address counts as its /64 (its first
    address), an IPv4 one written as IPv6 as itself; what is not an address, as none.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-1]
    return counted_as(address)


def counted_as(text: str) -> str:
    """The address a client is counted by: ``2001:db8:1:2::`` for any address of that
    /64, ``192.0.2.7`` for itself, ``::ffff:192.0.2.7`` or ``192.0.2.7:5678``.
    What is no address (a proxy misconfigured) counts as ``0.0.0.0``, all such
    clients together: the lockout still counts them rather than letting them by."""
    try:
        address = ipaddress.ip_address(_without_port(text.strip()))
    except ValueError:
        if text:  # none at all: a request made inside the process (a test client's sign-in)
            logger.warning("Not a client address: %r; counted as %s", text[:100], UNREADABLE)
        return UNREADABLE
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return str(address)


def _without_port(text: str) -> str:
    """``[2001:db8::1]:443`` → ``2001:db8::1``, ``192.0.2.7:5678`` → ``192.0.2.7``, a
    zone (``fe80::1%eth0``) left out."""
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else text[1:]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    return text.split("%", 1)[0]
