"""A synthetic data set for load testing, published as its own flagged update.

`generate(sizes=Sizes(...))` writes firms, sites, sources, claims (with their
firms and sites) and 1-4 citations per claim, all published, all pointing at
one new `Update` marked `is_synthetic`, which every page then announces (see
templates/base.html and hub.cache.site_state). The distributions are skewed
like real monitoring data: a few firms have thousands of claims, most a
handful. Names come in Latin, Chinese and Cyrillic scripts.

PostgreSQL is filled with COPY (foreign keys dropped for the load and added
back, checked in one pass, before the transaction commits); SQLite with
batched bulk_create. Either way it is one transaction: all or nothing.

It refuses a database holding real (non-synthetic) records unless
`allow_real=True`: the synthetic rows would mix with them.

At a million claims the update's frozen data package is a multi-gigabyte
build; `package=False` skips it (the downloads page then lists no files for
that update), which `make bench` does. The synthetic update's changelog is
summarised in its notes rather than listed row by row.
"""

import contextlib
import random
import time
import uuid
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

import derived
from bench import synthetic_names as names
from bench.bulk_load import Writer, without_foreign_keys, without_indexes
from bench.synthetic_rows import PUBLIC_MODELS, ClaimRows, Plan, firm_rows, site_rows, source_rows
from editorial import immutability
from editorial.models import Update
from editorial.publishing import rules
from entities.models import Firm, SanctionsDesignation, Sector, Site
from evidence.models import Citation, Claim, Source

SUMMARY = "Synthetic data set for load testing (not real data)"


@dataclass(frozen=True)
class Sizes:
    firms: int = 20_000
    sites: int = 5_000
    sources: int = 50_000
    claims: int = 1_000_000
    seed: int = 7


class RealDataPresent(Exception):
    """The database holds real records; the caller did not allow mixing them."""


def synthetic_update_numbers():
    return set(Update.objects.filter(is_synthetic=True).values_list("number", flat=True))


def real_records_exist():
    """True when any update is real, or any record came from no synthetic update."""
    if Update.objects.filter(is_synthetic=False).exists():
        return True
    synthetic = synthetic_update_numbers()
    return any(model.objects.exclude(last_update__in=synthetic).exists() for model in PUBLIC_MODELS)


def _tables():
    tables = [model._meta.db_table for model in PUBLIC_MODELS]
    tables += [Claim.firms.through._meta.db_table, Claim.sites.through._meta.db_table]
    return [*tables, Firm.sectors.through._meta.db_table]


# Claims graded per batch: evidence.confidence reads their citations with an IN list.
GRADE_BATCH = 10_000


def grade_claims():
    """Store on each claim the grade its evidence gives (evidence.confidence), as publishing does.

    The rows are written with a grade drawn at random; left so, the first
    update to touch a claim would regrade it, and the claim's page would
    explain a grade its evidence does not give. Returns how many changed.
    """
    from evidence import confidence

    pks = list(
        Claim.objects.filter(confidence_override="").order_by("pk").values_list("pk", flat=True)
    )
    changed = 0
    for start in range(0, len(pks), GRADE_BATCH):
        batch = pks[start : start + GRADE_BATCH]
        grades = {
            pk: grade.value for pk, (grade, _rule) in confidence.computed_grades(batch).items()
        }
        stored = Claim.objects.filter(pk__in=batch).values_list("pk", "confidence")
        wrong = {pk: grades[pk] for pk, grade in stored if grades[pk] != grade}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Claim._meta.db_table} AS c SET confidence = v.grade "
                    "FROM unnest(%s::bigint[], %s::text[]) AS v(id, grade) WHERE c.id = v.id",
                    [list(wrong), list(wrong.values())],
                )
        else:
            Claim.objects.bulk_update(
                [Claim(pk=pk, confidence=grade) for pk, grade in wrong.items()], ["confidence"]
            )
        changed += len(wrong)
    return changed


