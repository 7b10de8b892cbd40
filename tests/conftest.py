import io
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


@pytest.fixture(autouse=True, scope="session")
def flush_empties_public_tables():
    """Let Django's flush (the end of a transactional test) empty the public tables on SQLite.

    There it deletes every row, which the triggers of editorial.immutability
    refuse outside a publish; PostgreSQL's flush is a TRUNCATE, which fires
    no row trigger.
    """
    from unittest import mock

    from django.db import connection

    from editorial import immutability

    if connection.vendor != "sqlite":
        yield
        return
    operations = type(connection.ops)
    flush = operations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with immutability.publishing(immutability.EMPTYING, using=self.connection.alias):
            flush(self, sql_list)

    with mock.patch.object(operations, "execute_sql_flush", execute_sql_flush):
        yield


@pytest.fixture(scope="module")
def seed_history(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole shipped seed history (update 1 and seeds/updates/), loaded once per module.

    Replaying the history takes seconds, and the tests of the seed data only
    read it: they share one load, inside a transaction rolled back when the
    module ends, as Django's setUpTestData does. Each test still runs in a
    savepoint of its own (the `db` fixture), so what one test writes is gone
    before the next. A module that uses it must not hold tests that expect an
    empty database. Gives what load_seeds printed.

    Its packages go to a folder of its own, as each test's do (`downloads_root`,
    which is set up later than a module's fixture): publishing tidies away any
    half-written package folder it finds, another worker's too.
    """
    from django.db import transaction
    from django.test import override_settings

    root = tmp_path_factory.mktemp("seed-history")
    with (
        override_settings(
            HUB_DOWNLOADS_ROOT=root / "downloads", HUB_SNAPSHOTS_ROOT=root / "snapshots"
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        out = io.StringIO()
        call_command("load_seeds", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(db):
    """Update 1 of the seed dataset: the table files of seeds/, for tests of the seed data itself.

    Once later updates exist the table files are history and never change,
    so tests that read them do not break when the data is corrected through
    seeds/updates/ (tests/hub/test_load_seeds.py checks the whole history).
    A test that only needs data to read builds it (`small_world`, the
    factories): editing seeds/ must not break it.
    """
    call_command("load_seeds", tables_only=True, stdout=io.StringIO())


@pytest.fixture
def small_world(db):
    """A few firms, sites, sources, graded claims and relationships, published as update 1.

    Made with the factories (tests/world.py says what it holds): tests that
    need a world to read assert on these records, not on seeds/.
    """
    from tests import world

    return world.small_world()


@pytest.fixture
def editor(django_user_model):
    """A member of staff in the `editor` group (moderates, stages, imports), named edith."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("edith", is_staff=True)
    user.groups.add(Group.objects.get(name="editor"))
    return user


def publish(*changes, key="k", summary="Test update", published_by=None):
    """Publish the staged `changes` as the next update (editorial.publishing.publish_update).

    `key` is the idempotency key: a second publish in one test needs its own.
    """
    from editorial import publishing

    return publishing.publish_update(
        change_ids=[change.pk for change in changes],
        summary=summary,
        published_by=published_by,
        idempotency_key=key,
    )


class DerivedStores:
    """Every stored count (the derived app's tables, the claim_count columns), as comparable rows."""

    def contents(self):
        """{store: sorted rows} as stored now; rows without their ids, which a rebuild renews."""
        from django.apps import apps

        from entities.models import Firm, Site
        from evidence.models import Source

        stores = {}
        for model in apps.get_app_config("derived").get_models():
            columns = [
                field.attname for field in model._meta.concrete_fields if not field.primary_key
            ]
            stores[model._meta.label] = sorted(model.objects.values_list(*columns), key=repr)
        for model in (Firm, Site, Source):
            stores[f"{model._meta.label}.claim_count"] = sorted(
                model.objects.values_list("pk", "claim_count")
            )
        return stores

    def rebuilt(self):
        """What derived.rebuild_all writes, read in a savepoint that is rolled back."""
        from django.db import transaction

        import derived

        with transaction.atomic():
            derived.rebuild_all()
            rebuilt = self.contents()
            transaction.set_rollback(True)
        return rebuilt


@pytest.fixture
def derived_stores(db):
    """The stored counts as they are (`contents()`) and as a rebuild would write them (`rebuilt()`)."""
    return DerivedStores()


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
    """Each test starts with an empty in-process cache (rate-limit counters, form nonces,
    the process's copies of pages).

    Only the in-process cache is cleared: a shared Redis is never flushed by a test.
    """
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from hub.cache import recent_pages

    recent_pages.clear()
    backend = caches["default"]
    if isinstance(backend, LocMemCache):
        backend.clear()


@pytest.fixture(autouse=True)
def per_update_caches_off(settings):
    """Page, count and fragment caching (hub/cache.py, hub/fragments.py) are off unless a test turns them on.

    Many tests change published rows directly, or publish through
    editorial.publishing without a request, and then read a page again: in
    production neither happens without the shared update number moving (a
    publish through the staff pages does), so a cached page would be stale
    only here. tests/hub/test_cache.py and test_fragments.py turn them on and test them.
    """
    settings.HUB_PAGE_CACHE = False
    settings.HUB_COUNT_CACHE = False
    settings.HUB_FRAGMENT_CACHE = False


@pytest.fixture(autouse=True)
def tasks_run_inline(settings):
    """Background tasks (django.tasks) run at once, in the test's own process and transaction.

    Production queues them in the database for `manage.py db_worker`; a test
    that follows a publish to its submitter's mail, say, should not need a
    worker. tests/evidence/test_archive_tasks.py switches to the database
    queue (`database_tasks`) and runs a real worker.
    """
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def database_tasks(settings):
    """The production queue: tasks wait in the database until a worker runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def allow_loopback_fetching(settings):
    """Let evidence.fetching reach 127.0.0.1, where the tests' HTTP server listens.

    Off by default, as in production (which refuses to start with it on), so
    that the refusal of internal addresses is what every other test sees.
    """
    settings.HUB_FETCH_ALLOW_LOOPBACK = True


class FixtureServer:
    """A real HTTP server on 127.0.0.1, in a thread, serving what the test gives it.

    `page(path, body)`, `redirect(path, to)` and `route(path, handler)` (a
    function of the request handler, for slow or odd answers) set what a path
    answers; every request is recorded in `requests` as (method, path, headers).
    """

    def __init__(self):
        self.routes = {}
        self.requests = []
        self.released = threading.Event()  # set at teardown: slow handlers stop waiting
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self):
                server.requests.append((self.command, self.path, dict(self.headers)))
                answer = server.routes.get(self.path)
                if answer is None:
                    answer = (404, [("Content-Type", "text/plain")], b"not here")
                if callable(answer):
                    answer(self)
                    return
                status, headers, body = answer
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
                self.close_connection = True

            def do_GET(self):
                self._serve()

            def do_HEAD(self):
                self._serve()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def page(self, path, body, *, status=200, content_type="text/html; charset=utf-8", headers=()):
        self.routes[path] = (status, [("Content-Type", content_type), *headers], body)

    def redirect(self, path, to, *, status=302):
        self.routes[path] = (status, [("Location", to)], b"")

    def route(self, path, handler):
        self.routes[path] = handler

    def paths(self):
        return [path for _method, path, _headers in self.requests]


@pytest.fixture
def http_server():
    """A FixtureServer for the test, shut down after it."""
    server = FixtureServer()
    server.thread.start()
    yield server
    server.released.set()
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def every_kind_published(editor, downloads_root):
    """Records born through publishes, then changed by every kind of publish.

    Update 1 creates a firm of each role, a site, two sources, a claim with a
    citation, a relationship and a designation; 2 edits fields and links and
    adds a corroborating citation (the claim is regraded); 3 withdraws the
    relationship and that citation and merges a firm into another; 4
    withdraws the claim (its remaining citation is then public no more).
    Returns the records by name.
    """
    from editorial import staging
    from tests import factories

    draft = {"status": "draft", "last_update": None}
    records = {
        "firm": factories.FirmFactory(**draft),
        "partner": factories.FirmFactory(**draft),
        "duplicate": factories.FirmFactory(**draft),
        "site": factories.SiteFactory(**draft),
        "source": factories.SourceFactory(publisher="Monitor A", **draft),
        "second_source": factories.SourceFactory(publisher="Paper B", **draft),
    }
    records["claim"] = factories.ClaimFactory(
        firms=[records["firm"]], sites=[records["site"]], cite=False, **draft
    )
    records["citation"] = factories.CitationFactory(
        claim=records["claim"], source=records["source"], **draft
    )
    records["relationship"] = factories.RelationshipFactory(
        source_firm=records["firm"], target_firm=records["partner"], **draft
    )
    records["designation"] = factories.DesignationFactory(
        firm=records["partner"], source=records["source"], **draft
    )
    publish(
        *[staging.stage_draft(record=record, user=editor) for record in records.values()], key="1"
    )
    for record in records.values():
        record.refresh_from_db()
    corroborating = staging.stage_new(
        model=records["citation"].__class__,
        fields={
            "claim": records["claim"].public_id,
            "source": records["second_source"].public_id,
            "locator": "p. 2",
        },
        user=editor,
    )
    publish(
        staging.stage_edit(record=records["firm"], fields={"description": "Edited"}, user=editor),
        staging.stage_edit(
            record=records["claim"],
            fields={"firms": [records["firm"].public_id, records["partner"].public_id]},
            user=editor,
        ),
        staging.stage_edit(record=records["site"], fields={"name_en": "Renamed"}, user=editor),
        corroborating,
        key="2",
    )
    records["second_citation"] = records["citation"].__class__.objects.get(
        pk=corroborating.object_id
    )
    for record in records.values():
        record.refresh_from_db()
    publish(
        staging.stage_withdrawal(record=records["relationship"], reason="Unsupported", user=editor),
        staging.stage_withdrawal(record=records["second_citation"], reason="Misread", user=editor),
        staging.stage_merge(record=records["duplicate"], into=records["partner"], user=editor),
        key="3",
    )
    for record in records.values():
        record.refresh_from_db()
    publish(
        staging.stage_withdrawal(record=records["claim"], reason="Retracted", user=editor), key="4"
    )
    for record in records.values():
        record.refresh_from_db()
    return records
