"""What the operations tests share: the test database as a URL, and table dumps."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]


def database_url(settings_dict=None, name=None):
    """DATABASE_URL for the test database (or another database `name` on its server)."""
    db = settings_dict or connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name or db['NAME']}"
    user = quote(db.get("USER") or "", safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{name or db['NAME']}"


def child_env(**extra):
    """The environment for a script run by a test: ours, minus settings a test must not leak."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DATABASE_REPLICA_URL", "HUB_PRODUCTION"))
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


def run_script(name, *args, env):
    """Run scripts/<name> with this interpreter; return the finished process."""
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "scripts" / name), *map(str, args)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def pg_tables(dsn_kwargs):
    """Every table of a PostgreSQL database with all its rows, in a stable order."""
    import psycopg

    with psycopg.connect(**dsn_kwargs, autocommit=True) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            name: sorted(
                conn.execute(f'SELECT * FROM "{name}"').fetchall(),
                key=repr,
            )
            for name in names
        }


def sqlite_tables(path):
    conn = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1"
            )
        ]
        return {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }
    finally:
        conn.close()


def pg_connect_args(db, name=None):
    return {
        "dbname": name or db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
    }