def generate(*, sizes=None, allow_real=False, package=True, log=print):
    """Write a synthetic data set and publish it as the next update; returns the update."""
    sizes = sizes or Sizes()
    started = time.perf_counter()
    with transaction.atomic(), contextlib.ExitStack() as marked:
        if not allow_real and real_records_exist():
            raise RealDataPresent(
                "This database holds real (non-synthetic) records; synthetic ones would "
                "mix with them. Use an empty database, or allow it explicitly."
            )
        now = timezone.now()
        number = (Update.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        # Published rows written in bulk, not through publish_update (its changelog is
        # a summary): allowed by name, as the publish of update `number`.
        marked.enter_context(immutability.publishing(number))
        plan = Plan(sizes, number, now)
        restores = []
        if connection.vendor == "postgresql":
            restores = [without_foreign_keys(_tables()), without_indexes(_tables())]
        rng = random.Random(sizes.seed)
        sectors = [
            Sector.objects.get_or_create(slug=slug, defaults={"name": name})[0].pk
            for slug, name in names.SECTORS
        ]
        firms, designations, firm_sectors = firm_rows(rng, plan, sectors)
        claims = ClaimRows(rng, plan)
        steps = [
            (Source, source_rows(rng, plan)),
            (Firm, firms),
            (Firm.sectors.through, firm_sectors),
            (SanctionsDesignation, designations),
            (Site, site_rows(rng, plan)),
            (Claim, claims.claims()),
            (Claim.firms.through, claims.claim_firms()),
            (Claim.sites.through, claims.claim_sites()),
            (Citation, claims.citations()),
        ]
        counts = {}
        for model, rows in steps:
            step = time.perf_counter()
            counts[model._meta.db_table] = Writer(model).write(rows)
            log(
                f"  {model._meta.db_table}: {counts[model._meta.db_table]:,} rows "
                f"in {time.perf_counter() - step:.1f} s"
            )
        for restore, what in zip(restores, ["foreign keys checked", "indexes built"], strict=False):
            step = time.perf_counter()
            restore()
            log(f"  {what} in {time.perf_counter() - step:.1f} s")
        if connection.vendor == "postgresql":
            # Statistics for the planner before the checks below join a million rows.
            with connection.cursor() as cursor:
                for table in _tables():
                    cursor.execute(f'ANALYZE "{table}"')
        step = time.perf_counter()
        regraded = grade_claims()
        log(
            f"  {regraded:,} claims given the grade their evidence gives in {time.perf_counter() - step:.1f} s"
        )
        step = time.perf_counter()
        derived.rebuild_all()
        log(
            f"  stored counts (firm facts, claim tally, claims per site and source) written in {time.perf_counter() - step:.1f} s"
        )
        # The checks every publish makes (a published claim cites a source, ...).
        step = time.perf_counter()
        rules.check_public_invariants()
        log(f"  public invariants checked in {time.perf_counter() - step:.1f} s")
        records = sum(counts[model._meta.db_table] for model in PUBLIC_MODELS)
        update = Update.objects.create(
            number=number,
            summary=SUMMARY,
            notes=(
                f"Generated by `manage.py generate_synthetic` (seed {sizes.seed}): "
                f"{sizes.firms} firms, {sizes.sites} sites, {sizes.sources} sources, "
                f"{sizes.claims} claims and {counts[Citation._meta.db_table]} citations. "
                "Not real data: for load testing only. Every record of this update is "
                "synthetic; its changelog is this summary, not a list of rows."
            ),
            published_at=now,
            idempotency_key=f"synthetic-{uuid.uuid4().hex}",
            added=records,
            is_synthetic=True,
        )
    log(f"  committed update {update.number} in {time.perf_counter() - started:.1f} s")
    from hub import cache

    cache.update_published()
    if package:
        from downloads.package import build_package

        step = time.perf_counter()
        build_package(update)
        log(f"  data package written in {time.perf_counter() - step:.1f} s")
    return update
