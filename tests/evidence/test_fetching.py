"""Safe fetching (evidence.fetching): a real HTTP server on 127.0.0.1, and nothing else.

No test here connects anywhere but loopback: internal addresses (10.0.0.1,
169.254.169.254, ...) appear only in redirects and DNS answers that must be
refused before any connection, and `connections` records every address a
socket was opened to, so that each test can say so.
"""

import ipaddress
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings as django_settings

from evidence import fetching

STRONG_KEY = "k3P9v_Qx7L2mZr8TnB4wYc6HdF1sJgUaE5oVtRiXyN0qWlKpMbC"


@pytest.fixture
def connections(monkeypatch):
    """Every address evidence.fetching opens a socket to (only ever loopback here)."""
    opened = []
    real = socket.create_connection

    def recording(address, *args, **kwargs):
        opened.append(address[0])
        assert address[0] in {"127.0.0.1", "::1"}, f"a test tried to connect to {address[0]}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(fetching.socket, "create_connection", recording)
    return opened


@pytest.fixture
def dns(monkeypatch):
    """Names the test makes up, resolved as it says; every lookup is recorded."""
    answers, lookups = {}, []
    real = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        # socket.create_connection looks up the IP it is given too: not a DNS question.
        if not _is_ip(host):
            lookups.append(host)
        if host in answers:
            answer = answers[host]
            addresses = (
                answer(len([h for h in lookups if h == host])) if callable(answer) else answer
            )
            if not addresses:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port),
                )
                for a in addresses
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(fetching.socket, "getaddrinfo", resolve)
    return answers, lookups


def _is_ip(host):
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def refused(url, **kwargs):
    with pytest.raises(fetching.FetchRefused) as refusal:
        fetching.fetch(url, **kwargs)
    return str(refusal.value)


# What is fetched, and how ---------------------------------------------------


def test_a_page_is_fetched_with_its_status_headers_and_body(
    http_server, allow_loopback_fetching, connections
):
    http_server.page("/report", b"<h1>The report</h1>", headers=[("X-Seen", "yes")])
    result = fetching.fetch(http_server.url("/report"))
    assert (result.status_code, result.body) == (200, b"<h1>The report</h1>")
    assert result.final.header("x-seen") == "yes"
    assert result.final.address == "127.0.0.1"
    method, path, headers = http_server.requests[0]
    assert (method, path) == ("GET", "/report")
    assert headers["Host"] == f"127.0.0.1:{http_server.port}"
    assert headers["User-Agent"].startswith("TOT-Insights-Hub")
    assert connections == ["127.0.0.1"]


def test_an_error_status_is_an_answer_not_an_exception(http_server, allow_loopback_fetching):
    result = fetching.fetch(http_server.url("/nothing-here"))
    assert result.status_code == 404


def test_a_redirect_chain_is_followed_by_hand_and_every_hop_kept(
    http_server, allow_loopback_fetching
):
    http_server.redirect("/a", "/b", status=301)
    http_server.redirect("/b", http_server.url("/c"), status=307)
    http_server.redirect("/c", "d", status=303)  # relative to /c
    http_server.page("/d", b"arrived")
    result = fetching.fetch(http_server.url("/a"))
    assert [e.status for e in result.exchanges] == [301, 307, 303, 200]
    assert [e.url for e in result.exchanges] == [
        http_server.url(p) for p in ["/a", "/b", "/c", "/d"]
    ]
    assert (result.final_url, result.body) == (http_server.url("/d"), b"arrived")


def test_five_redirects_are_followed_and_a_sixth_is_refused(http_server, allow_loopback_fetching):
    for n in range(6):
        http_server.redirect(f"/hop{n}", f"/hop{n + 1}")
    http_server.page("/hop5", b"five hops")
    http_server.page("/hop6", b"six hops")
    assert fetching.fetch(http_server.url("/hop0")).body == b"five hops"
    http_server.redirect("/hop5", "/hop6")
    with pytest.raises(fetching.FetchError, match=r"Too many redirects \(more than 5\)"):
        fetching.fetch(http_server.url("/hop0"))


def test_only_http_and_https_are_fetched():
    for url in ["ftp://example.org/file", "file:///etc/passwd", "gopher://example.org/"]:
        assert "Only http and https" in refused(url)
    assert "user name or password" in refused("http://user:secret@example.org/")
    assert "names no host" in refused("http:///no-host")


