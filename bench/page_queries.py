"""Where an uncached page's time goes: its SQL, query by query, and the rest.

    python -m bench.page_queries /firms/?stage=1 [/search/?q=Huaxin ...] [--runs 7] [--profile]

Requests each path in-process (Django's test client, no cache) against the
benchmark database (BENCH_SITE_DATABASE_URL, default hub_bench_site; build it
with `make bench` first), after one warm-up request, and prints the median
total, the median time of each query with its first characters, and the time
outside SQL (views, templates). A tool for finding what to speed up; it
prints figures and exits 0.
"""

import argparse
import os
import statistics
import time

from bench.bench_site import DEFAULT_URL


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sql-chars", type=int, default=110)
    parser.add_argument("--profile", action="store_true", help="and a pyinstrument profile of each")
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=os.environ.get("BENCH_SITE_DATABASE_URL", DEFAULT_URL),
        DJANGO_SETTINGS_MODULE="hub.settings",
        HUB_PAGE_CACHE="0",
        HUB_COUNT_CACHE="0",
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for path in args.paths:
        client.get(path)  # warm: templates compiled, database pages read
        totals, per_query = [], []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                totals.append((time.perf_counter() - started) * 1000)
            per_query.append([(float(q["time"]) * 1000, q["sql"]) for q in captured])
        total = statistics.median(totals)
        times = [
            statistics.median(run[i][0] for run in per_query) for i in range(len(per_query[0]))
        ]
        print(f"{path}: {response.status_code}, median {total:.0f} ms, {len(times)} queries")
        for ms, (_, sql) in zip(times, per_query[0], strict=True):
            print(f"  {ms:7.1f} ms  {' '.join(sql.split())[: args.sql_chars]}")
        print(f"  {total - sum(times):7.1f} ms  outside SQL")
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            with profiler:
                client.get(path)
            print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
