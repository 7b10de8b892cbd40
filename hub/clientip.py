"""Who is asking: the client's IP address, and the keyed hash we keep of it.

`REMOTE_ADDR` is the address of whoever opened the connection. Behind a
reverse proxy that is the proxy, and the client is in `X-Forwarded-For`;
but anyone can send that header, so it is read only when the connection
comes from an address listed in `HUB_TRUSTED_PROXIES` (addresses or
networks). The list is then read from the right, skipping our own proxies:
the first address that is not one of them is the client.
"""

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings

UNKNOWN = "0.0.0.0"


def _parse(value):
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _networks(proxies):
    networks = []
    for item in proxies:
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


def is_trusted_proxy(address):
    networks = _networks(tuple(getattr(settings, "HUB_TRUSTED_PROXIES", ())))
    return address is not None and any(address in network for network in networks)


def client_ip(request):
    """The client's address as a string (`0.0.0.0` when there is none that parses)."""
    remote = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return UNKNOWN
    if not is_trusted_proxy(remote):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [_parse(part) for part in forwarded.split(",")[:20]] if forwarded else []
    for hop in reversed(hops):
        if hop is None:
            # A hop we cannot read: stop trusting the rest, use what we know.
            break
        if not is_trusted_proxy(hop):
            return str(hop)
        remote = hop
    return str(remote)


def ratelimit_key(group, request):
    """The key django-ratelimit counts by: the client address."""
    return client_ip(request)


def _ip_hash_key():
    key = getattr(settings, "HUB_IP_HASH_KEY", "")
    if key:
        return key.encode()
    # Derived from SECRET_KEY, for this one purpose only.
    return hashlib.sha256(b"hub.clientip.ip_hash:" + settings.SECRET_KEY.encode()).digest()


def ip_hash(address):
    """An IP address as a keyed hash: comparable for abuse control, not reversible."""
    return hmac.new(_ip_hash_key(), address.encode(), hashlib.sha256).hexdigest()
