"""Which rows of update N's package can differ from N-1's: the records its changes reach.

See downloads.incremental for what the package copies and why nothing else
can differ. A rule here is a column of downloads.tables whose cells show
another record: each such column has its line below.
"""

from django.db.models import Q

from derived.firm_facts import firms_affected
from entities.models import Firm, Relationship, SanctionsDesignation, Site
from evidence.models import Citation, Claim, Source
from hub.chunks import chunks

from .tables import TABLES


def _pks(queryset_of_chunk, pks, flat="pk"):
    found = set()
    for chunk in chunks(pks):
        found |= set(queryset_of_chunk(chunk).values_list(flat, flat=True))
    found.discard(None)
    return found


def affected(update, since, today):
    """{model: pks of the records whose rows N may write differently from N-1}."""
    from editorial.impact import UpdateImpact

    impact = UpdateImpact.of_update(update)
    rows = {table.model: impact.touched(table.model) for table in TABLES if not table.is_link}
    claims, citations = rows[Claim], rows[Citation]
    firm_rows, source_rows = rows[Firm], rows[Source]
    # A firm's row shows its claim count, its designations and what they are.
    firm_rows |= firms_affected(impact)
    firm_rows |= _pks(
        lambda c: SanctionsDesignation.objects.filter(pk__in=c),
        impact.touched(SanctionsDesignation),
        "firm_id",
    )
    # A citation lists its claim's sources: the claim it left and the claim it joined.
    claims |= _pks(
        lambda c: Citation.objects.filter(pk__in=c), impact.touched(Citation), "claim_id"
    )
    claims |= _pks(
        lambda c: Claim.objects.filter(public_id__in=c), impact.moved_away(Citation, "claim")
    )
    firms = impact.status_changed(Firm)
    through = Claim.firms.through.objects
    claims |= _pks(lambda c: through.filter(firm_id__in=c), firms, "claim_id")
    rows[Relationship] |= _pks(
        lambda c: Relationship.objects.filter(Q(source_firm__in=c) | Q(target_firm__in=c)), firms
    )
    rows[SanctionsDesignation] |= _pks(
        lambda c: SanctionsDesignation.objects.filter(firm__in=c), firms
    )
    sites = Claim.sites.through.objects
    claims |= _pks(lambda c: sites.filter(site_id__in=c), impact.status_changed(Site), "claim_id")
    # A source's row names its issuer (when public) and the sources it relays (when public).
    source_rows |= _pks(lambda c: Source.objects.filter(issuer__in=c), firms)
    sources = impact.status_changed(Source)
    source_rows |= _pks(lambda c: Source.objects.filter(derived_from__in=c), sources)
    citations |= _pks(lambda c: Citation.objects.filter(source__in=c), sources)
    claims |= _pks(lambda c: Citation.objects.filter(source__in=c), sources, "claim_id")
    citations |= _pks(lambda c: Citation.objects.filter(claim__in=c), impact.status_changed(Claim))
    citations |= _pks(
        lambda c: Citation.objects.filter(relationship__in=c),
        impact.status_changed(Relationship),
    )
    # The reply status compares deadlines with today: a deadline the calendar
    # passed since N-1's rows were written changes its claim's row.
    low, high = sorted([since, today])
    if low < high:
        claims |= set(
            Claim.objects.public()
            .filter(reply_deadline__gte=low, reply_deadline__lt=high)
            .values_list("pk", flat=True)
        )
        # So does a designation that ended in that time, in its firm's standing.
        firm_rows |= set(
            SanctionsDesignation.objects.public()
            .filter(ended_on__gt=low, ended_on__lte=high)
            .values_list("firm_id", flat=True)
        )
    return rows
