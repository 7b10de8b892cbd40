#!/usr/bin/env python3
"""Load benchmark (make bench-load): wrk against the firm list and a firm profile.

gunicorn with production settings (scripts/serve-prod, 2 sync workers by
default) on PostgreSQL with the seed data, in a database of its own
(BENCH_LOAD_DATABASE_URL, default postgres://hub:hub@127.0.0.1:5432/hub_bench_load,
created, migrated and seeded on first use), Redis db 8 as the shared cache.
For each URL: wrk with 2 threads and 32 connections for 60 s (--latency),
printing requests/s, p50/p95/p99 and the errors (non-2xx answers plus socket
errors). Prints figures; not a timed test: exits 0 whatever they are.

    .venv/bin/python scripts/bench_load.py [--duration 60] [--workers 2]
        [--no-page-cache] [--firm F0001]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import prodserver

DEFAULT_DB = "postgres://hub:hub@127.0.0.1:5432/hub_bench_load"
CACHE_URL = "redis://127.0.0.1:6379/8"


def run_wrk(url, *, threads, connections, duration):
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "10s",
        "-H",
        "X-Forwarded-Proto: https",
        "-H",
        "Host: 127.0.0.1",
        "-s",
        str(Path(__file__).resolve().parent / "bench_load.lua"),
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH_JSON "))
    figures = json.loads(line.removeprefix("BENCH_JSON "))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["socket_errors"] = sum(figures[k] for k in ("connect", "read", "write", "timeout"))
    figures["errors"] = figures["non2xx"] + figures["socket_errors"]
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8051)
    parser.add_argument("--firm", default="F0001", help="the firm profile to load")
    parser.add_argument(
        "--no-page-cache", action="store_true", help="measure the views, not the page cache"
    )
    parser.add_argument("--max-p95-ms", type=float, help="pass figure (500, 2000 without cache)")
    parser.add_argument("--min-rps", type=float, default=50.0, help="pass figure (50)")
    args = parser.parse_args(argv)
    if args.max_p95_ms is None:
        args.max_p95_ms = 2000.0 if args.no_page_cache else 500.0

    if shutil.which("wrk") is None:
        print("wrk is missing: install Debian's package (apt-get install -y wrk).", file=sys.stderr)
        return 1
    database_url = os.environ.get("BENCH_LOAD_DATABASE_URL", DEFAULT_DB)
    prodserver.ensure_database(database_url)

    prefix = f"bench-load-{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="hub-bench-load-"))
    env = prodserver.production_env(
        database_url=database_url,
        cache_url=CACHE_URL,
        cache_prefix=prefix,
        static_root=work / "static",
        HUB_PAGE_CACHE="0" if args.no_page_cache else "1",
        HUB_DOWNLOADS_ROOT=work / "downloads",
    )
    server = prodserver.serve(
        env, port=args.port, workers=args.workers, log_path=work / "server.log"
    )
    base = f"http://127.0.0.1:{args.port}"
    targets = [("firm list", "/firms/"), (f"firm profile {args.firm}", f"/firms/{args.firm}/")]
    results = []
    try:
        for label, path in targets:
            status = prodserver.get(base + path)
            if status != 200:
                raise SystemExit(f"{path} answers {status}; is the seed data there?")
            print(
                f"-- {label}: wrk -t{args.threads} -c{args.connections} -d{args.duration}s",
                flush=True,
            )
            results.append(
                (
                    label,
                    run_wrk(
                        base + path,
                        threads=args.threads,
                        connections=args.connections,
                        duration=args.duration,
                    ),
                )
            )
    finally:
        prodserver.stop(server)
        prodserver.forget_cache(CACHE_URL, prefix)
        shutil.rmtree(work, ignore_errors=True)

    cache = "off" if args.no_page_cache else "on (production default)"
    print(
        f"\ngunicorn {args.workers} sync workers, PostgreSQL (seed data), page cache {cache}; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
    )
    print(
        f"{'':24} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}"
    )
    for label, f in results:
        print(
            f"{label:24} {f['rps']:8.1f} {f['p50_us'] / 1000:8.1f} {f['p95_us'] / 1000:8.1f} "
            f"{f['p99_us'] / 1000:8.1f} {f['requests']:9d} {f['errors']:7d}"
            f"  (non-2xx {f['non2xx']}, socket {f['socket_errors']})"
        )
    missed = []
    for label, f in results:
        if f["errors"]:
            missed.append(f"{label}: {f['errors']} errors (pass: none)")
        if f["p95_us"] / 1000 > args.max_p95_ms:
            missed.append(f"{label}: p95 {f['p95_us'] / 1000:.1f} ms > {args.max_p95_ms:.0f} ms")
        if f["rps"] < args.min_rps:
            missed.append(f"{label}: {f['rps']:.1f} req/s < {args.min_rps:.0f}")
    for line in missed:
        print(f"FAIL {line}")
    print("bench-load:", "PASS" if not missed else "FAIL")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