# Internal addresses, at every hop ------------------------------------------------


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("http://10.0.0.1/admin", "a private-network address"),
        ("http://169.254.169.254/latest/meta-data/", "a link-local address"),
        ("http://[::ffff:10.0.0.1]/", "a private-network address"),  # IPv4-mapped IPv6
        ("http://[fd00::1]:8080/", "a private-network address"),
        ("http://0.0.0.0:5432/", "an unspecified address"),
        ("http://224.0.0.1/", "a multicast address"),
    ],
)
def test_a_redirect_to_an_internal_address_is_refused_before_connecting(
    http_server, allow_loopback_fetching, connections, target, kind
):
    http_server.redirect("/start", target)
    message = refused(http_server.url("/start"))
    assert kind in message
    assert "Refused to fetch" in message
    assert http_server.paths() == ["/start"]
    assert connections == ["127.0.0.1"]  # the first hop's server, and nothing else


def test_the_loopback_allowance_is_loopback_only(http_server, allow_loopback_fetching, connections):
    # Even with loopback let through for the tests, a later hop to the metadata
    # address of a cloud machine is refused, three redirects in.
    http_server.redirect("/1", "/2")
    http_server.redirect("/2", "/3")
    http_server.redirect("/3", "http://169.254.169.254/latest/meta-data/iam/")
    assert "link-local" in refused(http_server.url("/1"))
    assert http_server.paths() == ["/1", "/2", "/3"]
    assert set(connections) == {"127.0.0.1"}


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "127.1.2.3"])
def test_loopback_is_refused_at_the_first_hop_when_not_allowed(http_server, connections, host):
    assert not django_settings.HUB_FETCH_ALLOW_LOOPBACK  # the default, as in production
    message = refused(f"http://{host}:{http_server.port}/page")
    assert "a loopback address" in message
    assert http_server.requests == []
    assert connections == []


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/inside", "http://[::1]:{port}/inside"])
def test_loopback_is_refused_at_a_later_hop_when_not_allowed(
    http_server, settings, connections, target
):
    # The first hop must be reachable, so loopback is allowed for it; its
    # handler withdraws the allowance before answering with the redirect, as
    # if the first server were on the internet and redirected to the hub's machine.
    settings.HUB_FETCH_ALLOW_LOOPBACK = True

    def first(handler):
        settings.HUB_FETCH_ALLOW_LOOPBACK = False
        handler.send_response(302)
        handler.send_header("Location", target.format(port=http_server.port))
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    http_server.route("/outside", first)
    http_server.page("/inside", b"the hub's own service")
    assert "a loopback address" in refused(http_server.url("/outside"))
    assert http_server.paths() == ["/outside"]
    assert connections == ["127.0.0.1"]


def test_a_host_is_refused_when_any_of_its_addresses_is_internal(
    http_server, allow_loopback_fetching, dns, connections
):
    answers, _lookups = dns
    answers["mixed.hub-test.invalid"] = ["127.0.0.1", "10.20.30.40"]
    message = refused(f"http://mixed.hub-test.invalid:{http_server.port}/")
    assert "mixed.hub-test.invalid (10.20.30.40)" in message
    assert connections == []


def test_the_connection_goes_to_the_checked_address_with_the_original_host(
    http_server, allow_loopback_fetching, dns, connections
):
    # A rebinding name: loopback (allowed here) when first asked, then an
    # internal address. The hub asks once per hop and connects to what it checked.
    answers, lookups = dns
    answers["rebind.hub-test.invalid"] = lambda n: ["127.0.0.1"] if n == 1 else ["10.0.0.1"]
    http_server.page("/page", b"checked")
    result = fetching.fetch(f"http://rebind.hub-test.invalid:{http_server.port}/page")
    assert result.body == b"checked"
    assert lookups == ["rebind.hub-test.invalid"]
    assert connections == ["127.0.0.1"]
    # The server was asked for the original host, not the address.
    assert http_server.requests[0][2]["Host"] == f"rebind.hub-test.invalid:{http_server.port}"


def test_an_unknown_host_is_a_plain_error(dns):
    answers, _lookups = dns
    answers["nowhere.hub-test.invalid"] = []
    with pytest.raises(fetching.FetchError, match="could not be resolved"):
        fetching.fetch("http://nowhere.hub-test.invalid/")


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("::ffff:8.8.8.8", ""),  # a public IPv4 address, written as IPv6
        ("10.1.2.3", "private-network"),
        ("172.16.0.1", "private-network"),
        ("192.168.1.1", "private-network"),
        ("fc00::1", "private-network"),
        ("fe80::1%eth0", "link-local"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not on the public internet"),  # carrier-grade NAT
        ("2002:a00:1::", "private-network"),  # 6to4 of 10.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
        ("93.184.215.14", ""),
        ("2606:4700:4700::1111", ""),
    ],
)
def test_which_addresses_are_internal(address, kind):
    refusal = fetching.address_refusal(address, allow_loopback=False)
    assert (kind in refusal) if kind else refusal == ""
    if kind == "loopback":
        assert fetching.address_refusal(address, allow_loopback=True) == ""


