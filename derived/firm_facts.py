"""Per-firm claim facts: the firm pages' view of a million claims, kept small.

The firm list filters firms by the regions, types and grades of their
published claims, shows each choice with the number of firms it would give,
and shows and sorts by each firm's number of claims. Read from the claims,
each of those joins every claim of every listed firm (1.25 million link rows
at a million claims: seconds per request). `FirmClaimFact` holds, per firm,
one row per region, type, grade and reply state of its published claims,
with their number: a few rows per firm. `FirmSite` holds the sites those
claims are at, for the profile's list of sites and the site list's firm
filter.

`rebuild` writes both with an INSERT ... SELECT each, in the database, and
each firm's `claim_count` from its facts. `refresh` runs it, in the
publishing transaction, for the firms whose claims an update changed in a
way the facts see; `derived.rebuild_all` rebuilds them all. Nothing else
makes claims public or changes them, so the facts are always the latest
update's.

Plain SQL that PostgreSQL and SQLite both run; table names come from the
models, and the reply state's SQL is compiled from its one definition
(evidence.reply.reply_status_expression).
"""

from django.db import connection, transaction
from django.db.models import Count

from entities.models import Firm
from evidence.models import Claim
from hub.chunks import CHUNK_SIZE
from hub.models import Status

from .models import FirmClaimFact, FirmSite
from .reply import REPLY_FIELDS, stored_reply_state

Facet = FirmClaimFact.Facet
# The claim columns that are facets, and the claim fields whose change moves a fact.
COLUMN_FACETS = [Facet.REGION, Facet.CLAIM_TYPE, Facet.CONFIDENCE]
CLAIM_FIELDS = {"status", "firms", "sites", *COLUMN_FACETS, *REPLY_FIELDS}


def _reply_select(firm_ids):
    """SELECT firm_id, 'reply', state, claims: the firms' claims by stored reply state."""
    links = Claim.firms.through.objects.filter(claim__status=Status.PUBLISHED)
    if firm_ids is not None:
        links = links.filter(firm_id__in=firm_ids)
    grouped = (
        links.annotate(state=stored_reply_state(prefix="claim__"))
        .values("firm_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sql, params = grouped.query.sql_with_params()
    return f"SELECT r.firm_id, '{Facet.REPLY}', r.state, r.n FROM ({sql}) r", list(params)


@transaction.atomic
def rebuild(*, firm_ids=None):
    """Rewrite the facts and sites of every firm, or of the firms `firm_ids` (an iterable of pks)."""
    if firm_ids is not None:
        firm_ids = sorted(set(firm_ids))
        if not firm_ids:
            return
        if len(firm_ids) > CHUNK_SIZE:
            # Past one IN list (the statements below repeat it, and SQLite caps
            # their parameters), one pass over every firm.
            firm_ids = None
    facts, firm_sites = FirmClaimFact._meta.db_table, FirmSite._meta.db_table
    firms = Firm._meta.db_table
    claims, claim_firms = Claim._meta.db_table, Claim.firms.through._meta.db_table
    claim_sites = Claim.sites.through._meta.db_table
    firms_in, firm_params = "", []
    if firm_ids is not None:
        firms_in = f"firm_id IN ({', '.join(['%s'] * len(firm_ids))})"
        firm_params = firm_ids
    only = f" AND l.{firms_in}" if firms_in else ""
    published = f"FROM {claim_firms} l JOIN {claims} c ON c.id = l.claim_id WHERE c.status = %s"
    selects = [
        f"SELECT l.firm_id, '{facet}', c.{facet}, COUNT(*) {published}"
        f" AND c.{facet} <> ''{only} GROUP BY l.firm_id, c.{facet}"
        for facet in COLUMN_FACETS
    ]
    params = [Status.PUBLISHED, *firm_params] * len(selects)
    reply, reply_params = _reply_select(firm_ids)
    selects.append(reply)
    params += reply_params
    with connection.cursor() as cursor:
        for table in (facts, firm_sites):
            cursor.execute(
                f"DELETE FROM {table}" + (f" WHERE {firms_in}" if firms_in else ""), firm_params
            )
        cursor.execute(
            f"INSERT INTO {facts} (firm_id, facet, value, claims) " + " UNION ALL ".join(selects),
            params,
        )
        # Every claim has one type: the firm's type facts add up to its claims.
        cursor.execute(
            f"UPDATE {firms} SET claim_count = COALESCE((SELECT SUM(f.claims) FROM {facts} f"
            f" WHERE f.firm_id = {firms}.id AND f.facet = %s), 0)"
            + (f" WHERE {firms_in.replace('firm_id', 'id')}" if firms_in else ""),
            [Facet.CLAIM_TYPE, *firm_params],
        )
        cursor.execute(
            f"INSERT INTO {firm_sites} (firm_id, site_id, claims) "
            f"SELECT l.firm_id, s.site_id, COUNT(*) FROM {claim_firms} l "
            f"JOIN {claims} c ON c.id = l.claim_id JOIN {claim_sites} s ON s.claim_id = c.id "
            f"WHERE c.status = %s{only} GROUP BY l.firm_id, s.site_id",
            [Status.PUBLISHED, *firm_params],
        )


def refresh(impact):
    """Rebuild the facts of the firms whose claims an update changed where the facts look.

    `impact` (editorial.impact.UpdateImpact) says which claims changed which
    fields; a claim taken off a firm is found through the firms it had before.
    """
    firm_ids = firms_affected(impact)
    if firm_ids:
        rebuild(firm_ids=firm_ids)


def firms_affected(impact):
    """Pks of the firms whose facts (and claim_count) `impact` can have changed."""
    claim_pks = impact.changed(Claim, CLAIM_FIELDS)
    if not claim_pks:
        return set()
    firm_ids = set(
        Claim.firms.through.objects.filter(claim_id__in=claim_pks).values_list("firm_id", flat=True)
    )
    left = impact.moved_away(Claim, "firms")
    if left:
        firm_ids |= set(Firm.objects.filter(public_id__in=left).values_list("pk", flat=True))
    return firm_ids
