"""`make bench`: the public site at a million claims, against Datasette on the same data.

    python -m bench.bench_site [--quick] [--skip-datasette] [--skip-publish]

1. Makes sure the database hub_bench_site (BENCH_SITE_DATABASE_URL) exists, is
   migrated, has every index the models declare, and holds the synthetic set
   (BENCH_FIRMS, BENCH_SITES, BENCH_SOURCES, BENCH_CLAIMS; default 20,000 /
   5,000 / 50,000 / 1,000,000), built by bench.synthetic_data when absent.
2. Runs gunicorn with 2 workers on it, with a Redis cache of its own (db 9).
3. After warming each worker (4 uncached requests per page, not counted),
   prints p50/p95 latency, uncached (cache emptied before every request) and
   cached, and the query count of: the firm list with three filters, the
   profile of the firm with the most claims, the claim list filtered by
   region, a search, and a source profile.
4. Prints requests/s under wrk (2 threads, 32 connections, 30 s) for the firm
   list and that profile, and for Datasette (in var/bench-venv) serving a
   SQLite copy of the firm and claim tables: its table page filtered the same
   way and its row page; and the ratio.
5. Stages 10,000 edits and times publish_update (it writes the update's data
   package, which at this size is most of the time).
6. Profiles the slowest uncached page with pyinstrument.

A benchmark prints figures; it exits 0 either way. Never point it at a
database that matters: it adds synthetic records and publishes to it.
"""

import argparse
import os
import statistics
import sys
import time

from bench.servers import (
    DATASETTE_PORT,
    PORT,
    VAR,
    datasette,
    datasette_pages,
    export_sqlite,
    gunicorn,
    print_throughput,
    throughput,
    timed_get,
    wrk_pages,
)

DEFAULT_URL = "postgres://hub:hub@127.0.0.1:5432/hub_bench_site"
CACHE_URL = "redis://127.0.0.1:6379/9"
CACHE_PREFIX = "bench-site"
GOALS = {"uncached": 100.0, "cached": 10.0, "ratio": 2.0, "publish": 30.0}


def setup(url):
    from bench.synthetic import database_name

    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="hub.settings",
        HUB_CACHE_URL=CACHE_URL,
        HUB_CACHE_PREFIX=CACHE_PREFIX,
        # Each benchmark database's packages apart: update numbers repeat across them.
        HUB_DOWNLOADS_ROOT=str(VAR / f"{database_name(url)}-downloads"),
        DATABASE_CONN_MAX_AGE="600",
    )
    import django

    django.setup()


def ensure_data(url, sizes, log=print):
    """Database, schema (with its indexes) and the synthetic set, each made only when missing."""
    from bench.synthetic import database_name, ensure_database

    if not database_name(url).startswith("hub_bench"):
        sys.exit(f"refusing {database_name(url)!r}: the benchmark's databases are hub_bench*")
    ensure_database(url)
    from django.core.management import call_command

    # The migrations create every index the public pages use.
    call_command("migrate", verbosity=0)
    from editorial.models import Update
    from evidence.models import Claim

    if Update.objects.filter(is_synthetic=True).exists() and Claim.objects.count() >= sizes.claims:
        log(f"  the synthetic set is there ({Claim.objects.count():,} claims)")
        return
    from bench import synthetic_data as synthetic

    started = time.perf_counter()
    synthetic.generate(sizes=sizes, package=False, log=log)
    log(f"  built the synthetic set in {time.perf_counter() - started:.0f} s")
    # What autovacuum would do in the next minutes: the visibility map that
    # lets index-only scans skip the rows, and fresh statistics.
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"  vacuumed in {time.perf_counter() - started:.0f} s")


# -- the pages -----------------------------------------------------------------


