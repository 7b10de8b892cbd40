"""`make bench-search`: search latency on BENCH_CLAIMS synthetic claims (PostgreSQL).

    BENCH_CLAIMS=200000 python -m bench.bench_search [--runs 20]

1. Makes sure the benchmark database (`hub_bench`, or BENCH_DATABASE_URL) exists,
   is migrated (hub's search migration: extensions, GIN indexes) and holds
   BENCH_CLAIMS published claims (bench.synthetic; filled only when it does not).
2. In a fresh process, serves `/search/?q=...` through the real view with
   django.test.Client for five queries (a Latin name, the same name in Chinese
   and in Cyrillic, two words of a site's name, a misspelt firm name), each
   once untimed and then `--runs` times, every request with a parameter that
   makes it miss the page cache, and prints p50/p95 per query with the hits
   per group, and the number of database queries the search page runs.

A benchmark prints figures; it exits 0 either way. Other work on the machine
moves the figures: the load average is printed too.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A group's heading on the search page: its key and its count.
GROUP_COUNT = re.compile(r'id="h-(\w+)">[^<]*<span class="count">\((\d+)\)')

QUERIES = [
    ("Latin name", "Huaxin"),
    ("Chinese name", "华信"),
    ("Cyrillic name", "Хуасинь"),
    ("two words", "Krasnodon port"),
    ("misspelt name", "Tianrei Heavy Machinry"),
]


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(runs):
    """In the serving process: time every query, count the page's queries; one JSON line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    results = []
    serial = 0
    for label, query in QUERIES:
        timings = []
        for run in range(runs + 1):
            serial += 1
            started = time.perf_counter()
            # `_` changes the URL, so the page cache never answers: the view runs every time.
            response = client.get("/search/", {"q": query, "_": serial})
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                sys.exit(f"/search/?q={query} answered {response.status_code}")
            if run:  # the first is the untimed warm-up
                timings.append(elapsed)
        serial += 1
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/search/", {"q": query, "_": serial})
        body = response.content.decode()
        counts = {key: int(n) for key, n in GROUP_COUNT.findall(body)}
        results.append(
            {
                "label": label,
                "query": query,
                "p50_ms": statistics.median(timings) * 1000,
                "p95_ms": percentile(timings, 0.95) * 1000,
                "max_ms": max(timings) * 1000,
                "queries": len(queries),
                "counts": counts,
            }
        )
    print(json.dumps(results))


def in_fresh_process(url, runs):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "hub.settings"}
    for name in ("DJANGO_DEBUG", "HUB_PRODUCTION"):  # the production code path, no query log
        env.pop(name, None)
    output = subprocess.run(
        [sys.executable, "-m", "bench.bench_search", "--measure", "--runs", str(runs)],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def run(runs):
    from bench import synthetic

    n_claims = int(os.environ.get("BENCH_CLAIMS", "200000"))
    url = synthetic.database_url()
    print(f"bench-search: {n_claims:,} claims in {synthetic.database_name(url)}")
    print(f"fill: {synthetic.prepare(url, n_claims)}")
    print(f"searching, {runs} timed runs per query, in a fresh process ...")
    results = in_fresh_process(url, runs)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = ["", "== bench-search: /search/ through the view (page cache bypassed) =="]
    lines.append(f"{'query':<32} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  hits per group")
    for row in results:
        name = f"{row['label']}: {row['query']}"
        hits = ", ".join(f"{key} {count:,}" for key, count in row["counts"].items())
        lines.append(
            f"{name:<32} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['queries']:>8}  {hits}"
        )
    lines.append(f"claims (N)            {n_claims:,}")
    lines.append(f"load average          {load} on {os.cpu_count()} CPUs")
    print("\n".join(lines))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed requests per query")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        measure(args.runs)
    else:
        run(args.runs)


if __name__ == "__main__":
    main()
