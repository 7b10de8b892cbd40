"""check_sources requests each original URL (a local server on loopback, never the internet)."""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client

from evidence.archiving import SourceCheck
from tests.factories import SourceFactory, login_verified

# The server is on loopback, which the hub refuses to fetch from unless a test allows it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback_fetching")]


class Handler(BaseHTTPRequestHandler):
    def _answer(self, body):
        if self.path == "/ok":
            self.send_response(200)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif self.path == "/no-head":
            self.send_response(405 if self.command == "HEAD" else 200)
        elif self.path == "/slow":
            threading.Event().wait(2)
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "2" if body else "0")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self.server.seen.append(("HEAD", self.path))
        self._answer(False)

    def do_GET(self):
        self.server.seen.append(("GET", self.path))
        self._answer(True)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.seen = []
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def run(*args):
    out = io.StringIO()
    call_command("check_sources", *args, stdout=out)
    return out.getvalue()


def test_each_source_is_checked_and_its_status_time_and_redirect_recorded(server):
    httpd, base = server
    ok = SourceFactory(url=f"{base}/ok")
    gone = SourceFactory(url=f"{base}/gone")
    moved = SourceFactory(url=f"{base}/moved")
    no_head = SourceFactory(url=f"{base}/no-head")
    SourceFactory(url=f"{base}/ok", status="draft", last_update=None)  # not public: not checked
    output = run("--timeout", "5")
    checks = {check.source_id: check for check in SourceCheck.objects.all()}
    assert len(checks) == 4
    assert (checks[ok.pk].status_code, checks[ok.pk].method) == (200, "HEAD")
    assert checks[gone.pk].status_code == 404
    assert checks[gone.pk].is_dead
    assert checks[moved.pk].status_code == 200
    assert checks[moved.pk].redirected
    assert checks[moved.pk].final_url == f"{base}/ok"
    # A server that refuses HEAD gets a GET.
    assert (checks[no_head.pk].status_code, checks[no_head.pk].method) == (200, "GET")
    assert ("GET", "/no-head") in httpd.seen
    assert all(check.elapsed_ms >= 0 and check.checked_at for check in checks.values())
    assert "1 dead link." in output
    assert f"{gone.public_id} HTTP 404" in output


def test_a_server_that_does_not_answer_in_time_is_recorded_as_an_error(server):
    _httpd, base = server
    slow = SourceFactory(url=f"{base}/slow")
    run("--timeout", "0.3", slow.public_id)
    check = SourceCheck.objects.get()
    assert check.status_code is None
    assert check.is_dead
    assert "timed out" in check.error.lower() or "timeout" in check.error.lower()


def test_a_refused_connection_is_recorded_as_an_error():
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = SourceFactory(url=f"http://127.0.0.1:{port}/x")
    run("--timeout", "2")
    check = SourceCheck.objects.get(source=source)
    assert check.status_code is None
    assert "refused" in check.error.lower()


def test_unknown_sources_and_bad_timeouts_are_clear_errors():
    with pytest.raises(CommandError, match="SRC0404"):
        run("SRC0404")
    with pytest.raises(CommandError, match="timeout"):
        run("--timeout", "0")


def test_staff_see_the_dead_links_of_the_newest_check(server, django_user_model):
    _httpd, base = server
    gone = SourceFactory(url=f"{base}/gone")
    fixed = SourceFactory(url=f"{base}/ok")
    SourceCheck.objects.create(
        source=fixed,
        url=fixed.url,
        checked_at="2020-01-01T00:00:00Z",
        method="HEAD",
        status_code=500,
        elapsed_ms=3,
    )
    run()
    editor = django_user_model.objects.create_user("linkeditor", is_staff=True)
    editor.groups.add(Group.objects.get(name="editor"))
    client = login_verified(Client(), editor)
    page = client.get("/staff/sources/dead/").content.decode()
    assert gone.public_id in page
    assert "HTTP 404" in page
    assert fixed.public_id not in page  # its newest check answered 200
    assert Client().get("/staff/sources/dead/").status_code == 302  # the public: to the login
