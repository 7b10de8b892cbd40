"""Records and staged changes as staff read them, and the claim as the public will see it."""

import copy
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch

from evidence.footnotes import footnoted_claims
from evidence.models import Citation, Claim
from hub.models import Status

from .. import values
from ..models import Change
from ..staff_forms import preview


def public_url(record):
    """The record's public page, if it has one (drafts have none)."""
    if record is None or record.status == Status.DRAFT:
        return None
    try:
        return record.get_absolute_url()
    except NoReverseMatch:
        return None


def load_records(changes):
    """{change pk: its record}, one query per kind of record."""
    wanted = defaultdict(set)
    for change in changes:
        wanted[change.content_type_id].add(change.object_id)
    found = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        found[type_id] = model.objects.in_bulk(ids)
    return {c.pk: found[c.content_type_id].get(c.object_id) for c in changes}


def change_items(changes):
    records = load_records(changes)
    return [
        {"change": c, "record": records[c.pk], "preview": preview(c, records[c.pk])}
        for c in changes
    ]


# The claim with its footnotes, now and once the pending changes are published ---


def _pending(model, pks):
    return Change.objects.filter(
        state=Change.State.PENDING,
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=pks,
    ).order_by("pk")


def claim_as_public(claim):
    """The claim as its public page shows it: (claim, footnotes), or None if it is not public."""
    shown = Claim.objects.for_display().filter(pk=claim.pk, status=Status.PUBLISHED).first()
    if shown is None:
        return None
    (shown,), footnotes = footnoted_claims([shown])
    return shown, footnotes


def claim_after_pending(claim):
    """The claim as the public will see it once every pending change is published.

    Its staged edits are applied to a copy; its citations are the public
    ones less those staged for withdrawal, with their staged edits, plus the
    staged new citations (with their sources, drafts included). Returns
    (claim copy, footnotes, ids of the citations that are new or changed).
    """
    shown = Claim.objects.for_display().filter(pk=claim.pk).first()
    if shown is None:
        return None
    after = copy.copy(shown)
    edits = [change.proposed for change in _pending(Claim, [claim.pk]) if change.proposed]
    for proposed in edits:
        plain = {
            name: value
            for name, value in proposed.items()
            if not values.editable_fields(Claim)[name].many_to_many
        }
        values.assign(after, plain)
    citations = list(shown.public_citations)
    new = list(
        Citation.objects.filter(claim=claim, status=Status.DRAFT)
        .filter(pk__in=_pending_creations(Citation))
        .select_related("source")
    )
    changes = _pending(Citation, [c.pk for c in citations])
    withdrawn = {c.object_id for c in changes if c.action != Change.Action.EDIT}
    edited = {c.object_id: c.proposed for c in changes if c.action == Change.Action.EDIT}
    kept = []
    for citation in citations:
        if citation.pk in withdrawn:
            continue
        if citation.pk in edited:
            citation = copy.copy(citation)
            values.assign(citation, edited[citation.pk])
        kept.append(citation)
    ordered = sorted(
        [*kept, *new],
        key=lambda c: (c.source.published_on is None, c.source.published_on or 0, c.public_id),
    )
    after.public_citations = ordered
    (after,), footnotes = footnoted_claims([after])
    marked = {c.public_id for c in new} | {c.public_id for c in kept if c.pk in edited}
    return after, footnotes, marked


def _pending_creations(model):
    return Change.objects.filter(
        state=Change.State.PENDING,
        action=Change.Action.CREATE,
        content_type=ContentType.objects.get_for_model(model),
    ).values("object_id")


def claim_preview(claim):
    """Before (public now) and after (once published), for the templates; None if not a claim."""
    if not isinstance(claim, Claim):
        return None
    before = claim_as_public(claim)
    after = claim_after_pending(claim)
    return {
        "before": {"claim": before[0], "footnotes": before[1]} if before else None,
        "after": {"claim": after[0], "footnotes": after[1], "marked": after[2]} if after else None,
    }


def previews_of_touched_claims(changes, limit=20):
    """claim_preview of the claims the pending `changes` touch (themselves or their citations)."""
    claim_type = ContentType.objects.get_for_model(Claim)
    citation_type = ContentType.objects.get_for_model(Citation)
    pks = {c.object_id for c in changes if c.content_type_id == claim_type.pk}
    cited = [c.object_id for c in changes if c.content_type_id == citation_type.pk]
    pks |= set(
        Citation.objects.filter(pk__in=cited, claim__isnull=False).values_list("claim", flat=True)
    )
    claims = Claim.objects.filter(pk__in=pks).order_by("public_id")[:limit]
    return [(claim, claim_preview(claim)) for claim in claims]
