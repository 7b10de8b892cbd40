"""What a publish must leave true, and what it derives: the rules publishing checks.

- check_public_invariants (with claims_to_check, check_archived_sources):
  refuse, rolling the publish back, if a published claim would lack a public
  citation with a locator, or cite a source with no archived copy;
- regrade_claims: store the confidence grade of every claim the changes may
  affect, and say so in the changelog;
- answered_corrections: which corrections each record's changes answer, for
  the update's data package.
"""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from editorial import publishing
from hub.chunks import chunks
from hub.models import Status

from .. import values
from ..impact import UpdateImpact
from ..models import Change
from ..staging import record_change


def answered_corrections(changes):
    """{record id: [references of the corrections its changes answer]}, in publishing order."""
    answered = {}
    for change in changes:
        if change.correction_id:
            answered.setdefault(change.public_id, []).append(change.correction.reference)
    return answered


# A published claim cites a located source ----------------------------------


def claims_to_check(impact):
    """Pks of the claims whose located citation an update (`impact`) can take away (or give).

    Whether a published claim has a public citation with a locator depends on
    the claim's status, its citations (their status, locator, claim and
    source) and their sources' status. Published records change only through
    an update, and every update leaves every published claim with one (this
    check, or the full one of generate_synthetic); so a claim none of these
    changed keeps it, and only the claims returned here need checking.
    """
    from evidence.models import Citation, Claim, Source

    claims = impact.touched(Claim)
    citations = impact.touched(Citation)
    moved_from = impact.moved_away(Citation, "claim")
    sources = impact.status_changed(Source)
    for chunk in values._chunks(citations):
        claims |= set(Citation.objects.filter(pk__in=chunk).values_list("claim_id", flat=True))
    for chunk in values._chunks(sources):
        claims |= set(Citation.objects.filter(source__in=chunk).values_list("claim_id", flat=True))
    for chunk in values._chunks(moved_from):
        claims |= set(Claim.objects.filter(public_id__in=chunk).values_list("pk", flat=True))
    claims.discard(None)
    return claims


def check_public_invariants(*, claims=None):
    """Refuse (roll back) a publish that leaves a published claim without a located citation.

    `claims`: the pks to check (claims_to_check); None checks every published claim.
    """
    from evidence.models import Citation, Claim

    if claims is None:
        cited = Citation.objects.public().filter(claim=OuterRef("pk")).exclude(locator="")
        uncited = list(
            Claim.objects.public().filter(~Exists(cited)).values_list("public_id", flat=True)[:20]
        )
    else:
        # The same test for a few claims, through the citations' claim index.
        uncited = []
        for chunk in values._chunks(sorted(claims)):
            located = set(
                Citation.objects.public()
                .filter(claim__in=chunk)
                .exclude(locator="")
                .values_list("claim_id", flat=True)
            )
            published = Claim.objects.public().filter(pk__in=chunk).values_list("pk", "public_id")
            uncited += [public_id for pk, public_id in published if pk not in located]
        uncited = sorted(uncited)[:20]
    if uncited:
        raise publishing.PublishRefused(
            "These claims would be published without a citation that says where in the source "
            f"they come from: {', '.join(uncited)}. Stage a citation with a locator first."
        )
    check_archived_sources()


# Confidence grades ------------------------------------------------------------


def regrade_claims(update, changes, actor, *, impact=None):
    """Store the confidence grade of every published claim the changes may affect.

    A claim's grade is its override, if the editors set one with a reason,
    else the grade its evidence gives (evidence.confidence). Where the stored
    grade changes, the changelog says so: in the claim's own change of this
    update, or in a change of its own. Returns those new changes, which are
    added to `impact` (the changes' UpdateImpact) with the rewritten ones.
    """
    from evidence import confidence
    from evidence.models import Citation, Claim, Source

    if impact is None:
        impact = UpdateImpact.of_changes(changes)
    claim_pks = impact.touched(Claim)
    citations = impact.touched(Citation)
    claim_pks |= set(
        Citation.objects.filter(pk__in=citations, claim__isnull=False).values_list(
            "claim_id", flat=True
        )
    )
    # A citation moved to another claim leaves its old claim with less evidence.
    moved_from = impact.moved_away(Citation, "claim")
    if moved_from:
        claim_pks |= set(
            Claim.objects.filter(public_id__in=moved_from).values_list("pk", flat=True)
        )
    sources = impact.touched(Source)
    if sources:
        claim_pks |= confidence.claims_affected_by_sources(sources)
    claims = (
        Claim.objects.public()
        .filter(pk__in=claim_pks)
        .only("pk", "public_id", "confidence", "confidence_override")
    )
    computed = confidence.computed_grades([claim.pk for claim in claims])
    own_change = {
        change.object_id: change for change in changes if change.content_type.model_class() is Claim
    }
    made = []
    for claim in claims:
        new = claim.confidence_override or computed[claim.pk][0].value
        if new == claim.confidence:
            continue
        before = claim.confidence
        Claim.objects.filter(pk=claim.pk).update(
            confidence=new, last_update=update.number, updated_at=timezone.now()
        )
        change = own_change.get(claim.pk)
        if change is None:
            claim.confidence = new
            change = record_change(
                action=Change.Action.EDIT,
                record=claim,
                user=actor,
                correction=None,
                proposed={"confidence": new},
                reason="Confidence grade recomputed from the evidence.",
                state=Change.State.PUBLISHED,
                update=update,
            )
            made.append(change)
        impact.regraded(change, before, new)  # writes the grade into the change's diff
        change.save(update_fields=["diff"])
    return made


# Archived sources: a published claim cites only sources the hub keeps a copy of --


def unarchived_sources_of_public_claims():
    """Public ids of the published claims, and of their sources, that hold no archived copy."""
    from evidence.models import Citation, Source

    # The sources first, then their citations: the planner cannot estimate the
    # archive state, and joined in one query it walks every citation.
    missing = Source.objects.public().missing_archive().values_list("pk", flat=True)
    rows = []
    for chunk in chunks(list(missing)):
        rows += (
            Citation.objects.public()
            .filter(claim__status=Status.PUBLISHED, source__in=chunk)
            .order_by("claim__public_id", "source__public_id")
            .values_list("claim__public_id", "source__public_id")[:200]
        )
    claims, sources = {}, {}
    for claim, source in sorted(rows)[:200]:
        claims[claim] = sources[source] = True
    return list(claims), sorted(sources)


def check_archived_sources():
    """Refuse (roll back) a publish that leaves a published claim citing an unarchived source.

    The rule (evidence.archiving.archive_state): a cited source must be archived,
    exempt with a stated reason, or have a failed last attempt; one whose
    attempt is still queued, or that has nothing, blocks the publish.
    """
    from evidence.archiving import ArchiveState, archive_state_expression
    from evidence.models import Source

    claims, sources = unarchived_sources_of_public_claims()
    if claims:
        states = dict(
            Source.objects.filter(public_id__in=sources[:20])
            .annotate(state=archive_state_expression())
            .values_list("public_id", "state")
        )
        queued = [source for source in sources[:20] if states.get(source) == ArchiveState.QUEUED]
        waiting = (
            f" The archiver has not yet tried {', '.join(queued)}: let the task worker "
            "(manage.py db_worker) run, or archive them now with "
            "manage.py archive_sources --now, then publish again."
            if queued
            else ""
        )
        raise publishing.PublishRefused(
            "These claims would be published citing sources with no archived copy: "
            f"{', '.join(claims[:20])} (sources {', '.join(sources[:20])}). Give each source "
            f"a snapshot, an archive URL, or the reason why it has neither.{waiting}"
        )
