"""`make bench-export`: the streamed claims CSV against PostgreSQL's own COPY.

    BENCH_CLAIMS=200000 python -m bench.bench_export [--profile]

1. Makes sure the dedicated database `hub_bench` exists, is migrated and holds
   BENCH_CLAIMS published claims (see bench.synthetic; filled only when it
   does not already).
2. Warms the database's cache with one untimed COPY.
3. Serves `/claims.csv` through the real view in a fresh Python process that
   did nothing else (django.test.Client, response consumed chunk by chunk and
   thrown away), and reports its time to first byte, to first row, rows/s and
   peak RSS.
4. Runs `COPY (the same columns, the same rows, the same order) TO STDOUT WITH
   CSV HEADER` and reports its rows/s.
5. Prints one summary with the export's goals: view/COPY >= 0.5 and peak
   RSS < 150 MB. A benchmark prints figures; it exits 0 either way.

--profile also runs the export once under cProfile, in another fresh process,
and prints where its time goes.

Never point it at a database that matters: the fill empties the tables it fills.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL_PATH = "/claims.csv"
GOAL_RATIO = 0.5
GOAL_RSS_MB = 150

# The claims CSV's columns (downloads.tables, table "claims") for every published
# claim, in the list's default order: Claim.Meta.ordering ["public_id"], ended by
# the primary key (hub.listing.with_unique_ordering). Identifier lists are the
# public records' ids, sorted and joined with ";", as downloads.tables does; like
# it (downloads.tables.claim_sources), a source cited twice by a claim is listed once.
COPY_QUERY = """
COPY (
  WITH firms AS (
    SELECT cf.claim_id, string_agg(f.public_id, ';' ORDER BY f.public_id) AS ids
    FROM evidence_claim_firms cf JOIN entities_firm f ON f.id = cf.firm_id
    WHERE f.status = 'published'
    GROUP BY cf.claim_id
  ), sites AS (
    SELECT cs.claim_id, string_agg(s.public_id, ';' ORDER BY s.public_id) AS ids
    FROM evidence_claim_sites cs JOIN entities_site s ON s.id = cs.site_id
    WHERE s.status = 'published'
    GROUP BY cs.claim_id
  ), sources AS (
    SELECT ci.claim_id, string_agg(DISTINCT src.public_id, ';' ORDER BY src.public_id) AS ids
    FROM evidence_citation ci JOIN evidence_source src ON src.id = ci.source_id
    WHERE ci.status = 'published' AND src.status = 'published'
    GROUP BY ci.claim_id
  )
  SELECT c.public_id AS id, c.statement, c.claim_type, c.region, c.date_start, c.date_end,
         c.date_precision, c.stage, c.confidence, c.figure_low, c.figure_high, c.figure_unit,
         firms.ids AS firms, sites.ids AS sites, sources.ids AS sources,
         c.firm_response, c.firm_response_date,
         CASE WHEN c.firm_response <> '' OR c.firm_response_url <> '' THEN 'responded'
              WHEN c.reply_contacted_on IS NULL THEN 'not_contacted'
              WHEN c.reply_deadline < CURRENT_DATE THEN 'no_response_by_deadline'
              ELSE 'awaiting' END AS reply_status,
         CASE WHEN c.firm_response <> '' OR c.firm_response_url <> '' THEN c.firm_response_date
              WHEN c.reply_contacted_on IS NOT NULL THEN c.reply_deadline END AS reply_date,
         c.last_update,
         {base} || '/claims/' || c.public_id || '/' AS hub_url
  FROM evidence_claim c
  LEFT JOIN firms ON firms.claim_id = c.id
  LEFT JOIN sites ON sites.claim_id = c.id
  LEFT JOIN sources ON sources.claim_id = c.id
  WHERE c.status = 'published'
  ORDER BY c.public_id, c.id
) TO STDOUT WITH CSV HEADER
"""


def rss_kb():
    """The resident set size now, in KB (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    """CPU time (user + system) a process has used so far, from /proc (Linux)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux


# -- the export, in its own process --------------------------------------------


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    import django

    django.setup()
    from django.urls import get_resolver

    get_resolver().url_patterns  # import every view now, not during the request  # noqa: B018


def consume(response, started):
    """Read the streamed body chunk by chunk, keeping counts only."""
    ttfb = first_row = None
    lines = nbytes = chunks = 0
    for chunk in response.streaming_content:
        if ttfb is None:
            ttfb = time.perf_counter() - started
        chunks += 1
        nbytes += len(chunk)
        lines += chunk.count(b"\r\n")
        if first_row is None and lines > 1:
            first_row = time.perf_counter() - started
    response.close()
    return {
        "ttfb_s": ttfb,
        "first_row_s": first_row,
        "rows": lines - 1,
        "bytes": nbytes,
        "chunks": chunks,
    }


def measure_view():
    """Serve the claims CSV once; print the figures as one JSON line."""
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    client = Client()
    # Connected now (a served request usually finds its connection open), so
    # that the CPU time of the PostgreSQL backend serving the export can be read.
    connection.ensure_connection()
    backend = connection.connection.info.backend_pid
    backend_before = cpu_seconds(backend)
    rss_before = rss_kb()
    cpu_before = time.process_time()
    started = time.perf_counter()
    response = client.get(URL_PATH)
    if response.status_code != 200:
        sys.exit(f"{URL_PATH} answered {response.status_code}")
    figures = consume(response, started)
    figures["seconds"] = time.perf_counter() - started
    figures["cpu_s"] = time.process_time() - cpu_before
    figures["db_cpu_s"] = cpu_seconds(backend) - backend_before
    figures["rss_before_kb"] = rss_before
    figures["rss_after_kb"] = rss_kb()
    figures["peak_rss_kb"] = peak_rss_kb()
    figures["hub_site_url"] = settings.HUB_SITE_URL
    print(json.dumps(figures))


def profile_view(top):
    """Serve the claims CSV once under cProfile and print the costliest functions."""
    import cProfile
    import pstats

    setup_django()
    from django.test import Client

    client = Client()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    figures = consume(client.get(URL_PATH), started)
    profiler.disable()
    seconds = time.perf_counter() - started
    print(
        f"profiled export: {figures['rows']:,} rows in {seconds:.1f} s (with cProfile's overhead)"
    )
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def in_fresh_process(url, *args):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "hub.settings"}
    for name in ("DJANGO_DEBUG", "HUB_PRODUCTION"):  # the production code path, no query log
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "bench.bench_export", *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout


# -- PostgreSQL's COPY ----------------------------------------------------------


def measure_copy(url, base):
    import psycopg
    from psycopg import sql

    from bench.synthetic import conninfo

    query = sql.SQL(COPY_QUERY).format(base=sql.Literal(base))
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        # The fastest plan here: a parallel one repeats the three aggregates in
        # every worker, and there are two CPUs. The baseline is PostgreSQL at its best.
        conn.execute("SET max_parallel_workers_per_gather = 0")
        cursor = conn.cursor()
        backend_before = cpu_seconds(conn.info.backend_pid)
        cpu_before = time.process_time()
        started = time.perf_counter()
        first_row = None
        lines = nbytes = 0
        with cursor.copy(query) as copy:
            for data in copy:
                data = bytes(data)
                nbytes += len(data)
                lines += data.count(b"\n")
                if first_row is None and lines > 1:
                    first_row = time.perf_counter() - started
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
        db_cpu = cpu_seconds(conn.info.backend_pid) - backend_before
    return {
        "rows": lines - 1,
        "bytes": nbytes,
        "seconds": seconds,
        "first_row_s": first_row,
        "cpu_s": cpu,
        "db_cpu_s": db_cpu,
    }


# -- the run ----------------------------------------------------------------------


def verdict(met):
    return "met" if met else "NOT met"


def run(profile, top):
    from bench import synthetic

    n_claims = int(os.environ.get("BENCH_CLAIMS", "200000"))
    url = synthetic.database_url()
    print(f"bench-export: {n_claims:,} claims in {synthetic.database_name(url)}")
    fill_text = synthetic.prepare(url, n_claims)
    print(f"fill: {fill_text}")

    print("warming the cache with one untimed COPY ...")
    measure_copy(url, "http://127.0.0.1:8000")
    print(f"serving {URL_PATH} in a fresh process ...")
    view = json.loads(in_fresh_process(url, "--measure-view").strip().splitlines()[-1])
    print("COPY ... TO STDOUT WITH CSV HEADER ...")
    copy = measure_copy(url, view["hub_site_url"])
    for name, figures in (("view", view), ("COPY", copy)):
        if figures["rows"] != n_claims:
            print(f"WARNING: the {name} gave {figures['rows']:,} rows, not {n_claims:,}")

    view_rate = view["rows"] / view["seconds"]
    copy_rate = copy["rows"] / copy["seconds"]
    ratio = view_rate / copy_rate
    peak_mb = view["peak_rss_kb"] / 1024
    cpu_ratio = (copy["cpu_s"] + copy["db_cpu_s"]) / (view["cpu_s"] + view["db_cpu_s"])
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        "",
        "== bench-export: claims CSV ==",
        f"claims (N)            {n_claims:,}",
        f"fill time             {fill_text}",
        f"view rows/s           {view_rate:,.0f}  ({view['rows']:,} rows, "
        f"{view['bytes'] / 1e6:.1f} MB in {view['seconds']:.2f} s, {view['chunks']:,} chunks)",
        f"  CPU time            {view['cpu_s']:.2f} s in the Django process, "
        f"{view['db_cpu_s']:.2f} s in its PostgreSQL backend",
        f"COPY rows/s           {copy_rate:,.0f}  ({copy['rows']:,} rows, "
        f"{copy['bytes'] / 1e6:.1f} MB in {copy['seconds']:.2f} s)",
        f"  CPU time            {copy['cpu_s']:.2f} s reading it (psycopg), "
        f"{copy['db_cpu_s']:.2f} s in its PostgreSQL backend",
        f"ratio view/COPY       {ratio:.2f}  (goal >= {GOAL_RATIO}: {verdict(ratio >= GOAL_RATIO)})",
        f"peak RSS (export)     {peak_mb:.1f} MB  (goal < {GOAL_RSS_MB} MB: "
        f"{verdict(peak_mb < GOAL_RSS_MB)}); before the request {view['rss_before_kb'] / 1024:.1f} MB, "
        f"growth {(view['peak_rss_kb'] - view['rss_before_kb']) / 1024:.1f} MB",
        f"TTFB                  {view['ttfb_s'] * 1000:.1f} ms (header); first row after "
        f"{view['first_row_s'] * 1000:.0f} ms (COPY: {copy['first_row_s'] * 1000:.0f} ms)",
        f"CPU-time ratio        {cpu_ratio:.2f}  (COPY's CPU seconds / the view's; "
        "less sensitive than rows/s to other work on the machine)",
        f"load average          {load} on {os.cpu_count()} CPUs",
    ]
    print("\n".join(lines))

    if profile:
        print(f"\nprofiling {URL_PATH} in a fresh process ...")
        print(in_fresh_process(url, "--profile-view", str(top)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="also profile the export")
    parser.add_argument("--top", type=int, default=25, help="functions the profile lists")
    parser.add_argument("--measure-view", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile-view", type=int, metavar="TOP", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_view:
        measure_view()
    elif args.profile_view:
        profile_view(args.profile_view)
    else:
        run(args.profile, args.top)


if __name__ == "__main__":
    main()
