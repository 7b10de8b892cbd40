"""Fetching a source's URL from the hub's machine, safely: the archiver and the link checker.

Anyone can propose a source, so a source URL is untrusted input that makes the
hub open connections. Without care it could make the hub read its own
services (a database console on 127.0.0.1, a cloud metadata endpoint at
169.254.169.254, a router on 10.0.0.1) and publish what they answer. So:

- Only http and https.
- The host is resolved once per hop, and the hop is refused when ANY address
  it resolves to is loopback, private, link-local, multicast, reserved,
  unspecified or otherwise not on the public internet (IPv4 addresses
  embedded in IPv6 ones, such as ::ffff:10.0.0.1, are checked as IPv4).
- The connection goes to an address that was checked, never to a second DNS
  answer (a name that answers a public address to the check and a private
  one to the connection, "DNS rebinding", gets nowhere). The Host header and
  the TLS server name (SNI, and the certificate check) stay the original host.
- Redirects are followed here, by hand, at most HUB_FETCH_MAX_REDIRECTS, each
  hop checked in the same way before anything is sent to it.
- The body is limited in size (HUB_FETCH_MAX_BYTES: reading stops and the
  fetch fails past it), and the fetch in time: connecting, each read, and
  the whole exchange, redirects included.

A failure is a FetchError whose text is one plain sentence: it is stored and
shown on the public source page, so it never carries a stack trace.
"""

import datetime
import http.client
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings

from hub import links

USER_AGENT = "TOT-Insights-Hub/1.0 (+https://totinsights.org/; archiving cited sources)"
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024


class FetchError(Exception):
    """The fetch failed; str(error) is one sentence fit to show the public."""


class FetchRefused(FetchError):
    """The hub will not fetch this URL at all (scheme, host, address): asking again won't help."""


@dataclass
class Exchange:
    """One request and its response: one hop of a fetch."""

    url: str
    method: str
    address: str  # the checked IP address the connection went to
    request_target: str  # "/path?query", as sent
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    http_version: str  # "HTTP/1.1"
    headers: list[tuple[str, str]]
    body: bytes
    started_at: datetime.datetime
    truncated: bool = False

    def header(self, name, default=""):
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), default)


@dataclass
class FetchResult:
    """Every hop of a fetch, the last one being the answer."""

    exchanges: list[Exchange] = field(default_factory=list)
    elapsed_ms: int = 0

    @property
    def final(self):
        return self.exchanges[-1]

    @property
    def url(self):
        return self.exchanges[0].url

    @property
    def final_url(self):
        return self.final.url

    @property
    def status_code(self):
        return self.final.status

    @property
    def body(self):
        return self.final.body


def _setting(name, default):
    return getattr(settings, name, default)


def mib(size):
    return f"{size / (1024 * 1024):g} MiB"


# Addresses ------------------------------------------------------------------


def address_refusal(address, *, allow_loopback=None):
    """Why the hub will not connect to `address` (an IP as text), or "" when it may.

    The rule is hub.links', the one stored and shown URLs follow too; here it
    is applied to every address a host resolves to, and a test server on
    loopback may be allowed (HUB_FETCH_ALLOW_LOOPBACK, never in production).
    """
    if allow_loopback is None:
        allow_loopback = _setting("HUB_FETCH_ALLOW_LOOPBACK", False)
    return links.address_refusal(address, allow_loopback=allow_loopback)


