"""Real-browser tests: Playwright driving Debian's Chromium (never a downloaded browser)."""

import io
import itertools
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HUB_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: apt-get install chromium (see .ci/run)")
    serialized = serialized_contents()
    with sync_playwright() as playwright:
        keep_serialized_contents(serialized)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def serialized_contents():
    """What each test database held after its migrations, kept for serialized rollback."""
    from django.db import connections

    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


def keep_serialized_contents(serialized):
    """Give the connections seen once Playwright runs what the earlier ones had.

    Playwright's sync API runs an event loop in the test thread. Django keeps
    its connections in an asgiref Local, which in a thread with a running
    loop is a context variable: from then on the tests of this worker get
    new connection objects, without the contents serialized at setup, and
    their serialized rollback would silently restore nothing.
    """
    from django.db import connections

    for alias, contents in serialized.items():
        connections[alias]._test_serialized_contents = contents


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


# The apps whose rows load_seeds writes (records, updates and their changes,
# corrections, stored counts); the staff groups and content types come from
# the migrations and are restored by the serialized rollback.
SEED_APPS = ["entities", "evidence", "editorial", "derived"]
_seed_copies = {}


def load_seed_state(*, history, downloads_root, tmp_path_factory):
    """The seed data (update 1, or its whole history) in the database and its packages on disk.

    Replaying the seeds publishes each update through staging and publishing,
    seconds a test; the browser tests only need the state it leaves. The first
    test of a worker replays them and keeps a copy (dumpdata and the package
    folder); the next ones load the copy, written as publishing would write it.
    """

    key = "history" if history else "tables"
    copy = _seed_copies.get(key)
    if copy is None:
        call_command("load_seeds", tables_only=not history, stdout=io.StringIO())
        copy = tmp_path_factory.mktemp(f"seeds-{key}")
        call_command("dumpdata", *SEED_APPS, output=str(copy / "data.json"), verbosity=0)
        shutil.copytree(downloads_root, copy / "downloads")
        _seed_copies[key] = copy
        return
    restore(copy / "data.json")
    shutil.copytree(copy / "downloads", downloads_root, dirs_exist_ok=True)


def restore(path):
    """Write the rows of a dumpdata file as publishing wrote them.

    The database takes a published change only inside the publish of its own
    update (editorial.immutability), so the changes go in under their update's
    number, the other rows under a publish of no number. The foreign keys are
    checked at commit, so the order of the rows does not matter.
    """
    from django.core.management.color import no_style
    from django.core.serializers import deserialize
    from django.db import connection, transaction

    from editorial import immutability
    from editorial.models import Change, Update

    rows = list(deserialize("json", path.read_text()))
    numbers = {row.object.pk: row.object.number for row in rows if isinstance(row.object, Update)}

    def mark(row):
        return numbers[row.object.update_id] if isinstance(row.object, Change) else 0

    with transaction.atomic():
        for number, group in itertools.groupby(sorted(rows, key=mark), key=mark):
            with immutability.publishing(number):
                for row in group:
                    row.save()
        # The next record a test makes must not take a restored row's key.
        with connection.cursor() as cursor:
            models = {type(row.object) for row in rows}
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


def live_server_for_browsers(settings):
    """A browser fills the correction form faster than a person, and every test posts from 127.0.0.1."""
    settings.HUB_FORM_MIN_SECONDS = 0
    settings.HUB_CORRECTION_RATES = ["1000/m"]


@pytest.fixture
def seeded_live(transactional_db, live_server, settings, downloads_root, tmp_path_factory):
    """Update 1 of the seed data behind a live server (tests/conftest.py, `seeded`, says why update 1).

    The test modules mark their tests transactional with serialized rollback
    (tests/conftest.py says why), so the migrations' staff groups are there.
    Requested through a fixture instead, the rollback can be missed: pytest-django's
    live-server helper sets the database up before this fixture is seen.
    """
    live_server_for_browsers(settings)
    load_seed_state(history=False, downloads_root=downloads_root, tmp_path_factory=tmp_path_factory)
    return live_server


@pytest.fixture
def seeded_history_live(transactional_db, live_server, settings, downloads_root, tmp_path_factory):
    """The whole seed history behind a live server: update 1 and seeds/updates/."""
    live_server_for_browsers(settings)
    load_seed_state(history=True, downloads_root=downloads_root, tmp_path_factory=tmp_path_factory)
    return live_server


@pytest.fixture
def shoot(page, request):
    """Save a screenshot at desktop and phone widths into artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shoot(name):
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            # Pages that redraw on a resize (the map refits itself) settle first.
            page.wait_for_timeout(400)
            page.screenshot(
                path=ARTIFACTS / f"{request.node.name}-{name}-{width}.png", full_page=True
            )
            # No page may scroll sideways as a whole on a phone.
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        page.set_viewport_size({"width": 1280, "height": 900})

    return shoot


def staff_log_in(page, base, user, password, next_url):
    """The two-step staff login: password, then the code an authenticator app shows."""
    import re

    from tests.factories import totp_code, totp_device

    device = totp_device(user)
    page.goto(f"{base}/staff/admin/login/?next={next_url}")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("Log in", re.I)).click()
    page.get_by_label("Code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Verify the code").click()
