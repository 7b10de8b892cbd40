"""Two app servers behind one proxy, sharing one database and one Redis.

scripts/two-servers starts two gunicorn instances (production settings,
whitenoise) against the test database (PostgreSQL in CI; on SQLite both
share the test database file) and Redis db 7 under a key prefix of this run.
The tests talk to them over HTTP as the proxy in front would, and show:

- a correction posted to server A is in the staff queue on server B;
- the correction form's rate limit counts posts to A and B together;
- a public page cached by one server is served by the other, and publishing
  an update on A moves both to fresh pages at once.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest
from django.test import Client

from editorial import staging
from editorial.models import Correction, Update
from entities.models import Firm
from tests.factories import FirmFactory, login_verified, published_directly
from tests.ops import support
from tests.ops.httpclient import Browser, hidden_field

# The servers and this test process must sign sessions with the same key.
SECRET_KEY = secrets.token_urlsafe(50)
REDIS_URL = "redis://127.0.0.1:6379/7"
RATE = 3  # corrections per client per hour, for these servers


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start scripts/two-servers on the test database; yield (url of A, url of B)."""
    folder = tmp_path_factory.mktemp("two-servers")
    prefix = f"hub-ops-test-{uuid.uuid4().hex[:8]}"
    port_a, port_b = free_port(), free_port()
    with django_db_blocker.unblock():
        database_url = support.database_url()
    env = support.child_env(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_BEHIND_PROXY="1",
        HUB_CACHE_URL=REDIS_URL,
        HUB_CACHE_PREFIX=prefix,
        HUB_TRUSTED_PROXIES="127.0.0.1",
        HUB_CORRECTION_RATES=f"{RATE}/h",
        HUB_FORM_MIN_SECONDS="0",
        HUB_DOWNLOADS_ROOT=folder / "downloads",
        DJANGO_STATIC_ROOT=folder / "static",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DATABASE_CONN_MAX_AGE="0",
        PORT_A=port_a,
        PORT_B=port_b,
        WORKERS=1,
        LOG_DIR=folder / "logs",
        GUNICORN_ACCESS_LOG="/dev/null",
        PY=sys.executable,
    )
    process = subprocess.Popen(
        ["bash", str(support.BASE_DIR / "scripts" / "two-servers")],
        cwd=support.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("ready"), line + process.stdout.read(2000)
        yield f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        _forget_keys(prefix)


def _forget_keys(prefix):
    """Remove this run's keys from Redis (only ours: they all start with the prefix)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)


@pytest.fixture
def same_secret(settings):
    settings.SECRET_KEY = SECRET_KEY


def staff_cookies(username):
    """A verified staff session, made here, in the shared database; its cookie for the servers."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser(username, f"{username}@example.org")
    client = login_verified(Client(), user)
    key = client.cookies["sessionid"].value
    return {"__Host-sessionid": key}


def post_correction(browser, text):
    form = browser.get("/corrections/new/")
    assert form.status == 200, form.text[:500]
    return browser.post(
        "/corrections/new/",
        {
            "form_token": hidden_field(form.text, "form_token"),
            "what_is_wrong": text,
            "proposed_fix": "The right figure.",
            "website": "",
        },
        form_page=form,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_correction_posted_to_server_a_is_in_the_staff_queue_on_server_b(servers, same_secret):
    url_a, url_b = servers
    posted = post_correction(Browser(url_a, forwarded_for="198.51.100.10"), "Typo seen on A")
    assert posted.status == 302, posted.text[:1000]
    correction = Correction.objects.get(what_is_wrong="Typo seen on A")

    staff_on_b = Browser(url_b, cookies=staff_cookies("rita"))
    queue = staff_on_b.get("/staff/corrections/")
    assert queue.status == 200, queue.text[:500]
    assert correction.reference in queue.text
    # Without the session the queue is closed, on B as on A.
    assert Browser(url_b).get("/staff/corrections/").status in (302, 403)
    # The submitter's private tracking page (on A's redirect) opens on B too.
    tracking = Browser(url_b).get(posted.header("location"))
    assert tracking.status == 200
    assert correction.reference in tracking.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_rate_limit_counts_posts_to_both_servers_together(servers, same_secret):
    url_a, url_b = servers
    client = "203.0.113.77"  # one client, as the proxy reports it to both servers
    on_a = Browser(url_a, forwarded_for=client)
    on_b = Browser(url_b, forwarded_for=client)
    statuses = [
        post_correction(browser, f"Post {i}").status
        for i, browser in enumerate([on_a, on_b, on_a, on_b, on_a])
    ]
    # Within the limit the posts are stored wherever they land; then both refuse.
    assert statuses == [302] * RATE + [429] * (5 - RATE), statuses
    assert Correction.objects.count() == RATE
    # Another client is not affected.
    assert post_correction(Browser(url_b, forwarded_for="203.0.113.78"), "Other").status == 302


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_on_server_a_refreshes_the_cached_pages_of_both_servers(servers, same_secret):
    url_a, url_b = servers
    firm = FirmFactory(name_en="Cached Heavy Machinery", description="Old description")
    path = f"/firms/{firm.public_id}/"

    first = Browser(url_a).get(path)
    assert first.status == 200
    assert first.header("x-hub-cache") == "miss"
    assert "Old description" in first.text
    # B serves the page A stored: one shared cache.
    from_b = Browser(url_b).get(path)
    assert from_b.header("x-hub-cache") == "hit"
    assert "Old description" in from_b.text

    # Edit the record straight in the database, as nothing ever should (the
    # database refuses it outside published_directly): the cached page does
    # not change, because no update was published.
    with published_directly():
        Firm.objects.filter(pk=firm.pk).update(description="Unpublished meddling")
    assert "Old description" in Browser(url_b).get(path).text
    with published_directly():
        Firm.objects.filter(pk=firm.pk).update(description="Old description")

    change = staging.stage_edit(record=firm, fields={"description": "New description"}, user=None)
    reviewer = Browser(url_a, cookies=staff_cookies("reviewer"))
    composer = reviewer.get("/staff/updates/new/")
    assert composer.status == 200, composer.text[:500]
    published = reviewer.post(
        "/staff/updates/new/",
        {
            "summary": "A new description",
            "notes": "",
            "changes": [str(change.pk)],
            "idempotency_key": hidden_field(composer.text, "idempotency_key"),
        },
        form_page=composer,
    )
    assert published.status == 302, published.text[:1000]
    assert Update.objects.count() == 1

    deadline = time.monotonic() + 5
    after_b = Browser(url_b).get(path)
    while "New description" not in after_b.text and time.monotonic() < deadline:
        time.sleep(0.2)  # never needed when the cache works; a bound, not a wait
        after_b = Browser(url_b).get(path)
    assert "New description" in after_b.text
    assert after_b.header("x-hub-cache") == "miss"
    after_a = Browser(url_a).get(path)
    assert "New description" in after_a.text
    assert after_a.header("x-hub-cache") == "hit"