def _resolve(host, port):
    """Every address `host` resolves to, each checked; the ones to connect to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"The host name {host} could not be resolved.") from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise FetchError(f"The host name {host} could not be resolved.")
    for address in addresses:
        kind = address_refusal(address)
        if kind:
            shown = host if host == address else f"{host} ({address})"
            raise FetchRefused(
                f"Refused to fetch from {shown}: it is {kind}, and the hub only fetches "
                "from the public internet."
            )
    return addresses


# One hop --------------------------------------------------------------------


@dataclass
class _Target:
    url: str
    scheme: str
    host: str  # ASCII (IDNA), no brackets
    port: int
    request_target: str
    host_header: str


def _parse(url):
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise FetchRefused("The URL is not valid.") from error
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise FetchRefused("Only http and https URLs are fetched.")
    if not parts.hostname:
        raise FetchRefused("The URL names no host.")
    if parts.username is not None or parts.password is not None:
        raise FetchRefused("URLs carrying a user name or password are not fetched.")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise FetchRefused(f"{parts.hostname} is not a valid host name.") from error
    default_port = 443 if scheme == "https" else 80
    port = port or default_port
    # What http.client would refuse (spaces, non-ASCII) is percent-encoded, as browsers do.
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~-._")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=~-._?")
    target = f"{path}?{query}" if parts.query else path
    shown = f"[{host}]" if ":" in host else host
    host_header = shown if port == default_port else f"{shown}:{port}"
    return _Target(url.strip(), scheme, host, port, target, host_header)


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to an address already checked, speaking as `host`.

    http.client would resolve `host` again on connect; here the socket goes to
    `address` and only the Host header and TLS server name use the host.
    """

    def __init__(self, target, address, *, connect_timeout, read_timeout):
        super().__init__(target.host, target.port, timeout=connect_timeout)
        self._target = target
        self._address = address
        self._read_timeout = read_timeout

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.settimeout(self._read_timeout)
        if self._target.scheme == "https":
            context = ssl.create_default_context()
            self.sock = context.wrap_socket(self.sock, server_hostname=self._target.host)
        # Kept: http.client lets go of self.sock once a "Connection: close"
        # response begins, and each read below sets its own timeout on it.
        self.stream = self.sock


class _Deadline:
    def __init__(self, total):
        self.total = total
        self.ends = time.monotonic() + total

    def expired(self):
        return time.monotonic() >= self.ends

    def error(self):
        return FetchError(f"The fetch took longer than {self.total:g} s and was stopped.")

    def left(self):
        left = self.ends - time.monotonic()
        if left <= 0:
            raise self.error()
        return left


def _one_hop(target, method, *, limits, deadline, body_limit, partial):
    addresses = _resolve(target.host, target.port)
    headers = [
        ("Host", target.host_header),
        ("User-Agent", USER_AGENT),
        ("Accept", "*/*"),
        # The bytes as the server keeps them: nothing to decode before archiving.
        ("Accept-Encoding", "identity"),
        ("Connection", "close"),
    ]
    started_at = datetime.datetime.now(datetime.UTC)
    connection = None
    last_error = None
    for address in addresses:  # each one checked above
        connection = _PinnedConnection(
            target,
            address,
            connect_timeout=min(limits["connect"], deadline.left()),
            read_timeout=min(limits["read"], deadline.left()),
        )
        try:
            connection.connect()
            break
        except OSError as error:
            connection.close()
            connection, last_error = None, error
    if connection is None:
        raise _connection_error(last_error, target, limits["connect"], deadline, connecting=True)
    try:
        connection.putrequest(
            method, target.request_target, skip_host=True, skip_accept_encoding=True
        )
        for name, value in headers:
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        declared = response.getheader("Content-Length")
        if (
            not partial
            and declared
            and declared.isdigit()
            and int(declared) > body_limit
            and method != "HEAD"
        ):
            raise FetchError(
                f"The response is larger than the hub's limit of {mib(body_limit)} "
                f"({int(declared):,} bytes announced)."
            )
        body, truncated = bytearray(), False
        # The response closes itself once it has read a body of known length.
        while not response.isclosed():
            connection.stream.settimeout(min(limits["read"], deadline.left()))
            # read1: what has arrived, so that a server sending a byte at a
            # time meets the deadline between reads, not after 64 KiB.
            chunk = response.read1(CHUNK)
            if not chunk:
                break
            body += chunk
            if len(body) > body_limit:
                if not partial:
                    raise FetchError(
                        f"The response is larger than the hub's limit of {mib(body_limit)}; "
                        "reading stopped there."
                    )
                del body[body_limit:]
                truncated = True
                break
        version = {10: "HTTP/1.0", 11: "HTTP/1.1"}.get(response.version, "HTTP/1.1")
        return Exchange(
            url=target.url,
            method=method,
            address=connection._address,
            request_target=target.request_target,
            request_headers=headers,
            status=response.status,
            reason=response.reason or "",
            http_version=version,
            headers=list(response.getheaders()),
            body=bytes(body),
            started_at=started_at,
            truncated=truncated,
        )
    except FetchError:
        raise
    except (OSError, http.client.HTTPException) as error:
        raise _connection_error(
            error, target, limits["read"], deadline, connecting=False
        ) from error
    finally:
        connection.close()


