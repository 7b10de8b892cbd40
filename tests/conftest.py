import io
import os

import pytest
from django.core.management import call_command
from django.utils import translation
from hypothesis import HealthCheck, settings

# CI runs a modest number of generated cases; HYPOTHESIS_PROFILE=thorough for a local soak.
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(items):
    """Refuse a transactional test that does not roll back by serialization.

    A transactional test ends by flushing every table. With serialized
    rollback that flush leaves out the post-migrate signal, and the next test
    restores what the migrations made with its primary keys. Without it the
    signal recreates the content types under new ids, and the next serialized
    restore in the same worker fails on a duplicate key: mixing the two
    breaks tests that pass alone. One such test is enough, whatever runs next.
    """
    offenders = [item.nodeid for item in items if transactional_without_serialized_rollback(item)]
    if offenders:
        raise pytest.UsageError(
            "transactional tests must use serialized_rollback=True (tests/conftest.py): "
            + ", ".join(offenders)
        )


def transactional_without_serialized_rollback(item):
    # By its marker only: requested through fixtures (transactional_db,
    # django_db_serialized_rollback) the rollback can be set up too late.
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return "transactional_db" in fixtures or "live_server" in fixtures
    serialized = marker.kwargs.get("serialized_rollback", False)
    transactional = marker.kwargs.get("transaction", False) or "transactional_db" in fixtures
    return transactional and not serialized


@pytest.fixture
def seeded(db):
    """The seed dataset, loaded as `make run` loads it."""
    call_command("load_seeds", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def downloads_root(tmp_path, settings):
    """Each test publishes its updates' packages into its own folder."""
    settings.HUB_DOWNLOADS_ROOT = tmp_path / "downloads"
    settings.HUB_SNAPSHOTS_ROOT = tmp_path / "snapshots"
    return settings.HUB_DOWNLOADS_ROOT


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language, whatever the last request activated.

    LocaleMiddleware activates the reader's language for the thread and leaves
    it there; a server activates it anew for every request, a test run must too.
    """
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty in-process cache (rate-limit counters, form nonces).

    Only the in-process cache is cleared: a shared Redis is never flushed by a test.
    """
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    backend = caches["default"]
    if isinstance(backend, LocMemCache):
        backend.clear()


@pytest.fixture(autouse=True)
def per_update_caches_off(settings):
    """Page and count caching (hub/cache.py) are off unless a test turns them on.

    Many tests change published rows directly, or publish through
    editorial.services without a request, and then read a page again: in
    production neither happens without the shared update number moving (a
    publish through the staff pages does), so a cached page would be stale
    only here. tests/hub/test_cache.py turns both on and tests them.
    """
    settings.HUB_PAGE_CACHE = False
    settings.HUB_COUNT_CACHE = False
