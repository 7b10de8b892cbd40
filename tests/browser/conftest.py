"""Real-browser tests: Playwright driving Debian's Chromium (never a downloaded browser)."""

import importlib
import io
import os
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
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def seeded_live(transactional_db, live_server, settings):
    """The seed data behind a live server, and the staff groups.

    Transactional tests end by flushing every table, the groups the data
    migration made included; they are made again here from the migration's
    own definition. A browser fills the correction form faster than a person,
    and every test posts from 127.0.0.1: no minimum form age, a high rate.
    """
    settings.HUB_FORM_MIN_SECONDS = 0
    settings.HUB_CORRECTION_RATES = ["1000/m"]
    ensure_staff_groups()
    call_command("load_seeds", stdout=io.StringIO())
    return live_server


def ensure_staff_groups():
    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module("editorial.migrations.0002_staff_groups")
    for name, wanted in migration.GROUPS.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            group.permissions.set(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in wanted
            )


@pytest.fixture
def shoot(page, request):
    """Save a screenshot at desktop and phone widths into artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shoot(name):
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
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