def _connection_error(error, target, timeout, deadline, *, connecting):
    host = target.host
    if isinstance(error, TimeoutError | socket.timeout):
        if deadline.expired():  # the socket waited only for what was left of the total
            return deadline.error()
        if connecting:
            return FetchError(
                f"No connection to {host} could be made: timed out after {timeout:g} s."
            )
        return FetchError(f"The server at {host} did not answer: timed out after {timeout:g} s.")
    if isinstance(error, ConnectionRefusedError):
        return FetchError(f"The server at {host} refused the connection.")
    if isinstance(error, ssl.SSLCertVerificationError):
        reason = error.verify_message or "not trusted"
        return FetchError(f"The TLS certificate of {host} could not be verified ({reason}).")
    if isinstance(error, ssl.SSLError):
        return FetchError(f"The TLS connection to {host} failed.")
    if isinstance(error, http.client.HTTPException):
        return FetchError(f"The server at {host} did not give a valid HTTP answer.")
    if isinstance(error, ConnectionError):
        return FetchError(f"The server at {host} closed the connection.")
    reason = getattr(error, "strerror", None) or type(error).__name__
    return FetchError(f"The connection to {host} failed ({reason}).")


# The fetch ------------------------------------------------------------------


def fetch(
    url,
    *,
    method="GET",
    max_bytes=None,
    partial=False,
    connect_timeout=None,
    read_timeout=None,
    total_timeout=None,
    max_redirects=None,
):
    """Fetch `url` safely (see the module's docstring); every hop is in the result.

    A response of any status is a result (a 404 is an answer); a FetchError
    is raised when there is no answer to give: refused, unreachable, too
    slow, too large, too many redirects. `partial=True` (the link checker)
    keeps the first `max_bytes` of the body instead of failing past them.
    """
    limits = {
        "connect": connect_timeout or _setting("HUB_FETCH_CONNECT_TIMEOUT", 10.0),
        "read": read_timeout or _setting("HUB_FETCH_READ_TIMEOUT", 30.0),
    }
    deadline = _Deadline(total_timeout or _setting("HUB_FETCH_TOTAL_TIMEOUT", 120.0))
    body_limit = max_bytes if max_bytes is not None else _setting("HUB_FETCH_MAX_BYTES", 20 << 20)
    if max_redirects is None:
        max_redirects = _setting("HUB_FETCH_MAX_REDIRECTS", 5)
    started = time.monotonic()
    result = FetchResult()
    target = _parse(url)
    while True:
        exchange = _one_hop(
            target,
            method,
            limits=limits,
            deadline=deadline,
            body_limit=body_limit,
            partial=partial,
        )
        location = exchange.header("Location")
        result.exchanges.append(exchange)
        if exchange.status not in REDIRECTS or not location:
            break
        if len(result.exchanges) > max_redirects:
            raise FetchError(f"Too many redirects (more than {max_redirects}).")
        if exchange.status == 303 and method != "HEAD":
            method = "GET"
        next_url = urljoin(exchange.url, location.strip()).split("#", 1)[0]
        target = _parse(next_url)
    result.elapsed_ms = int((time.monotonic() - started) * 1000)
    return result
