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
each firm's `claim_count` from its facts.
`refresh_for_update` runs it in the publishing transaction
(editorial.services) for the firms whose claims the update changed in a way
the facts see; synthetic data loading rebuilds them all. Nothing else makes
claims public or changes them, so the facts are always the latest update's.

Plain SQL that PostgreSQL and SQLite both run; table names come from the models.
"""

import datetime

from django.db import connection, transaction
from django.utils import timezone

from hub.models import Status

from .models import Firm, FirmClaimFact, FirmSite

Facet = FirmClaimFact.Facet
# The claim columns that are facets, and the claim fields whose change moves a fact.
COLUMN_FACETS = [Facet.REGION, Facet.CLAIM_TYPE, Facet.CONFIDENCE]
REPLY_FIELDS = ["firm_response", "firm_response_url", "reply_contacted_on", "reply_deadline"]
CLAIM_FIELDS = {"status", "firms", "sites", *COLUMN_FACETS, *REPLY_FIELDS}
# Above this many firms, rebuild all (SQLite caps the parameters of a statement).
MAX_LISTED_FIRMS = 2000
UNTIL = "until:"
# A claim's reply state as a fact: evidence.reply.reply_status_expression
# without its comparison with today (see reply_counts). Dates are ISO text in
# both databases.
REPLY_VALUE = (
    "CASE WHEN c.firm_response <> '' OR c.firm_response_url <> '' THEN 'responded'"
    " WHEN c.reply_contacted_on IS NULL THEN 'not_contacted'"
    " WHEN c.reply_deadline IS NULL THEN 'awaiting'"
    f" ELSE '{UNTIL}' || CAST(c.reply_deadline AS TEXT) END"
)


@transaction.atomic
def rebuild(*, firm_ids=None):
    """Rewrite the facts and sites of every firm, or of the firms `firm_ids` (an iterable of pks)."""
    from evidence.models import Claim

    if firm_ids is not None:
        firm_ids = sorted(set(firm_ids))
        if not firm_ids:
            return
        if len(firm_ids) > MAX_LISTED_FIRMS:
            firm_ids = None  # one pass over everything beats a huge IN list
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
    selects.append(
        f"SELECT l.firm_id, '{Facet.REPLY}', {REPLY_VALUE}, COUNT(*) {published}{only}"
        " GROUP BY l.firm_id, 3"
    )
    with connection.cursor() as cursor:
        for table in (facts, firm_sites):
            cursor.execute(
                f"DELETE FROM {table}" + (f" WHERE {firms_in}" if firms_in else ""), firm_params
            )
        cursor.execute(
            f"INSERT INTO {facts} (firm_id, facet, value, claims) " + " UNION ALL ".join(selects),
            [Status.PUBLISHED, *firm_params] * len(selects),
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


def reply_counts(firm, today=None):
    """[(status, label, count)] of the firm's published claims, as evidence.reply.count_by_status.

    A claim awaiting a response until a deadline is stored with the deadline
    and compared here with today's date (UTC, as the database compares it).
    """
    from evidence.reply import ReplyStatus

    today = today or timezone.now().date()
    counts = dict.fromkeys(ReplyStatus.values, 0)
    for value, claims in FirmClaimFact.objects.filter(firm=firm, facet=Facet.REPLY).values_list(
        "value", "claims"
    ):
        if value.startswith(UNTIL):
            deadline = datetime.date.fromisoformat(value.removeprefix(UNTIL))
            value = ReplyStatus.NO_RESPONSE if deadline < today else ReplyStatus.AWAITING
        counts[value] += claims
    return [(value, ReplyStatus(value).label, counts[value]) for value in ReplyStatus.values]
