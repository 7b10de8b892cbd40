"""The servers make bench measures and the load it puts on them: gunicorn, Datasette, wrk.

Used by bench/bench_site.py; figures only, no goals (those are the benchmark's).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PORT = 8765
DATASETTE_PORT = 8766


def timed_get(path):
    import urllib.request

    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=300) as response:
        response.read()
        status = response.status
    return (time.perf_counter() - started) * 1000, status


def start(command, port, env=None, log_name="server"):
    log = open(VAR / "bench-logs" / f"{log_name}.log", "w")  # noqa: SIM115 (open while running)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    import urllib.request

    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60).read()
            return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError(f"{command[0]} did not start; see var/bench-logs/{log_name}.log")


def gunicorn(page_cache=True):
    env = dict(os.environ)
    if not page_cache:
        env["HUB_PAGE_CACHE"] = "0"
    return start(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "hub.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "300",
        ],
        PORT,
        env=env,
        log_name="gunicorn",
    )


def wrk(url, seconds=30, unique=False):
    """(requests/s, p50 ms, p99 ms, wrk's output); `unique`: a never-seen parameter per request."""
    command = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--timeout", "30s", "--latency"]
    if unique:
        command += ["-s", str(ROOT / "bench" / "wrk_unique.lua")]
    result = subprocess.run([*command, url], capture_output=True, text=True, check=False)
    rate, latencies = 0.0, {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            rate = float(parts[1])
        elif len(parts) == 2 and parts[0] in ("50%", "99%"):
            latencies[parts[0]] = _milliseconds(parts[1])
    return rate, latencies.get("50%", 0.0), latencies.get("99%", 0.0), result.stdout + result.stderr


def _milliseconds(text):
    for suffix, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)


# The pages measured under wrk, ours and Datasette's showing the same rows.
WRK_PAGES = ("firm list", "top firm profile", "claims of one type")
MODES = ("cached", "uncached")


def wrk_pages(top):
    return dict(
        zip(
            WRK_PAGES,
            ["/firms/", top.get_absolute_url(), "/claims/?claim_type=presence"],
            strict=True,
        )
    )


def datasette_pages(top):
    return dict(
        zip(
            WRK_PAGES,
            [
                "/bench-site/entities_firm",
                f"/bench-site/entities_firm/{top.pk}",
                "/bench-site/evidence_claim?claim_type=presence",
            ],
            strict=True,
        )
    )


def throughput(paths, seconds, *, port, modes=MODES):
    """{(page, mode): (requests/s, p50 ms, p99 ms)} under wrk.

    cached: one URL, asked again and again. uncached: a parameter never seen
    before on every request, so no cache keyed by URL can answer (the hub
    redirects it to the canonical URL: hub/canonical.py). rendered: the hub
    run with its page cache off, so every request renders the page.
    """
    figures = {}
    for name, path in paths.items():
        for mode in modes:
            if port == PORT:
                timed_get(path)  # the cached page exists before wrk starts
            rate, p50, p99, output = wrk(
                f"http://127.0.0.1:{port}{path}", seconds, unique=mode == "uncached"
            )
            if rate == 0.0:
                print(output)
            figures[name, mode] = (rate, p50, p99)
    return figures


def print_throughput(ours, theirs):
    print("\nThroughput under wrk (2 threads, 32 connections), requests/s")
    print("| page | mode | ours req/s | Datasette req/s | ratio | ours p50 / p99 ms |")
    print("|---|---|---|---|---|---|")
    for (name, mode), (rate, p50, p99) in ours.items():
        other = theirs.get((name, "cached" if mode == "rendered" else mode))
        ratio = f"{rate / other[0]:.1f}x" if other and other[0] else "-"
        print(
            f"| {name} | {mode} | {rate:,.1f} | {other[0] if other else 0:,.1f} | {ratio} |"
            f" {p50:.0f} / {p99:.0f} |"
        )


# -- Datasette -----------------------------------------------------------------


def export_sqlite(path):
    """The firm, claim and claim-firm tables, copied to SQLite (as Datasette would serve them)."""
    import sqlite3

    from django.db import connection

    if path.exists():
        path.unlink()
    target = sqlite3.connect(path)
    tables = {
        "entities_firm": "id, public_id, status, name_en, name_zh, name_ru, kind, ownership, country, stage, european_presence, description",
        "evidence_claim": "id, public_id, status, statement, claim_type, region, date_start, stage, confidence",
        "evidence_claim_firms": "id, claim_id, firm_id",
    }
    with connection.cursor() as cursor:
        for table, columns in tables.items():
            target.execute(f"CREATE TABLE {table} ({columns.replace(', id,', ', id INTEGER,')})")
            # Dates as ISO text, which is how SQLite keeps them (and Python 3.12 no
            # longer adapts dates for sqlite3 by default).
            cursor.execute(
                f"SELECT {columns.replace('date_start', 'date_start::text')} FROM {table}"
            )
            marks = ", ".join("?" * len(columns.split(",")))
            while rows := cursor.fetchmany(20_000):
                target.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    for statement in [
        "CREATE UNIQUE INDEX firm_id ON entities_firm (id)",
        "CREATE INDEX firm_stage_kind ON entities_firm (stage, kind)",
        "CREATE UNIQUE INDEX claim_id ON evidence_claim (id)",
        "CREATE INDEX claim_region ON evidence_claim (region)",
        "CREATE INDEX claim_firms_firm ON evidence_claim_firms (firm_id, claim_id)",
        "CREATE INDEX claim_firms_claim ON evidence_claim_firms (claim_id)",
    ]:
        target.execute(statement)
    target.commit()
    target.close()


def datasette(path):
    binary = VAR / "bench-venv/bin/datasette"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VAR / "bench-venv")], check=True)
        subprocess.run(
            [str(VAR / "bench-venv/bin/pip"), "install", "-q", "datasette==0.65.5"], check=True
        )
    return start(
        [str(binary), "serve", "--immutable", str(path), "--port", str(DATASETTE_PORT)],
        DATASETTE_PORT,
        log_name="datasette",
    )
