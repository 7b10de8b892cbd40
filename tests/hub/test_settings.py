"""Production settings: refuse to start unsafely; pass Django's deployment checks."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

STRONG_KEY = "k3P9v_Qx7L2mZr8TnB4wYc6HdF1sJgUaE5oVtRiXyN0qWlKpMbC"


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUB_"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("key", ["", "short", "django-insecure-" + "x" * 60, "a" * 60])
def test_production_refuses_a_missing_or_weak_secret_key(key):
    result = run_manage(
        "check", HUB_PRODUCTION="1", DJANGO_SECRET_KEY=key, DJANGO_ALLOWED_HOSTS="hub.example.org"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is missing or weak" in result.stderr


def test_production_refuses_empty_allowed_hosts():
    result = run_manage("check", HUB_PRODUCTION="1", DJANGO_SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is empty" in result.stderr


def test_production_refuses_to_start_without_the_shared_cache():
    # Rate limits and form nonces must be shared by every app server.
    result = run_manage(
        "check",
        HUB_PRODUCTION="1",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="hub.example.org",
    )
    assert result.returncode != 0
    assert "HUB_CACHE_URL is empty" in result.stderr


def test_production_settings_pass_the_deployment_checks_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        HUB_PRODUCTION="1",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="hub.example.org",
        HUB_CACHE_URL="redis://127.0.0.1:6379/0",
        HUB_SITE_URL="https://hub.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked_for():
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
    assert result.stdout.strip().splitlines()[-1] == "False"
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.DEBUG)", DJANGO_DEBUG="1"
    )
    assert result.stdout.strip().splitlines()[-1] == "True"


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://127.0.0.1:8000", True),
        ("https://localhost", True),
        ("http://hub.example.org", True),
        ("https://hub.example.org", False),
    ],
)
def test_the_deployment_check_wants_the_public_https_site_url(settings, url, warned):
    from hub.checks import site_url_is_public

    settings.HUB_SITE_URL = url
    assert [w.id for w in site_url_is_public(None)] == (["hub.W001"] if warned else [])


@pytest.mark.django_db
def test_postgresql_sessions_run_without_jit_or_parallel_workers():
    from django.db import connection

    if connection.vendor != "postgresql":
        # SQLite has neither; no PostgreSQL options reach it.
        assert "options" not in settings.DATABASES["default"].get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
