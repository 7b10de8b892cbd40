"""Shared by scripts/backup and scripts/restore: where the data lives, and copies of it.

The database and the downloads folder come from the hub's own settings (so
DATABASE_URL and HUB_DOWNLOADS_ROOT mean what they mean to the site).
"""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def hub_settings():
    """The hub's settings module, imported as the site imports it."""
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    from django.conf import settings

    return settings


def database():
    """(engine, settings dict) of the default database: 'postgresql' or 'sqlite'."""
    db = hub_settings().DATABASES["default"]
    engine = "postgresql" if "postgresql" in db["ENGINE"] else "sqlite"
    if engine == "sqlite" and "sqlite3" not in db["ENGINE"]:
        raise SystemExit(f"Unsupported database engine {db['ENGINE']}")
    return engine, db


def downloads_root():
    return Path(hub_settings().HUB_DOWNLOADS_ROOT)


def snapshots_root():
    return Path(hub_settings().HUB_SNAPSHOTS_ROOT)


def pg_env(db):
    """Connection arguments for pg_dump / pg_restore / psql, the password in the environment."""
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args, env


def run(command, env=None):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({result.returncode}):\n{result.stderr.strip()}")
    return result.stdout


def sqlite_copy(source_path, target_path):
    """A consistent copy of a SQLite database with the online backup API.

    Unlike cp, it sees committed transactions still in the -wal file and
    never copies a page a writer is half-way through.
    """
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
        # The copy stands alone: no -wal file beside it.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
        source.close()


def pg_connect(db, dbname=None):
    """A plain psycopg connection (autocommit) to the database, or to `dbname` on its server."""
    import psycopg

    return psycopg.connect(
        dbname=dbname or db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        autocommit=True,
    )


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
