"""Security headers and cookies, as a production process sends them.

A separate process starts with HUB_PRODUCTION=1 (the real settings module, no
overrides), on this test's database, collects the static files as a deploy
does, then fetches over HTTPS with Django's test client: a public page, a
list page, the correction form (and a refused post), an error page, the
staff login, a staff page and an admin page after a full two-step login.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

# The mark makes pytest-django create the test database the other process uses.
pytestmark = pytest.mark.django_db

STRONG_KEY = "k3P9v_Qx7L2mZr8TnB4wYc6HdF1sJgUaE5oVtRiXyN0qWlKpMbC"

SCRIPT = r"""
import json, os
import django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
from django.contrib.auth.models import Group
from django.contrib.auth import get_user_model
from django.test import Client
from tests.factories import totp_code, totp_device

user = get_user_model().objects.create_user("hanna", password="a-long-test-password-42", is_staff=True)
user.groups.add(Group.objects.get_or_create(name="reviewer")[0])
from django.contrib.auth.models import Permission
user.user_permissions.add(Permission.objects.get(codename="view_correction"))
device = totp_device(user)

def cookies(response):
    return {
        name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]),
               "samesite": m["samesite"], "path": m["path"], "domain": m["domain"]}
        for name, m in response.cookies.items()
    }

def record(name, response):
    results[name] = {"status": response.status_code, "headers": dict(response.headers),
                     "cookies": cookies(response)}

results = {}
public = Client()
record("public", public.get("/methodology/", secure=True))
record("list", public.get("/firms/", secure=True))
record("form", public.get("/corrections/new/", secure=True))
record("refused post", public.post("/corrections/new/", {"what_is_wrong": "x"}, secure=True))
record("error", public.get("/no-such-page/", secure=True))
record("plain http", public.get("/methodology/"))
staff = Client()
record("login", staff.get("/staff/admin/login/", secure=True))
record("password", staff.post("/staff/admin/login/?next=/staff/",
       {"username": "hanna", "password": "a-long-test-password-42"}, secure=True))
record("code", staff.post("/staff/admin/login/?next=/staff/",
       {"otp_token": totp_code(device)}, secure=True))
record("staff", staff.get("/staff/", secure=True))
record("admin", staff.get("/staff/admin/", secure=True))
print("RESULTS" + json.dumps(results))

import redis
r = redis.Redis.from_url(os.environ["HUB_CACHE_URL"])
for key in r.scan_iter(os.environ["HUB_CACHE_PREFIX"] + ":*"):
    r.delete(key)
"""


def database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture(scope="module")
def production(django_db_setup, django_db_blocker, tmp_path_factory):
    """What a production process answers (status, headers, cookies) to each request."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUB_"))}
    env.update(
        HUB_PRODUCTION="1",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="hub.settings",
        DATABASE_URL=database_url(),
        HUB_CACHE_URL=os.environ.get("HUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/9"),
        HUB_CACHE_PREFIX=f"hub-headers-test-{os.getpid()}",
        DJANGO_STATIC_ROOT=str(tmp_path_factory.mktemp("static")),
        HUB_DOWNLOADS_ROOT=str(tmp_path_factory.mktemp("downloads")),
    )
    with django_db_blocker.unblock():
        try:
            result = subprocess.run(
                [sys.executable, "-c", SCRIPT],
                cwd=settings.BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
        finally:
            # What the other process committed, so that other tests find clean tables.
            from axes.models import AccessAttempt, AccessLog
            from django.contrib.auth import get_user_model
            from django.contrib.sessions.models import Session

            get_user_model().objects.filter(username="hanna").delete()
            AccessLog.objects.filter(username="hanna").delete()
            AccessAttempt.objects.filter(username="hanna").delete()
            Session.objects.all().delete()
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULTS"))
    return json.loads(line.removeprefix("RESULTS"))


PAGES = ["public", "list", "form", "refused post", "error", "login", "staff", "admin"]


def test_the_pages_answer_as_expected(production):
    statuses = {name: production[name]["status"] for name in [*PAGES, "password", "code"]}
    assert statuses == {
        "public": 200,
        "list": 200,
        "form": 200,
        "refused post": 400,
        "error": 404,
        "login": 200,
        "password": 302,
        "code": 302,
        "staff": 200,
        "admin": 200,
    }
    assert production["plain http"]["status"] == 301
    assert production["plain http"]["headers"]["Location"].startswith("https://")


@pytest.mark.parametrize("page", PAGES)
def test_every_kind_of_page_carries_every_security_header(production, page):
    headers = production[page]["headers"]
    csp = headers["Content-Security-Policy"]
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip()
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_staff_and_form_pages_are_never_stored_by_a_cache(production):
    for page in ["form", "refused post", "login", "staff", "admin"]:
        assert "no-store" in production[page]["headers"].get("Cache-Control", "") or (
            "no-cache" in production[page]["headers"].get("Cache-Control", "")
        ), page


def test_cookies_are_host_only_secure_httponly_and_same_site(production):
    session = production["password"]["cookies"]["__Host-sessionid"]
    rotated = production["code"]["cookies"]["__Host-sessionid"]
    csrf = production["form"]["cookies"]["__Host-csrftoken"]
    for cookie in [session, rotated, csrf]:
        assert cookie["secure"]
        assert cookie["httponly"]
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/"
        assert not cookie["domain"]  # the __Host- prefix forbids one
    assert "sessionid" not in production["password"]["cookies"]
    assert "csrftoken" not in production["form"]["cookies"]