# Size and time ----------------------------------------------------------------


def test_a_body_larger_than_announced_limit_is_refused_before_reading(
    http_server, allow_loopback_fetching
):
    http_server.page("/big", b"x" * 200_000)
    with pytest.raises(fetching.FetchError, match="larger than the hub's limit of") as failure:
        fetching.fetch(http_server.url("/big"), max_bytes=100_000)
    assert "200,000 bytes announced" in str(failure.value)


def test_a_body_without_a_length_stops_being_read_past_the_limit(
    http_server, allow_loopback_fetching, settings
):
    settings.HUB_FETCH_MAX_BYTES = 64 * 1024
    sent = []

    def endless(handler):
        # HTTP/1.0 style: no Content-Length, the body ends when the server closes.
        handler.protocol_version = "HTTP/1.0"
        handler.send_response(200)
        handler.end_headers()
        try:
            for _ in range(400):  # up to 4 MiB, if anyone kept reading
                handler.wfile.write(b"y" * 10_240)
                sent.append(1)
        except OSError:
            pass  # the hub hung up: what this test wants

    http_server.route("/stream", endless)
    with pytest.raises(fetching.FetchError, match=r"limit of 0\.0625 MiB; reading stopped"):
        fetching.fetch(http_server.url("/stream"))
    # Partial reading (the link checker's) keeps the first bytes instead.
    result = fetching.fetch(http_server.url("/stream"), max_bytes=1024, partial=True)
    assert (result.status_code, len(result.body), result.final.truncated) == (200, 1024, True)


def test_the_default_size_limit_is_20_mib():
    assert django_settings.HUB_FETCH_MAX_BYTES == 20 * 1024 * 1024


def test_a_server_that_does_not_answer_in_time_is_given_up(http_server, allow_loopback_fetching):
    http_server.route("/slow", lambda handler: http_server.released.wait(5))
    started = time.monotonic()
    with pytest.raises(fetching.FetchError, match=r"did not answer: timed out after 0\.3 s"):
        fetching.fetch(http_server.url("/slow"), read_timeout=0.3)
    assert time.monotonic() - started < 2


def test_a_server_that_trickles_is_stopped_at_the_total_time(http_server, allow_loopback_fetching):
    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        for _ in range(100):
            if http_server.released.wait(0.05):
                return
            try:
                handler.wfile.write(b"z")
                handler.wfile.flush()
            except OSError:
                return

    http_server.route("/trickle", trickle)
    started = time.monotonic()
    with pytest.raises(fetching.FetchError, match=r"took longer than 0\.6 s"):
        fetching.fetch(http_server.url("/trickle"), read_timeout=2, total_timeout=0.6)
    assert time.monotonic() - started < 2


def test_a_refused_connection_is_a_plain_error(allow_loopback_fetching):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(fetching.FetchError, match="refused the connection") as failure:
        fetching.fetch(f"http://127.0.0.1:{port}/")
    assert "Traceback" not in str(failure.value)


# TLS -----------------------------------------------------------------------------


@pytest.fixture
def tls_server(tmp_path):
    """A TLS server on 127.0.0.1 with a self-signed certificate; records the SNI it was given."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=hub-test.invalid", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    names = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1], names
    httpd.shutdown()
    httpd.server_close()


def test_tls_speaks_to_the_original_host_and_checks_its_certificate(
    tls_server, allow_loopback_fetching, dns, connections
):
    port, names = tls_server
    answers, _lookups = dns
    answers["tls.hub-test.invalid"] = ["127.0.0.1"]
    with pytest.raises(fetching.FetchError, match=r"TLS certificate of tls\.hub-test\.invalid"):
        fetching.fetch(f"https://tls.hub-test.invalid:{port}/")
    assert names == ["tls.hub-test.invalid"]  # SNI: the host, though the socket went to the IP
    assert connections == ["127.0.0.1"]


# Production ----------------------------------------------------------------------


def test_production_refuses_to_start_with_loopback_fetching_allowed():
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUB_"))}
    environment.update(
        HUB_PRODUCTION="1",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="hub.example.org",
        HUB_CACHE_URL="redis://127.0.0.1:6379/0",
    )

    def check(**extra):
        return subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=django_settings.BASE_DIR,
            env={**environment, **extra},
            capture_output=True,
            text=True,
            check=False,
        )

    allowed = check(HUB_FETCH_ALLOW_LOOPBACK="1")
    assert allowed.returncode != 0
    assert "HUB_FETCH_ALLOW_LOOPBACK" in allowed.stderr
    assert "for tests only" in allowed.stderr
    assert check().returncode == 0  # the same settings without it start
