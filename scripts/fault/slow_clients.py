#!/usr/bin/env python3
"""Fault test: slow clients and full exports while readers load the site.

gunicorn (production settings, 2 sync workers, no recycling) on PostgreSQL
with the seed data, behind the shipped front (scripts/front/nginx.conf) or
bare (--target gunicorn). wrk (2 threads, 16 connections) loads the firm
list twice for --duration seconds: alone, then with

- 50 slow sockets, each sending a request header one byte every 2 s (and
  connecting again when the server drops it), and
- 10 full exports of the claims CSV, each read at 20 KB/s,

each from an address of its own (127.0.0.2 and up: loopback is a /8), so the
front's per-client limits apply to them as to real readers; wrk comes from
127.0.0.1, which the front leaves unlimited (a load generator standing for
many readers), then alone again. Prints the runs and checks:

- the page p95 with the slow clients is within 20 % of the runs without them
  (their mean; --max-ratio 1.2; or 2 ms, under which timer noise dominates);
- wrk saw no error in either run;
- no gunicorn worker was killed or restarted.

Exit status 0 when they hold. `--target both` runs the front and then bare
gunicorn and exits 0 only when the front passes and bare gunicorn fails:
what the front is for. FAULT_DATABASE_URL (postgres://hub:hub@127.0.0.1:5432/
hub_fault) is created, migrated and seeded on first use.
"""

import argparse
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import bench_load  # noqa: E402
import front  # noqa: E402
import prodserver  # noqa: E402

DATABASE_URL = os.environ.get("FAULT_DATABASE_URL", "postgres://hub:hub@127.0.0.1:5432/hub_fault")
CACHE_URL = "redis://127.0.0.1:6379/8"
SLOW_SOCKETS, EXPORTS = 50, 10
PAGE, EXPORT = "/firms/", "/claims.csv"
NOISE_MS = 2.0


def slow_socket(port, address, stop):
    """Send a request header one byte every 2 s; connect again whenever the server hangs up."""
    request = b"GET /firms/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"x" * 200
    while not stop.is_set():
        try:
            with socket.create_connection(
                ("127.0.0.1", port), timeout=5, source_address=(address, 0)
            ) as sock:
                for byte in request:
                    if stop.wait(2):
                        return
                    sock.sendall(bytes([byte]))
        except OSError:
            stop.wait(0.5)


def slow_export(port, address, stop, outcome):
    """Download the full claims CSV at about 20 KB/s (16 KB every 0.8 s); note the status line."""
    try:
        with socket.create_connection(
            ("127.0.0.1", port), timeout=60, source_address=(address, 0)
        ) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(
                f"GET {EXPORT} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            first = sock.recv(1024)
            outcome.append(first.split(b"\r\n", 1)[0].decode(errors="replace"))
            received = len(first)
            while not stop.is_set():
                chunk = sock.recv(16384)
                if not chunk:
                    break
                received += len(chunk)
                time.sleep(0.8)
    except OSError as error:
        outcome.append(f"error: {error}")


def booted_workers(log_path):
    text = Path(log_path).read_text(errors="replace")
    return text.count("Booting worker"), text.count("WORKER TIMEOUT") + text.count("SIGKILL")


def run(target, args, work):
    prefix = f"slow-{os.getpid()}-{target}"
    env = prodserver.production_env(
        database_url=DATABASE_URL,
        cache_url=CACHE_URL,
        cache_prefix=prefix,
        static_root=work / "static",
        HUB_DOWNLOADS_ROOT=work / "downloads",
        GUNICORN_MAX_REQUESTS="0",  # a recycled worker would look like a killed one
        HUB_TRUSTED_PROXIES="127.0.0.1",
        SKIP_COLLECTSTATIC="1" if (work / "static").exists() else "0",
    )
    log = work / f"gunicorn-{target}.log"
    app = prodserver.serve(env, port=args.app_port, workers=2, log_path=log)
    nginx = None
    port = args.app_port
    try:
        if target == "front":
            conf = front.render(
                work / "front",
                listen=f"127.0.0.1:{args.front_port}",
                upstream=f"127.0.0.1:{args.app_port}",
                unlimited=["127.0.0.1"],
            )
            nginx = front.start(conf)
            port = args.front_port
        url = f"http://127.0.0.1:{port}{PAGE}"
        if prodserver.get(url) != 200 or prodserver.get(f"http://127.0.0.1:{port}{EXPORT}") != 200:
            raise SystemExit(f"{url} does not answer 200 through {target}")
        wrk = {"threads": 2, "connections": 16, "duration": args.duration}
        alone = bench_load.run_wrk(url, **wrk)
        stop, exports = threading.Event(), []
        threads = [
            threading.Thread(target=slow_socket, args=(port, f"127.0.0.{2 + n}", stop), daemon=True)
            for n in range(SLOW_SOCKETS)
        ] + [
            threading.Thread(
                target=slow_export, args=(port, f"127.0.1.{2 + n}", stop, exports), daemon=True
            )
            for n in range(EXPORTS)
        ]
        for thread in threads:
            thread.start()
        time.sleep(2)  # the exports' requests are in; they are read slowly from here on
        try:
            disturbed = bench_load.run_wrk(url, **wrk)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=10)
        # The run without them once more: the baseline is the mean of the runs
        # before and after, so that a drift of the machine's load is not blamed on them.
        again = bench_load.run_wrk(url, **wrk) if prodserver.get(url) == 200 else alone
        print(
            f"p95 alone: {alone['p95_us'] / 1000:.1f} ms before, {again['p95_us'] / 1000:.1f} ms after"
        )
        alone = {
            **alone,
            "p95_us": (alone["p95_us"] + again["p95_us"]) / 2,
            "errors": alone["errors"] + again["errors"],
        }
    finally:
        if nginx is not None:
            front.stop(nginx)
        prodserver.stop(app)
        prodserver.forget_cache(CACHE_URL, prefix)
    boots, kills = booted_workers(log)
    return alone, disturbed, boots, kills, exports


