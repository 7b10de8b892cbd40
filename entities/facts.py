"""Per-firm claim facts: the firm pages' view of a million claims, kept small.

The firm list filters firms by the regions, types and grades of their
published claims, shows each choice with the number of firms it would give,
and shows and sorts by each firm's number of claims. Read from the claims,
each of those joins every claim of every listed firm (1.25 million link rows
at a million claims: seconds per request). `FirmClaimFact` holds, per firm,
one row per region, type and grade of its published claims, with their
number: a few rows per firm.

`rebuild` writes them with one INSERT ... SELECT in the database.
`refresh_for_update` runs it in the publishing transaction
(editorial.services) for the firms whose claims the update changed in a way
the facts see; synthetic data loading rebuilds them all. Nothing else makes
claims public or changes them, so the facts are always the latest update's.

Plain SQL that PostgreSQL and SQLite both run; table names come from the models.
"""

from django.db import connection, transaction
from django.db.models import Sum

from hub.models import Status

from .models import Firm, FirmClaimFact

Facet = FirmClaimFact.Facet
# The claim columns that are facets, and the claim fields whose change moves a fact.
COLUMN_FACETS = [Facet.REGION, Facet.CLAIM_TYPE, Facet.CONFIDENCE]
CLAIM_FIELDS = {"status", "firms", *COLUMN_FACETS}
# Above this many firms, rebuild all (SQLite caps the parameters of a statement).
MAX_LISTED_FIRMS = 2000


@transaction.atomic
def rebuild(*, firm_ids=None):
    """Rewrite the facts of every firm, or of the firms `firm_ids` (an iterable of pks)."""
    from evidence.models import Claim

    if firm_ids is not None:
        firm_ids = sorted(set(firm_ids))
        if not firm_ids:
            return
        if len(firm_ids) > MAX_LISTED_FIRMS:
            firm_ids = None  # one pass over everything beats a huge IN list
    tables = {
        "facts": FirmClaimFact._meta.db_table,
        "claims": Claim._meta.db_table,
        "claim_firms": Claim.firms.through._meta.db_table,
    }
    only, firm_params = "", []
    if firm_ids is not None:
        only = f" AND l.firm_id IN ({', '.join(['%s'] * len(firm_ids))})"
        firm_params = firm_ids
    published = "FROM {claim_firms} l JOIN {claims} c ON c.id = l.claim_id WHERE c.status = %s"
    selects = [
        f"SELECT l.firm_id, '{facet}', c.{facet}, COUNT(*) {published}"
        f" AND c.{facet} <> ''{only} GROUP BY l.firm_id, c.{facet}"
        for facet in COLUMN_FACETS
    ]
    with connection.cursor() as cursor:
        if firm_ids is None:
            cursor.execute(f"DELETE FROM {tables['facts']}")
        else:
            cursor.execute(
                f"DELETE FROM {tables['facts']} WHERE firm_id IN "
                f"({', '.join(['%s'] * len(firm_ids))})",
                firm_ids,
            )
        cursor.execute(
            f"INSERT INTO {tables['facts']} (firm_id, facet, value, claims) "
            + " UNION ALL ".join(select.format(**tables) for select in selects),
            [Status.PUBLISHED, *firm_params] * len(selects),
        )


def refresh_for_update(changes):
    """Rebuild the facts of the firms whose claims `changes` changed where the facts look.

    `changes` are an update's applied changes, diffs written. Called by the
    publishing transaction once every change is applied (and
    claims regraded): the changes' diffs say which claims moved, and a claim
    taken off a firm is found through the firms it had before.
    """
    from django.contrib.contenttypes.models import ContentType

    from evidence.models import Claim

    claim_type = ContentType.objects.get_for_model(Claim).pk
    claim_pks, firm_public_ids = set(), set()
    for change in changes:
        if change.content_type_id != claim_type:
            continue
        moved = [entry for entry in change.diff if entry["field"] in CLAIM_FIELDS]
        if moved:
            claim_pks.add(change.object_id)
        for entry in moved:
            if entry["field"] == "firms":
                firm_public_ids.update(entry["before"] or [])
    if not claim_pks:
        return
    firm_ids = set(
        Claim.firms.through.objects.filter(claim_id__in=claim_pks).values_list("firm_id", flat=True)
    )
    firm_ids |= set(Firm.objects.filter(public_id__in=firm_public_ids).values_list("pk", flat=True))
    rebuild(firm_ids=firm_ids)


def claim_count(firm):
    """The number of published claims about `firm` (each has one type: the type facts add up)."""
    facts = FirmClaimFact.objects.filter(firm=firm, facet=Facet.CLAIM_TYPE)
    return facts.aggregate(n=Sum("claims"))["n"] or 0
