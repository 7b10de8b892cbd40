"""The benchmarks' database: created, migrated and filled with synthetic claims.

`ensure_claims(url, n)` leaves the benchmark database holding exactly `n`
published claims with their firms, sites, sources and citations, and does
nothing when it already does. The data come from the project's own
generator (`manage.py generate_synthetic`, bench/synthetic_data.py: COPY on
PostgreSQL, every constraint of the models obeyed, names in three scripts),
published as one synthetic update.

Only ever pointed at the dedicated benchmark database: a refill drops and
recreates it.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent

PUBLISHED = "published"
DEFAULT_URL = "postgres://hub:hub@127.0.0.1:5432/hub_bench"


def database_name(url):
    return urlsplit(url).path.lstrip("/")


def conninfo(url, dbname=None):
    """A libpq URL for psycopg (it does not know Django's postgres:// scheme aliases)."""
    parts = urlsplit(url)
    path = f"/{dbname}" if dbname else parts.path
    return urlunsplit(("postgresql", parts.netloc, path, parts.query, ""))


def ensure_database(url):
    """Create the benchmark database unless it exists (safe to run twice)."""
    name = database_name(url)
    with psycopg.connect(conninfo(url, "postgres"), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            return False
    return True


def migrate(url):
    """Bring the benchmark database's schema to the code's migrations."""
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
        cwd=ROOT,
    )


def published_claims(url):
    with psycopg.connect(conninfo(url)) as conn:
        return conn.execute(
            "SELECT count(*) FROM evidence_claim WHERE status = %s", [PUBLISHED]
        ).fetchone()[0]


def ensure_claims(url, n_claims, log=print):
    """Fill the database unless it already holds `n_claims` published claims.

    Returns (filled, seconds, counts): whether it filled, how long the fill
    took, and the number of published rows per table (empty when it did not).
    A database holding another number of claims is dropped and made anew.
    """
    if published_claims(url) == n_claims:
        return False, 0.0, {}
    recreate_database(url)
    migrate(url)
    started = time.perf_counter()
    # The proportions of the export benchmark: a claim per 100 firms' worth, etc.
    sizes = {
        "firms": max(n_claims // 100, 10),
        "sites": max(n_claims // 400, 5),
        "sources": max(n_claims // 40, 10),
        "claims": n_claims,
    }
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "generate_synthetic",
            *(f"--{name}={value}" for name, value in sizes.items()),
            "--no-package",
        ],
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return True, seconds, sizes


def recreate_database(url):
    name = database_name(url)
    with psycopg.connect(conninfo(url, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_url():
    """BENCH_DATABASE_URL, refused unless it names a hub_bench* database (a refill drops it)."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not database_name(url).startswith("hub_bench"):
        sys.exit(f"refusing to fill {database_name(url)!r}: the benchmark's database is hub_bench")
    return url


def prepare(url, n_claims, log=print):
    """Create, migrate and fill the benchmark database as needed; the fill time as text."""
    if ensure_database(url):
        log("  created the database")
    migrate(url)
    filled, seconds, _ = ensure_claims(url, n_claims, log=log)
    return f"{seconds:.1f} s" if filled else "0 s (already held them; nothing written)"
