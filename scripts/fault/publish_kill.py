#!/usr/bin/env python3
"""Fault test: kill the publisher's database connection at several points of a publish.

From outside the publishing code: another connection holds a lock that makes
the publish wait at a known statement, waits until pg_stat_activity shows the
publisher blocked on it, and terminates the publisher's server process with
pg_terminate_backend(). Points: waiting for the publish lock; creating the
update row; between its first and its second record; closing the correction
it answers; writing its data package; and as it sends COMMIT (there from
inside: no lock holds a COMMIT). After each kill the update must be
wholly absent (no update row, records and staged changes and the correction as
before, no package files); then the same publish is run again (same
idempotency key, as the composer retries) and must leave exactly one update.

Works in its own PostgreSQL database, FAULT_DATABASE_URL (default
postgres://hub:hub@127.0.0.1:5432/hub_fault: created, migrated and seeded on
first use). Exit status 0 when every check holds. make fault-test runs it.
"""

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import prodserver  # noqa: E402

DATABASE_URL = os.environ.get("FAULT_DATABASE_URL", "postgres://hub:hub@127.0.0.1:5432/hub_fault")


def setup_django():
    prodserver.ensure_database(DATABASE_URL)
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.pop("HUB_PRODUCTION", None)
    os.environ["HUB_DOWNLOADS_ROOT"] = tempfile.mkdtemp(prefix="hub-fault-downloads-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    sys.path.insert(0, str(prodserver.BASE_DIR))
    import django

    django.setup()


def watcher_connection():
    import psycopg
    from django.db import connection

    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )


def main():
    setup_django()
    from django.db import connection
    from django.db.models import Max

    from downloads import package
    from editorial import corrections, publishing, staging
    from editorial.models import Change, Correction, Update
    from entities.models import Firm
    from hub.models import Status

    stamp = time.strftime("%Y%m%dT%H%M%S")
    first, second = Firm.objects.filter(status=Status.PUBLISHED).order_by("public_id")[:2]
    correction, _token = corrections.submit_correction(
        target=second, what_is_wrong=f"Fault run {stamp}", proposed_fix="See the update"
    )
    changes = [
        staging.stage_edit(record=first, fields={"description": f"Fault run {stamp}"}, user=None),
        staging.stage_edit(
            record=second,
            fields={"description": f"Fault run {stamp}"},
            user=None,
            correction=correction,
        ),
    ]
    change_ids = [change.pk for change in changes]
    key = f"fault-{stamp}"
    updates_before = Update.objects.count()
    next_number = (Update.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    descriptions_before = dict(
        Firm.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "description")
    )
    connection.close()

    # How each point is reached: the SQL the watcher runs (in its transaction) to
    # make the publisher wait there.
    points = [
        ("waiting for the publish lock", "SELECT pg_advisory_lock(%s)", [publishing.PUBLISH_LOCK]),
        ("creating the update row", "LOCK TABLE editorial_update IN SHARE MODE", []),
        (
            "between its first and its second record",
            "SELECT 1 FROM entities_firm WHERE id = %s FOR UPDATE",
            [second.pk],
        ),
        (
            "closing the correction it answers",
            "SELECT 1 FROM editorial_correction WHERE id = %s FOR UPDATE",
            [correction.pk],
        ),
        ("writing its data package", "LOCK TABLE entities_site IN ACCESS EXCLUSIVE MODE", []),
        # No lock holds a COMMIT: the publisher's connection is killed as it sends it.
        ("at COMMIT", None, []),
    ]
    failures = []

    def publish(outcome, kill_at_commit=False):
        try:
            connection.ensure_connection()
            outcome["pid"] = connection.connection.info.backend_pid
            if kill_at_commit:
                commit = connection._commit

                def killed_commit():
                    with watcher_connection() as killer:
                        killer.execute("SELECT pg_terminate_backend(%s)", [outcome["pid"]])
                    outcome["killed"] = True
                    time.sleep(0.2)
                    return commit()

                connection._commit = killed_commit
            outcome["update"] = publishing.publish_update(
                change_ids=change_ids, summary=f"Fault run {stamp}", idempotency_key=key
            )
        except Exception as error:
            outcome["error"] = error
        finally:
            connection.close()

    print(f"publishing {len(change_ids)} staged changes as update {next_number}, killed at:")
    for label, sql, params in points:
        watcher = watcher_connection()
        if sql:
            watcher.execute(sql, params)
        outcome = {}
        thread = threading.Thread(target=publish, args=(outcome, sql is None))
        started = time.monotonic()
        thread.start()
        blocked = False
        for _ in range(200):
            if sql is None:
                thread.join(timeout=30)
                blocked = outcome.get("killed", False)
                break
            pid = outcome.get("pid")
            if pid:
                row = watcher.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
                ).fetchone()
                if row and row[0] == "Lock":
                    blocked = True
                    break
            if not thread.is_alive():
                break
            time.sleep(0.05)
        if blocked and sql:
            watcher.execute("SELECT pg_terminate_backend(%s)", [outcome["pid"]])
        watcher.rollback()
        if sql and "pg_advisory_lock" in sql:
            watcher.execute("SELECT pg_advisory_unlock_all()")
        watcher.close()
        thread.join(timeout=30)
        elapsed = (time.monotonic() - started) * 1000

        problems = []
        if not blocked:
            problems.append("the publish never waited at this point")
        if "error" not in outcome:
            problems.append(f"the publish did not fail ({outcome.get('update')})")
        if Update.objects.count() != updates_before:
            problems.append("an update row exists")
        now = dict(
            Firm.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "description")
        )
        if now != descriptions_before:
            problems.append("a record changed")
        states = set(Change.objects.filter(pk__in=change_ids).values_list("state", flat=True))
        if states != {Change.State.PENDING}:
            problems.append(f"staged changes are {states}")
        if Correction.objects.get(pk=correction.pk).published_in_id is not None:
            problems.append("the correction was marked published")
        leftovers = list(package.root().glob(f"*update-{next_number:04d}*"))
        if leftovers:
            problems.append(f"package files left: {leftovers}")
        connection.close()
        error = outcome.get("error")
        verdict = "ok: update absent" if not problems else "FAILED: " + "; ".join(problems)
        print(f"  {label:42} {elapsed:6.0f} ms  {type(error).__name__:18} {verdict}")
        if problems:
            failures.append(label)

    outcome = {}
    publish(outcome)
    again = {}
    publish(again)
    count = Update.objects.count() - updates_before
    done = (
        "update" in outcome
        and again.get("update") is not None
        and again["update"].pk == outcome["update"].pk
        and count == 1
        and set(
            Firm.objects.filter(pk__in=[first.pk, second.pk]).values_list("description", flat=True)
        )
        == {f"Fault run {stamp}"}
        and Correction.objects.get(pk=correction.pk).published_in_id == outcome["update"].pk
        and (package.directory(outcome["update"].number) / "manifest.json").is_file()
    )
    print(
        f"  then the same publish again: {count} new update"
        f" ({'update ' + str(outcome['update'].number) if 'update' in outcome else outcome.get('error')}),"
        f" retried once more: {'the same update' if done else 'WRONG'}"
    )
    if not done:
        failures.append("retry")
    print("publish faults:", "PASS" if not failures else f"FAIL ({', '.join(failures)})")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
