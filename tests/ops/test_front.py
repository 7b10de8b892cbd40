"""The shipped front (scripts/front/nginx.conf) as nginx runs it, before an app on loopback.

The app here is a small HTTP server that records what reaches it: the
headers the settings rely on, and how many requests get through the
per-client limits. The slow-client behaviour under load is the fault script's
(scripts/fault/slow_clients.py, make fault-test).
"""

import json
import socket
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.ops.support import BASE_DIR

sys.path.insert(0, str(BASE_DIR / "scripts"))
import front


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def app():
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
            body = json.dumps(seen[-1]).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], seen
    server.shutdown()


@pytest.fixture
def through_front(app, tmp_path):
    app_port, seen = app
    port = free_port()
    conf = front.render(
        tmp_path / "front", listen=f"127.0.0.1:{port}", upstream=f"127.0.0.1:{app_port}"
    )
    process = front.start(conf)
    yield f"http://127.0.0.1:{port}", seen
    front.stop(process)


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_the_front_passes_the_headers_the_settings_expect_and_sets_the_client_address(
    through_front,
):
    base, seen = through_front
    status, _body = get(
        f"{base}/firms/", {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http"}
    )
    assert status == 200
    assert seen[-1]["x-forwarded-proto"] == "https"
    # Set, never appended: a client cannot choose the address the rate limits count.
    assert seen[-1]["x-forwarded-for"] == "127.0.0.1"
    assert seen[-1]["host"].startswith("127.0.0.1")


def test_exports_are_limited_per_client_and_pages_are_not_blocked_by_them(through_front):
    base, seen = through_front
    statuses = [get(f"{base}/claims.csv")[0] for _ in range(20)]
    assert statuses[:11] == [200] * 11  # the burst
    assert 429 in statuses[11:]
    passed = sum(1 for request in seen if request["path"] == "/claims.csv")
    assert passed < 20
    assert get(f"{base}/firms/")[0] == 200


def test_a_request_with_a_query_string_has_the_smaller_budget(through_front):
    base, _seen = through_front
    plain = [get(f"{base}/firms/")[0] for _ in range(40)]
    queried = [get(f"{base}/firms/?q=x{n}")[0] for n in range(40)]
    assert plain == [200] * 40
    assert 429 in queried
