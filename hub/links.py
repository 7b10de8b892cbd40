"""The one rule for a web address the hub stores or shows as a link.

A stored URL (a source, its archived copy, a firm's website, a firm's
response, a designation's reference, a correction's evidence) is typed by
staff or by anyone in the public form, and every page shows it as a link
that readers follow. So it must lead somewhere on the public internet:

- http or https, nothing else (no javascript:, data:, file:);
- a well-formed address with no user name or password in it;
- a host that is a public name (at least two labels, not a name reserved
  for local networks such as localhost or *.internal) or a public IP
  address (not loopback, private, link-local, multicast, reserved or
  unspecified; IPv4 addresses inside IPv6 ones are checked as IPv4);
- at most MAX_LENGTH characters, and host names within DNS's own limits.

The rule reads only the literal address: it never resolves a name (a
validation must not depend on the network). Fetching a source
(evidence.fetching) uses the same address check on every address the name
resolves to, at the time it connects.

Outside production, HUB_FETCH_ALLOW_LOOPBACK lets the hub fetch from a test
server on loopback; its URLs may then be stored and linked too, as fetching
reads them (production refuses to start with it set).

A URL stored before the rule (or breaking it since) is shown as text, never
as a link: templates render stored URLs with ``{% external_link %}``
(hub_tags).
"""

import functools
import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 1000
MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63
# Names that never lead to the public internet (RFC 6761, RFC 6762, RFC 8375,
# and the ones intranets use): the name itself or any name under it.
LOCAL_NAMES = ("localhost", "localdomain", "local", "internal", "intranet", "lan", "home.arpa")
RESERVED_NAMES = ("invalid", "test", "onion")
# The IPv6 prefix through which NAT64 gateways reach IPv4 (RFC 6052).
NAT64 = ipaddress.ip_network("64:ff9b::/96")

_well_formed = URLValidator(schemes=["http", "https"])


# Addresses (shared with evidence.fetching, which checks resolved ones) ----


def _embedded_ipv4(ip):
    """The IPv4 addresses an IPv6 address carries (6to4, Teredo, NAT64)."""
    if ip.version != 6:
        return []
    found = [ip.sixtofour]
    if ip.teredo:
        found += list(ip.teredo)
    if ip in NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [address for address in found if address is not None]


def _kind_of_internal(ip):
    """Why `ip` is not a public internet address (untranslated), or "" when it is one."""
    if ip.is_loopback:
        return gettext_noop("a loopback address")
    if ip.is_unspecified:
        return gettext_noop("an unspecified address")
    if ip.is_link_local:
        return gettext_noop("a link-local address")
    if ip.is_multicast:
        return gettext_noop("a multicast address")
    if ip.is_reserved:
        return gettext_noop("a reserved address")
    if ip.is_private:
        return gettext_noop("a private-network address")
    if not ip.is_global:
        return gettext_noop("an address that is not on the public internet")
    return ""


LOOPBACK = "a loopback address"


def address_refusal(address, *, allow_loopback=False):
    """Why `address` (an IP as text) is not on the public internet (in English), or ""."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # no IPv6 zone
    except ValueError:
        return gettext_noop("an address that could not be read")
    if ip.version == 6 and ip.ipv4_mapped is not None:
        # ::ffff:a.b.c.d is a.b.c.d; as IPv6 the whole block counts as reserved.
        candidates = [ip.ipv4_mapped]
    else:
        # The IPv4 address a 6to4, Teredo or NAT64 address leads to first:
        # it says more about where the connection would end up.
        candidates = [*_embedded_ipv4(ip), ip]
    for candidate in candidates:
        kind = _kind_of_internal(candidate)
        if kind == LOOPBACK and allow_loopback:
            continue
        if kind:
            return kind
    return ""


# URLs --------------------------------------------------------------------


def _is_ip(host):
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _name_refusal(host):
    """Why the host name `host` (lower case, no trailing dot) is not a public name, or ""."""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return _("The host name %(host)s is not valid.")
    if len(ascii_host) > MAX_HOST_LENGTH or any(
        len(label) > MAX_LABEL_LENGTH for label in ascii_host.split(".")
    ):
        return _("The host name %(host)s is too long.")
    if "." not in host:
        return _(
            "The host %(host)s is a bare name that only a local network resolves; "
            "give the full public name (example.org)."
        )
    if any(host == name or host.endswith("." + name) for name in LOCAL_NAMES):
        return _("The host %(host)s is a local-network name, not a public one.")
    if host.rsplit(".", 1)[-1] in RESERVED_NAMES:
        return _("The host %(host)s is a reserved name that does not lead to a public site.")
    return ""


def url_refusal(url):
    """Why `url` breaks the rule (a translatable message with %(host)s), or None."""
    if not isinstance(url, str) or not url:
        return _("Enter a web address.")
    if len(url) > MAX_LENGTH:
        return _("A web address may be at most %(limit)s characters long.")
    if url != url.strip() or any(char.isspace() for char in url):
        return _("A web address cannot contain spaces or line breaks.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError:
        return _("Enter a valid web address (http:// or https://).")
    if parts.scheme.lower() not in {"http", "https"}:
        return _("Only http:// and https:// addresses are accepted.")
    if parts.username is not None or parts.password is not None:
        return _("A web address cannot carry a user name or password.")
    try:
        _well_formed(url)
    except ValidationError:
        return _("Enter a valid web address (http:// or https://).")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return _("Enter a valid web address (http:// or https://).")
    if _is_ip(host):
        kind = address_refusal(host, allow_loopback=_loopback_allowed())
        if kind:
            return _("The address %(host)s is %(kind)s, not one on the public internet.")
        return None
    return _name_refusal(host) or None


def _loopback_allowed():
    return getattr(settings, "HUB_FETCH_ALLOW_LOOPBACK", False)


def is_public_url(url):
    """Whether `url` may be shown as a link (the rule holds)."""
    return _is_public(url, _loopback_allowed())


@functools.lru_cache(maxsize=4096)
def _is_public(url, loopback_allowed):  # the setting is part of the key: tests change it
    return url_refusal(url) is None


def validate_public_url(url):
    """A validator: ValidationError (code "public_url") when `url` breaks the rule."""
    message = url_refusal(url)
    if message is None:
        return
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        host = ""
    kind = address_refusal(host, allow_loopback=_loopback_allowed()) if _is_ip(host) else ""
    kind = gettext(kind) if kind else ""
    raise ValidationError(
        message, code="public_url", params={"host": host, "kind": kind, "limit": MAX_LENGTH}
    )
