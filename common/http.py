"""What a request says of its client."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address for the sign-in lockout.

    Behind nginx (``BEHIND_PROXY=1``) every request comes from the proxy, so
    the address is the right-most entry of X-Forwarded-For, the one the proxy
    itself wrote; a client cannot forge it. Without a proxy that header is
    ignored, since anyone may send it.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")