def pages():
    from django.db.models import Count

    from entities.models import Firm
    from evidence.models import Source

    top = Firm.objects.public().annotate(n=Count("claims")).order_by("-n").first()
    source = Source.objects.public().order_by("pk")[Source.objects.count() // 2]
    return {
        "firm list, 3 filters": "/firms/?stage=1&kind=company&region=luhansk",
        f"profile of {top.public_id} ({top.n:,} claims)": top.get_absolute_url(),
        "claim list, region": "/claims/?region=donetsk",
        "search": "/search/?q=Huaxin",
        f"source profile {source.public_id}": source.get_absolute_url(),
    }, top


def clear_cache():
    from django.core.cache import cache

    cache.clear()  # only the bench's own Redis database and prefix


def query_count(path):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        Client().get(path)
    return len(queries.captured_queries)


def percentiles(samples):
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def latency(path, uncached, n):
    samples = []
    for _ in range(n):
        if uncached:
            clear_cache()
        ms, status = timed_get(path)
        if status != 200:
            return None
        samples.append(ms)
    return percentiles(samples)


# -- publishing ----------------------------------------------------------------


def ensure_previous_package(log=print):
    """The latest update's data package, with its row index, built (untimed) when missing.

    Publishing writes update N's package from N-1's (downloads.incremental);
    the synthetic update is made with --no-package, so the first publish
    after it would time a full build of a million claims instead. Returns
    the seconds the full build took, or None when there was a package.
    """
    from django.db import transaction

    from downloads import incremental, package
    from editorial.models import Update

    latest = Update.objects.order_by("-number").first()
    if (package.directory(latest.number) / incremental.INDEX / "meta.json").is_file():
        return None
    log(f"Writing update {latest.number}'s data package in full first (not timed as publishing)...")
    started = time.perf_counter()
    with transaction.atomic():
        package.build_package(latest, full=True)
    return time.perf_counter() - started


def publish_10k(n=10_000, log=print, spread=1):
    """Stage n edits (one per claim) and publish them as one update; time both.

    The claims are the newest n (spread=1), or every spread-th of the newest n × spread.
    """
    import uuid

    from django.db import transaction

    import derived
    from downloads import package
    from editorial import immutability, publishing, staging
    from editorial.models import Update
    from evidence.models import Claim

    full_build = ensure_previous_package(log)
    if full_build is not None:
        log(f"  full build of the previous update's package: {full_build:.1f} s")
    pks = list(Claim.objects.public().order_by("-pk").values_list("pk", flat=True)[: n * spread])
    claims = list(Claim.objects.filter(pk__in=pks[::spread]).order_by("-pk"))
    started = time.perf_counter()
    stamp = uuid.uuid4().hex[:8]
    ids = [
        staging.stage_edit(record=claim, fields={"figure_unit": f"units {stamp}"}, user=None).pk
        for claim in claims
    ]
    staged = time.perf_counter() - started
    steps = _TimedSteps(
        [
            ("apply", publishing, "apply_change"),
            ("regrade", publishing.rules, "regrade_claims"),
            ("stored counts", derived, "refresh"),
            ("invariants", publishing.rules, "check_public_invariants"),
            ("package", package, "build_package"),
        ]
    )
    started = time.perf_counter()
    with steps:
        update = publishing.publish_update(
            change_ids=ids, summary="Benchmark: 10,000 edits", idempotency_key=f"bench-{stamp}"
        )
    published = time.perf_counter() - started
    # Edits of synthetic records: the update is synthetic too.
    # A published update is rewritten only by its own publish: allowed by name here.
    with transaction.atomic(), immutability.publishing(update.number):
        Update.objects.filter(pk=update.pk).update(is_synthetic=True)
    from hub import cache

    cache.update_published()
    return staged, published, steps.seconds


class _TimedSteps:
    """The real publishing steps, each timed: {step: seconds} once the publish is done.

    `targets`: (step, module, function name); the function is replaced by a
    timed call of itself while the block runs.
    """

    def __init__(self, targets):
        self.targets = targets
        self.seconds = {}

    def __enter__(self):
        self.originals = []
        for step, module, name in self.targets:
            real = getattr(module, name)
            self.originals.append((module, name, real))
            setattr(module, name, self._timed(step, real))

    def _timed(self, step, real):
        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                self.seconds[step] = self.seconds.get(step, 0.0) + time.perf_counter() - began

        return timed

    def __exit__(self, *exc):
        for module, name, real in self.originals:
            setattr(module, name, real)


def profile(path):
    from django.test import Client
    from pyinstrument import Profiler

    clear_cache()
    profiler = Profiler()
    profiler.start()
    Client().get(path)
    profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    (VAR / "bench-logs" / "profile.txt").write_text(text)
    return text


def goal(value, target, lower_is_better=True):
    met = value <= target if lower_is_better else value >= target
    return "meets" if met else "MISSES"


class _Skip(Exception):
    pass


def run(args):
    (VAR / "bench-logs").mkdir(parents=True, exist_ok=True)
    url = os.environ.get("BENCH_SITE_DATABASE_URL", DEFAULT_URL)
    setup(url)
    from bench.synthetic_data import Sizes

    sizes = Sizes(
        firms=int(os.environ.get("BENCH_FIRMS", 20_000)),
        sites=int(os.environ.get("BENCH_SITES", 5_000)),
        sources=int(os.environ.get("BENCH_SOURCES", 50_000)),
        claims=int(os.environ.get("BENCH_CLAIMS", 1_000_000)),
    )
    print(f"Data: {url.rsplit('/', 1)[-1]}, {sizes.claims:,} claims")
    ensure_data(url, sizes)
    targets, top = pages()
    uncached_n, cached_n, seconds = (3, 20, 5) if args.quick else (20, 50, 30)
    worst = (0.0, top.get_absolute_url())
    if args.skip_pages:
        args.skip_datasette = True
    server = gunicorn() if not args.skip_pages else None
    try:
        if server is None:
            raise _Skip
        # Warm the workers (imports, templates, URL resolver, connections), not
        # the cache: a fresh worker's first request is not what a reader waits for.
        for path in targets.values():
            for _ in range(4):
                clear_cache()
                timed_get(path)
        print("\nLatency over HTTP (gunicorn, 2 workers), ms; queries per request")
        print(f"{'page':44} {'uncached p50/p95':>18} {'cached p50/p95':>16} {'queries':>9}")
        for name, path in targets.items():
            cold = latency(path, uncached=True, n=uncached_n)
            warm = latency(path, uncached=False, n=cached_n)
            clear_cache()
            cold_queries = query_count(path)
            warm_queries = query_count(path)
            if cold is None or warm is None:
                print(f"{name:44} not 200")
                continue
            worst = max(worst, (cold[1], path), key=lambda pair: pair[0])
            print(
                f"{name:44} {cold[0]:8.0f}/{cold[1]:<8.0f} {warm[0]:7.1f}/{warm[1]:<7.1f}"
                f" {cold_queries:4}/{warm_queries:<4}"
                f"  goal p95 <= {GOALS['uncached']:.0f} ms: {goal(cold[1], GOALS['uncached'])},"
                f" <= {GOALS['cached']:.0f} ms: {goal(warm[1], GOALS['cached'])}"
            )
        ours = throughput(wrk_pages(top), seconds, port=PORT)
    except _Skip:
        ours = {}
    finally:
        if server is not None:
            server.terminate()
            server.wait()
    if ours:
        # The same pages rendered on every request: what a request the page
        # cache cannot answer (a new page of a new filter) costs.
        server = gunicorn(page_cache=False)
        try:
            rendered = throughput(wrk_pages(top), seconds, port=PORT, modes=("rendered",))
        finally:
            server.terminate()
            server.wait()
        for key, figures in rendered.items():
            ours[key] = figures
    if args.skip_pages:
        pass
    elif not args.skip_datasette:
        sqlite_path = VAR / "bench-site.sqlite3"
        started = time.perf_counter()
        export_sqlite(sqlite_path)
        print(f"\nSQLite copy for Datasette written in {time.perf_counter() - started:.0f} s")
        server = datasette(sqlite_path)
        try:
            theirs = throughput(datasette_pages(top), seconds, port=DATASETTE_PORT)
        finally:
            server.terminate()
            server.wait()
        print_throughput(ours, theirs)
    else:
        print_throughput(ours, {})
    if not args.skip_publish:
        staged, published, steps = publish_10k()
        rest = published - sum(steps.values())
        parts = ", ".join(f"{step} {seconds:.1f}" for step, seconds in steps.items())
        print(
            f"\nPublish 10,000 staged edits: staging {staged:.0f} s; publish_update {published:.1f} s"
            f" ({parts}, the rest {rest:.1f} s)"
            f"  goal <= {GOALS['publish']:.0f} s: {goal(published, GOALS['publish'])}"
        )
    if worst[1]:
        text = profile(worst[1])
        print(f"\nProfile of the slowest uncached page, {worst[1]} (var/bench-logs/profile.txt):")
        print("\n".join(text.splitlines()[:40]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples, 5 s wrk runs")
    parser.add_argument("--skip-datasette", action="store_true")
    parser.add_argument("--skip-publish", action="store_true")
    parser.add_argument("--skip-pages", action="store_true", help="only publish and profile")
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main()
