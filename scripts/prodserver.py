"""A production-settings gunicorn on a database of its own, for the load and fault scripts.

Not used by the site. `ensure_database` creates, migrates and seeds a
PostgreSQL database (only the one named; never `hub`), `serve` starts
scripts/serve-prod on it and waits until it answers, `stop` ends it.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PY = str(BASE_DIR / ".venv" / "bin" / "python") if (BASE_DIR / ".venv").exists() else sys.executable


def ensure_database(url):
    """Create (if absent), migrate and seed the PostgreSQL database `url` names."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name in {"", "hub", "postgres"}:
        raise SystemExit(f"Refusing to use the database {name!r}: give a database of its own.")
    admin = psycopg.connect(
        dbname="postgres",
        user=parts.username,
        password=parts.password,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"creating database {name}")
            admin.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("HUB_PRODUCTION", None)
    for command in (["migrate", "--noinput", "-v0"], ["load_seeds"]):
        subprocess.run(
            [PY, "manage.py", *command],
            cwd=BASE_DIR,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def production_env(*, database_url, cache_url, cache_prefix, static_root, **extra):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_BEHIND_PROXY": "1",
        "HUB_CACHE_URL": cache_url,
        "HUB_CACHE_PREFIX": cache_prefix,
        "DJANGO_STATIC_ROOT": str(static_root),
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


def get(url, timeout=10):
    """GET as the TLS proxy would pass it on; return the status (0 if no answer)."""
    request = urllib.request.Request(
        url, headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


def serve(env, *, port, workers, log_path):
    """Start scripts/serve-prod; return the process once it answers on `port`."""
    env = {**env, "PORT": str(port), "WORKERS": str(workers)}
    log = open(log_path, "w")  # noqa: SIM115 (kept open for the server's life)
    process = subprocess.Popen(
        [str(BASE_DIR / "scripts" / "serve-prod")],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped at start; see {log_path}")
        if get(f"http://127.0.0.1:{port}/", timeout=2):
            return process
        time.sleep(0.3)
    stop(process)
    raise SystemExit(f"the server did not answer within 60 s; see {log_path}")


def stop(process):
    """End the server we started (its own process group), gracefully first."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def forget_cache(cache_url, prefix):
    """Remove the keys this run put in Redis (only those under its prefix)."""
    import redis

    client = redis.Redis.from_url(cache_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)
