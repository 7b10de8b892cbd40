"""Losing the database connection in the middle of a publish (invariant 2).

A publish is killed at several points, from taking the publish lock to the
last read of its data package. On PostgreSQL the publisher's server process
is really terminated with pg_terminate_backend() from another connection, at
the moment the publisher is about to run the statement of that point; on
SQLite, which has no server process, the same statement fails with the error
a lost connection raises. Either way:

- every table is exactly as before (the update is fully absent), no package
  directory is left, and
- running the publish again (same idempotency key, as the composer's retry
  does) applies it once: exactly one update, everything in it.
"""

import threading
import time

import pytest
from django.db import Error, OperationalError, connection

from editorial import corrections, publishing, staging
from editorial.models import Change, Correction, Update
from entities.models import Firm
from tests.factories import ClaimFactory, DesignationFactory, FirmFactory, SiteFactory
from tests.ops import support

# (what is happening, a fragment of the SQL statement, which occurrence of it)
FAULT_POINTS = [
    ("taking the publish lock", {"postgresql": "pg_advisory_xact_lock", "sqlite": "BEGIN"}, 1),
    ("creating the update row", 'INSERT INTO "editorial_update"', 1),
    ("between the first and the second record", 'UPDATE "entities_firm"', 2),
    ("closing the answered correction", 'UPDATE "editorial_correction"', 1),
    ("half-way through writing the data package", 'FROM "entities_site"', 1),
    ("reading the package's last table", 'FROM "entities_sanctionsdesignation"', 1),
    # Not a statement: the connection is killed as the publish commits.
    ("committing", "COMMIT", 1),
]


def all_tables():
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return support.pg_tables(support.pg_connect_args(db))
    return support.sqlite_tables(db["NAME"])


def terminate_backend(pid):
    """Kill a PostgreSQL server process from another connection; wait until it is gone."""
    import psycopg

    with psycopg.connect(**support.pg_connect_args(connection.settings_dict), autocommit=True) as c:
        assert c.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
        for _ in range(100):
            alive = c.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
            if not alive:
                return
            time.sleep(0.05)
    raise AssertionError(f"backend {pid} survived pg_terminate_backend")


def publish_in_thread(*, change_ids, key, fault=None):
    """Publish in a thread of its own (its own connection); kill that connection at `fault`.

    Returns ("ok", update) or ("error", exception) and whether the fault fired.
    """
    outcome = {}

    def run():
        fired = []

        def killer(execute, sql, params, many, context):
            _label, fragment, occurrence = fault
            if isinstance(fragment, dict):
                fragment = fragment[connection.vendor]
            if fragment in sql:
                fired.append(sql)
                if len(fired) == occurrence:
                    if connection.vendor == "postgresql":
                        terminate_backend(connection.connection.info.backend_pid)
                    else:
                        raise OperationalError("injected fault: the database connection was lost")
            return execute(sql, params, many, context)

        def kill_at_commit():
            fired.append("COMMIT")
            if connection.vendor == "postgresql":
                terminate_backend(connection.connection.info.backend_pid)
            else:
                raise OperationalError("injected fault: the connection was lost at COMMIT")
            return commit()

        try:
            connection.ensure_connection()
            if fault is not None and fault[1] == "COMMIT":
                commit = connection._commit
                connection._commit = kill_at_commit
            if fault is None:
                update = publishing.publish_update(
                    change_ids=change_ids, summary="Faulty", idempotency_key=key
                )
            else:
                with connection.execute_wrapper(killer):
                    update = publishing.publish_update(
                        change_ids=change_ids, summary="Faulty", idempotency_key=key
                    )
            outcome["result"] = ("ok", update)
        except Exception as error:
            outcome["result"] = ("error", error)
        finally:
            outcome["fired"] = fault is not None and len(fired) >= fault[2]
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the publish hung"
    return outcome["result"], outcome["fired"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_publish_killed_at_any_point_leaves_nothing_and_a_retry_publishes_exactly_once(
    downloads_root,
):
    first, second = FirmFactory(description="Before"), FirmFactory(description="Before")
    ClaimFactory.create_batch(2, firms=[first], sites=[SiteFactory()])
    DesignationFactory(firm=second)
    correction, _token = corrections.submit_correction(
        target=first, what_is_wrong="Old description", proposed_fix="After"
    )
    changes = [
        staging.stage_edit(record=first, fields={"description": "After"}, user=None),
        staging.stage_edit(
            record=second, fields={"description": "After"}, user=None, correction=correction
        ),
    ]
    change_ids = [change.pk for change in changes]
    before = all_tables()

    for fault in FAULT_POINTS:
        (kind, error), fired = publish_in_thread(change_ids=change_ids, key="retry-me", fault=fault)
        assert fired, f"the publish never reached {fault[0]!r}"
        assert kind == "error", (fault[0], error)
        assert isinstance(error, Error), (fault[0], error)
        assert all_tables() == before, f"killed while {fault[0]}: the database changed"
        leftovers = list(downloads_root.glob("*update-*")) if downloads_root.exists() else []
        assert leftovers == [], f"killed while {fault[0]}: package files left: {leftovers}"

    (kind, update), _ = publish_in_thread(change_ids=change_ids, key="retry-me")
    assert kind == "ok", update
    assert Update.objects.count() == 1
    assert set(
        Firm.objects.filter(pk__in=[first.pk, second.pk]).values_list("description", flat=True)
    ) == {"After"}
    assert set(Change.objects.filter(pk__in=change_ids).values_list("state", flat=True)) == {
        Change.State.PUBLISHED
    }
    assert Correction.objects.get(pk=correction.pk).published_in_id == update.pk
    assert (downloads_root / f"update-{update.number:04d}" / "manifest.json").is_file()

    # The retry is idempotent, and a new attempt finds nothing left to publish.
    (kind, again), _ = publish_in_thread(change_ids=change_ids, key="retry-me")
    assert kind == "ok"
    assert again.pk == update.pk
    (kind, refused), _ = publish_in_thread(change_ids=change_ids, key="another-key")
    assert kind == "error"
    assert isinstance(refused, publishing.PublishRefused)
    assert Update.objects.count() == 1
