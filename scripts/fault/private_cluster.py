"""A throwaway PostgreSQL cluster of the fault tests' own: initdb into a temporary folder.

The restart fault test restarts a whole cluster; run against this one, it
touches nothing else on the machine (make fault-test, make ci). The server
runs as the `postgres` user when we are root (initdb refuses root), on its
own port (FAULT_PG_PORT, 5440), with a role `hub` (password hub, CREATEDB),
and is stopped and deleted when the block ends.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def _bin():
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not versions:
        raise SystemExit("initdb is missing (Debian's postgresql package).")
    return versions[-1].parent


def _as_owner(command):
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def private_cluster(port=None):
    """Yield (database URL of hub_fault, restart command) for a new cluster; remove it after."""
    port = port or int(os.environ.get("FAULT_PG_PORT", "5440"))
    bindir = _bin()
    folder = Path(tempfile.mkdtemp(prefix="hub-fault-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-w", "-t", "60"]
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT, "check": True}
    try:
        subprocess.run(
            _as_owner([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]),
            **quiet,
        )
        subprocess.run(
            _as_owner([*pg_ctl, "-o", options, "-l", str(folder / "log"), "start"]), **quiet
        )
        subprocess.run(
            [
                str(bindir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "-qc",
                "CREATE ROLE hub LOGIN CREATEDB PASSWORD 'hub'",
            ],
            **quiet,
        )
        restart = _as_owner(
            [*pg_ctl, "-m", "fast", "-o", options, "-l", str(folder / "log"), "restart"]
        )
        yield f"postgres://hub:hub@127.0.0.1:{port}/hub_fault", restart
    finally:
        subprocess.run(
            _as_owner([*pg_ctl, "-m", "immediate", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.2)
        shutil.rmtree(folder, ignore_errors=True)
