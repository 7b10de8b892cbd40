"""The stored number of published claims of each site and source.

The site and source lists show each record's claims and sort by them.
Counted per request, sorting 50,000 sources by the claims citing them meant
counting 2.5 million citations (40 s); `Site.claim_count` and
`Source.claim_count` hold the numbers instead, written only here: by
`refresh`, in the publishing transaction, for the records an update can have
changed, and by `recount(everything=True)` (derived.rebuild_all). A source's
count is of the distinct published claims with a published citation of it.
"""

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from entities.models import Site
from evidence.models import Citation, Claim, Source
from hub.chunks import CHUNK_SIZE
from hub.models import Status


def _site_counts():
    links = (
        Claim.sites.through.objects.filter(site=OuterRef("pk"), claim__status=Status.PUBLISHED)
        .order_by()
        .values("site")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(links), 0)


def _source_counts():
    cited = (
        Citation.objects.filter(
            source=OuterRef("pk"), status=Status.PUBLISHED, claim__status=Status.PUBLISHED
        )
        .order_by()
        .values("source")
        .annotate(n=Count("claim", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(cited), 0)


def _refresh(model, counts, pks):
    if pks is not None:
        pks = set(pks)
        if not pks:
            return
        # Past one IN list of keys, one pass over all of them.
        if len(pks) <= CHUNK_SIZE:
            model.objects.filter(pk__in=pks).update(claim_count=counts())
            return
    _refresh_all(model)


# Every record at once: one grouped count joined in (UPDATE ... FROM, which
# PostgreSQL and SQLite 3.33+ both run), not a subquery per record (67 s for
# 50,000 sources at a million claims).
GROUPED = {
    "site": (
        "SELECT cs.site_id AS record, COUNT(*) AS n FROM {claim_sites} cs "
        "JOIN {claims} c ON c.id = cs.claim_id WHERE c.status = %s GROUP BY cs.site_id",
        1,
    ),
    "source": (
        "SELECT ci.source_id AS record, COUNT(DISTINCT ci.claim_id) AS n FROM {citations} ci "
        "JOIN {claims} c ON c.id = ci.claim_id WHERE ci.status = %s AND c.status = %s "
        "GROUP BY ci.source_id",
        2,
    ),
}


def _refresh_all(model):
    tables = {
        "claims": Claim._meta.db_table,
        "claim_sites": Claim.sites.through._meta.db_table,
        "citations": Citation._meta.db_table,
    }
    grouped, statuses = GROUPED[model._meta.model_name]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET claim_count = 0 WHERE claim_count <> 0")
        cursor.execute(
            f"UPDATE {table} SET claim_count = counted.n FROM ({grouped.format(**tables)}) "
            f"AS counted WHERE {table}.id = counted.record",
            [Status.PUBLISHED] * statuses,
        )


@transaction.atomic
def recount(*, site_ids=None, source_ids=None, everything=False):
    """Recount the sites and sources given by primary key, or every one of them."""
    _refresh(Site, _site_counts, None if everything else site_ids or ())
    _refresh(Source, _source_counts, None if everything else source_ids or ())


def refresh(impact):
    """Recount what an update (`impact`: editorial.impact.UpdateImpact) can have changed.

    A claim published, withdrawn or moved between sites changes its sites'
    counts, and the counts of the sources it cites; a citation published,
    withdrawn or moved changes its source's (before and after).
    """
    claim_pks = impact.changed(Claim, {"status", "sites"})
    site_keys = impact.moved_away(Claim, "sites")
    citation_pks = impact.changed(Citation, {"status", "claim", "source"})
    source_keys = impact.moved_away(Citation, "source")
    site_ids = set(
        Claim.sites.through.objects.filter(claim_id__in=claim_pks).values_list("site_id", flat=True)
    ) | set(Site.objects.filter(public_id__in=site_keys).values_list("pk", flat=True))
    source_ids = (
        set(Citation.objects.filter(claim_id__in=claim_pks).values_list("source_id", flat=True))
        | set(Citation.objects.filter(pk__in=citation_pks).values_list("source_id", flat=True))
        | set(Source.objects.filter(public_id__in=source_keys).values_list("pk", flat=True))
    )
    recount(site_ids=site_ids, source_ids=source_ids)
