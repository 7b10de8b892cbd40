#!/usr/bin/env python3
"""Fault test: restart PostgreSQL in the middle of a load run against gunicorn.

Starts the hub with production settings (scripts/serve-prod, 2 workers,
persistent connections with CONN_HEALTH_CHECKS, the page cache off so that
every request needs the database), puts it under steady load (8 clients
requesting the firm list, a firm profile and the claim list), restarts
PostgreSQL with

    pg_ctlcluster --skip-systemctl-redirect <version> <cluster> restart

and keeps the load on for 10 s after it is back. Prints the timeline (per
half second: answered, failed, whether PostgreSQL was down) and checks:
no error before the restart, every request started 5 s after PostgreSQL is
back succeeds, and the same gunicorn master served throughout (nothing was
restarted by hand). Exit status 0 when they hold.

It restarts a whole PostgreSQL cluster. `--private-cluster` (what make
fault-test and make ci run) makes a throwaway one of its own first
(scripts/fault/private_cluster.py: initdb into a temporary folder, port
FAULT_PG_PORT 5440), touching nothing else. Without it: FAULT_PG_CLUSTER
("15 main") names a Debian cluster, restarted with pg_ctlcluster, and
FAULT_DATABASE_URL (postgres://hub:hub@127.0.0.1:5432/hub_fault) the database;
run that only where nothing else uses the cluster. The database is created,
migrated and seeded on first use. Needs root (or the postgres user).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
import prodserver  # noqa: E402

DATABASE_URL = os.environ.get("FAULT_DATABASE_URL", "postgres://hub:hub@127.0.0.1:5432/hub_fault")
CLUSTER = os.environ.get("FAULT_PG_CLUSTER", "15 main").split()
CACHE_URL = "redis://127.0.0.1:6379/8"
PORT = int(os.environ.get("FAULT_PORT", "8061"))
CLIENTS = 8
LEAD, TAIL, RECOVERY = 5.0, 10.0, 5.0
PATHS = ["/firms/", "/firms/F0001/", "/claims/"]


def pg_ready():
    parts = urlsplit(DATABASE_URL)
    return (
        subprocess.run(
            [
                "pg_isready",
                "-q",
                "-h",
                parts.hostname or "127.0.0.1",
                "-p",
                str(parts.port or 5432),
            ],
            check=False,
        ).returncode
        == 0
    )


def main(argv=None):
    global DATABASE_URL
    if "--private-cluster" in (argv if argv is not None else sys.argv[1:]):
        from private_cluster import private_cluster

        with private_cluster() as (url, restart):
            DATABASE_URL = url
            return run(restart)
    if shutil.which("pg_ctlcluster") is None:
        print("pg_ctlcluster is missing (Debian's postgresql-common).", file=sys.stderr)
        return 2
    return run(["pg_ctlcluster", "--skip-systemctl-redirect", *CLUSTER, "restart"])


def run(restart_command):
    prodserver.ensure_database(DATABASE_URL)
    work = Path(tempfile.mkdtemp(prefix="hub-fault-"))
    prefix = f"fault-{os.getpid()}"
    env = prodserver.production_env(
        database_url=DATABASE_URL,
        cache_url=CACHE_URL,
        cache_prefix=prefix,
        static_root=work / "static",
        HUB_PAGE_CACHE="0",
        HUB_COUNT_CACHE="0",
        DATABASE_CONN_MAX_AGE="60",
        HUB_DOWNLOADS_ROOT=work / "downloads",
    )
    server = prodserver.serve(env, port=PORT, workers=2, log_path=work / "server.log")
    master = server.pid
    results = []  # (start, end, ok)
    lock = threading.Lock()
    stop = threading.Event()
    t0 = time.monotonic()

    def client(index):
        n = index
        while not stop.is_set():
            path = PATHS[n % len(PATHS)]
            n += 1
            start = time.monotonic() - t0
            status = prodserver.get(f"http://127.0.0.1:{PORT}{path}", timeout=10)
            with lock:
                results.append((start, time.monotonic() - t0, status == 200))
            if status != 200:
                time.sleep(0.05)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(LEAD)
        readiness = []  # (time, accepting connections?) sampled through the restart

        def monitor():
            while not stop.is_set():
                readiness.append((time.monotonic() - t0, pg_ready()))
                time.sleep(0.1)

        watcher = threading.Thread(target=monitor, daemon=True)
        watcher.start()
        print(
            f"restarting PostgreSQL at +{time.monotonic() - t0:.2f}s: {' '.join(restart_command)}"
        )
        down_at = time.monotonic() - t0
        restart = subprocess.run(restart_command, capture_output=True, text=True)
        if restart.returncode != 0:
            print(f"the restart failed: {restart.stderr.strip()}", file=sys.stderr)
            return 2
        while not pg_ready():
            time.sleep(0.05)
        done_at = time.monotonic() - t0
        refused = [t for t, ready in readiness if not ready]
        # Back up: the first sample accepting connections after the last refusing one.
        up_at = min(
            (t for t, ready in readiness if ready and refused and t > refused[-1]),
            default=done_at,
        )
        print(
            f"pg_ctlcluster returned at +{done_at:.2f}s; PostgreSQL refused connections "
            f"from +{refused[0] if refused else down_at:.2f}s, accepted them again at +{up_at:.2f}s"
        )
        time.sleep(TAIL)
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        master_alive = server.poll() is None and server.pid == master
    finally:
        stop.set()
        prodserver.stop(server)
        prodserver.forget_cache(CACHE_URL, prefix)
        shutil.rmtree(work, ignore_errors=True)

    results.sort()
    end = max(r[1] for r in results)
    print(
        "\ntimeline (by request start; DOWN = from the restart command until PostgreSQL accepts connections):"
    )
    step = 0.5
    bucket = 0.0
    while bucket < end:
        rows = [r for r in results if bucket <= r[0] < bucket + step]
        ok = sum(r[2] for r in rows)
        failed = len(rows) - ok
        down = "DOWN" if bucket + step > down_at and bucket < up_at else ""
        bar = "#" * min(ok, 40) + "x" * min(failed, 40)
        print(f"  +{bucket:5.1f}s {ok:4d} ok {failed:4d} failed {down:4} {bar}")
        bucket += step

    failures = [r for r in results if not r[2]]
    before = [r for r in failures if r[1] < down_at]
    late = [r for r in failures if r[0] >= up_at + RECOVERY]
    last_failure = max((r[1] for r in failures), default=None)
    print(
        f"\n{len(results)} requests, {len(failures)} failed; PostgreSQL down for "
        f"{up_at - down_at:.2f}s (+{down_at:.2f}s to +{up_at:.2f}s)"
    )
    if last_failure is not None:
        print(
            f"last failed request ended at +{last_failure:.2f}s: "
            f"{last_failure - up_at:+.2f}s after PostgreSQL was back"
        )
    checks = {
        "no error before the restart": not before,
        f"every request started {RECOVERY:.0f}s after PostgreSQL is back succeeds": not late,
        "the same gunicorn master served throughout (no restart by hand)": master_alive,
    }
    for label, passed in checks.items():
        print(f"  {'ok  ' if passed else 'FAIL'} {label}")
    print("postgres restart:", "PASS" if all(checks.values()) else "FAIL")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