def judge(target, alone, disturbed, boots, kills, exports, max_ratio):
    p95_alone, p95_disturbed = alone["p95_us"] / 1000, disturbed["p95_us"] / 1000
    limit = max(p95_alone * max_ratio, p95_alone + NOISE_MS)
    print(f"\n== through {'the front (nginx)' if target == 'front' else 'bare gunicorn'}")
    print(f"{'':28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for label, f in (("alone (p95: mean of 2 runs)", alone), ("50 slow + 10 exports", disturbed)):
        print(
            f"{label:28} {f['rps']:8.1f} {f['p50_us'] / 1000:8.1f} {f['p95_us'] / 1000:8.1f} "
            f"{f['p99_us'] / 1000:8.1f} {f['errors']:7d}"
        )
    print(f"exports answered: {sorted(set(exports))}; workers booted {boots}, killed {kills}")
    checks = [
        (
            f"p95 with slow clients {p95_disturbed:.1f} ms ≤ {limit:.1f} ms "
            f"({max_ratio:.0%} of {p95_alone:.1f} ms, or +{NOISE_MS:.0f} ms)",
            p95_disturbed <= limit and disturbed["requests"] > 0,
        ),
        ("wrk saw no error", alone["errors"] == 0 and disturbed["errors"] == 0),
        ("no worker killed or restarted", kills == 0 and boots == 2),
    ]
    for text, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")
    return all(ok for _text, ok in checks)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=["front", "gunicorn", "both"], default="front")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--max-ratio", type=float, default=1.2)
    parser.add_argument("--front-port", type=int, default=int(os.environ.get("FAULT_PORT", "8071")))
    parser.add_argument(
        "--app-port", type=int, default=int(os.environ.get("FAULT_APP_PORT", "8072"))
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    prodserver.ensure_database(DATABASE_URL)
    work = Path(tempfile.mkdtemp(prefix="hub-slow-"))
    try:
        targets = ["front", "gunicorn"] if args.target == "both" else [args.target]
        passed = {t: judge(t, *run(t, args, work), args.max_ratio) for t in targets}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.target == "both":
        ok = passed["front"] and not passed["gunicorn"]
        print(
            f"\nslow clients: front {'passes' if passed['front'] else 'FAILS'}, bare gunicorn "
            f"{'fails' if not passed['gunicorn'] else 'PASSES (the test shows nothing)'}"
        )
        return 0 if ok else 1
    return 0 if passed[args.target] else 1


if __name__ == "__main__":
    sys.exit(main())
