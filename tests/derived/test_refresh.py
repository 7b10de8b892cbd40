"""After every kind of publish, every stored count is what rebuilding it from the records gives."""

import datetime

import pytest

from editorial import corrections, publishing, staging
from evidence.models import Citation, Claim, Confidence
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    FirmFactory,
    SiteFactory,
    SourceFactory,
    counts_deferred,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Three firms, two sites, three sources and four claims between them, published."""
    with counts_deferred():
        firms = FirmFactory.create_batch(3)
        sites = SiteFactory.create_batch(2)
        paper = SourceFactory(publisher="Monitor A", reliability="B")
        other = SourceFactory(publisher="Paper B", reliability="A")
        interested = SourceFactory(publisher="Firm C", reliability="C")
        contacted = datetime.date(2025, 1, 10)
        claims = {
            "alone": ClaimFactory(firms=firms[:1], sites=sites[:1], region="luhansk", cite=paper),
            "shared": ClaimFactory(
                firms=firms[:2],
                sites=sites,
                region="donetsk",
                claim_type="finance",
                stage=2,
                cite=other,
            ),
            "contacted": ClaimFactory(
                firms=firms[1:2],
                sites=sites[1:],
                region="crimea",
                reply_contacted_on=contacted,
                reply_deadline=contacted + datetime.timedelta(days=30),
                cite=interested,
            ),
            "undated": ClaimFactory(firms=firms[2:], date_start=None, stage=3, cite=paper),
        }
        # A second citation, of another publisher: the claim stands on two sources.
        second = CitationFactory(claim=claims["alone"], source=other)
    return {
        "firms": firms,
        "sites": sites,
        "sources": {"paper": paper, "other": other, "interested": interested},
        "claims": claims,
        "second": second,
    }


def create(world, editor):
    draft = staging.stage_new(
        model=Claim,
        fields={
            "statement": "A new claim about two firms at one site.",
            "claim_type": "logistics",
            "region": "kherson",
            "stage": 1,
            "firms": [firm.public_id for firm in world["firms"][1:]],
            "sites": [world["sites"][0].public_id],
            "confidence": "alleged",
        },
        user=editor,
    )
    claim = Claim.objects.get(pk=draft.object_id)
    citation = staging.stage_new(
        model=Citation,
        fields={
            "claim": claim.public_id,
            "source": world["sources"]["paper"].public_id,
            "locator": "p. 1",
        },
        user=editor,
    )
    return [draft, citation]


def edit(world, editor):
    firms, sites = world["firms"], world["sites"]
    return [
        # Taken off two firms and a site, onto another firm: their facts and counts move.
        staging.stage_edit(
            record=world["claims"]["shared"],
            fields={
                "firms": [firms[2].public_id],
                "sites": [sites[0].public_id],
                "region": "zaporizhzhia",
                "claim_type": "servicing",
            },
            user=editor,
        ),
        staging.stage_edit(
            record=world["claims"]["alone"], fields={"date_start": "2021-01-01"}, user=editor
        ),
    ]


def withdraw(world, editor):
    return [
        staging.stage_withdrawal(
            record=world["claims"]["shared"], reason="The source was misread.", user=editor
        )
    ]


def merge(world, editor):
    claims = world["claims"]
    return [staging.stage_merge(record=claims["contacted"], into=claims["alone"], user=editor)]


def firm_response(world, editor):
    claim = world["claims"]["contacted"]
    correction, _token = corrections.submit_correction(
        target=claim,
        what_is_wrong="We never worked at this site.",
        proposed_fix="The firm denies any work in Crimea.",
        right_of_reply=True,
    )
    return [
        staging.stage_firm_response(
            correction=correction, claim=claim, user=editor, stance="denies"
        )
    ]


def source_reliability(world, editor):
    # Two claims cite the paper alone: an interested party now, it regrades them.
    return [
        staging.stage_edit(
            record=world["sources"]["paper"], fields={"reliability": "C"}, user=editor
        )
    ]


def citation_moved(world, editor):
    # To a claim with one source: on two now, it is regraded, and its facts and tally row move.
    return [
        staging.stage_edit(
            record=world["second"],
            fields={"claim": world["claims"]["undated"].public_id},
            user=editor,
        )
    ]


@pytest.mark.parametrize(
    "stage",
    [create, edit, withdraw, merge, firm_response, source_reliability, citation_moved],
    ids=lambda stage: stage.__name__,
)
def test_every_kind_of_publish_leaves_the_stored_counts_a_rebuild_would_write(
    stage, world, editor, derived_stores
):
    before = derived_stores.contents()
    assert before == derived_stores.rebuilt()  # the factories keep them too
    changes = stage(world, editor)
    update = publishing.publish_update(
        change_ids=[change.pk for change in changes],
        summary=stage.__name__,
        idempotency_key=stage.__name__,
    )
    rebuilt = derived_stores.rebuilt()
    assert rebuilt != before  # the publish changed what readers are shown
    assert derived_stores.contents() == rebuilt
    if stage is source_reliability:
        regraded = update.changes.exclude(pk__in=[change.pk for change in changes])
        assert {change.public_id for change in regraded} == {world["claims"]["undated"].public_id}
        world["claims"]["undated"].refresh_from_db()
        assert world["claims"]["undated"].confidence == Confidence.ALLEGED
