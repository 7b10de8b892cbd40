"""Publishing recomputes confidence grades, shows them in the changelog, and refuses unarchived sources."""

import pytest
from django.utils.html import strip_tags

from editorial import publishing, staging
from editorial.models import Change, Update
from evidence.models import Citation, Claim, Confidence, Source
from hub.models import Status
from tests.conftest import publish
from tests.factories import ClaimFactory, SourceFactory, published_directly

pytestmark = pytest.mark.django_db


def text_of(response):
    return " ".join(strip_tags(response.content.decode()).split())


def test_a_second_independent_citation_raises_the_grade_and_the_changelog_says_so(editor):
    claim = ClaimFactory(cite=SourceFactory(publisher="Monitor A"))
    other = SourceFactory(publisher="Paper B")
    staged = staging.stage_new(
        model=Citation,
        fields={"claim": claim.public_id, "source": other.public_id, "locator": "p. 2"},
        user=editor,
    )
    update = publish(staged)
    claim.refresh_from_db()
    assert claim.confidence == Confidence.CONFIRMED
    assert claim.last_update == update.number
    regraded = update.changes.get(public_id=claim.public_id)
    assert regraded.diff == [
        {"field": "confidence", "before": "single_source", "after": "confirmed"}
    ]
    assert update.changed == 1
    assert update.added == 1


def test_withdrawing_the_corroborating_citation_lowers_the_grade(editor):
    claim = ClaimFactory(cite=SourceFactory(publisher="Monitor A"))
    with published_directly():
        second = Citation.objects.create(
            public_id="CIT8000",
            claim=claim,
            source=SourceFactory(publisher="Paper B"),
            locator="p. 1",
            status=Status.PUBLISHED,
            last_update=1,
        )
        Claim.objects.filter(pk=claim.pk).update(confidence=Confidence.CONFIRMED)
    update = publish(staging.stage_withdrawal(record=second, reason="Misread", user=editor))
    claim.refresh_from_db()
    assert claim.confidence == Confidence.SINGLE_SOURCE
    assert update.changes.get(public_id=claim.public_id).diff[-1] == {
        "field": "confidence",
        "before": "confirmed",
        "after": "single_source",
    }


def test_a_staged_grade_without_the_evidence_is_replaced_by_the_computed_one(editor):
    claim = ClaimFactory()
    old_statement = claim.statement
    update = publish(
        staging.stage_edit(
            record=claim, fields={"confidence": "confirmed", "statement": "New words."}, user=editor
        )
    )
    claim.refresh_from_db()
    assert claim.confidence == Confidence.SINGLE_SOURCE
    # The grade did not change in the end, so the changelog does not list it.
    assert update.changes.get().diff == [
        {"field": "statement", "before": old_statement, "after": "New words."}
    ]


def test_an_override_with_a_reason_is_published_and_shown_as_an_override(client, editor):
    claim = ClaimFactory()
    update = publish(
        staging.stage_edit(
            record=claim,
            fields={
                "confidence_override": "confirmed",
                "confidence_override_reason": "Seen in the court file by two editors.",
            },
            user=editor,
        )
    )
    claim.refresh_from_db()
    assert claim.confidence == Confidence.CONFIRMED
    diff = update.changes.get().diff
    assert {"field": "confidence", "before": "single_source", "after": "confirmed"} in diff
    page = text_of(client.get(claim.get_absolute_url()))
    assert "Set by the editors, overriding the grade the evidence gives." in page
    assert "Reason: Seen in the court file by two editors." in page
    assert "The recorded evidence alone gives: Reported." in page


def test_an_override_without_a_reason_is_refused_and_nothing_changes(editor):
    claim = ClaimFactory()
    with pytest.raises(staging.StagingRefused, match="reason"):
        staging.stage_edit(record=claim, fields={"confidence_override": "confirmed"}, user=editor)
    claim.refresh_from_db()
    assert (claim.confidence_override, claim.confidence) == ("", Confidence.SINGLE_SOURCE)
    assert not Change.objects.exists()


def test_the_claim_page_says_which_rule_gives_the_grade(client):
    claim = ClaimFactory()
    page = text_of(client.get(claim.get_absolute_url()))
    assert (
        "Why: One independent source (reliability A or B, not published by the hub) supports it"
        in page
    )


def test_changing_a_sources_derivation_regrades_the_claims_citing_it(editor):
    first = SourceFactory(publisher="Monitor A")
    second = SourceFactory(publisher="Paper B")
    claim = ClaimFactory(cite=first)
    with published_directly():
        Citation.objects.create(
            public_id="CIT8001",
            claim=claim,
            source=second,
            locator="p. 1",
            status=Status.PUBLISHED,
            last_update=1,
        )
        Claim.objects.filter(pk=claim.pk).update(confidence=Confidence.CONFIRMED)
    publish(
        staging.stage_edit(record=second, fields={"derived_from": [first.public_id]}, user=editor)
    )
    claim.refresh_from_db()
    assert claim.confidence == Confidence.SINGLE_SOURCE


# Archived copies ------------------------------------------------------------------


def unarchived_claim(editor, **source_fields):
    source = staging.stage_new(
        model=Source,
        fields={
            "title": "A report nobody archived",
            "publisher": "Monitor Z",
            "kind": "ngo_report",
            "url": "https://monitor.example.org/z",
            "language": "en",
            "reliability": "B",
            **source_fields,
        },
        user=editor,
    )
    source_id = Source.objects.get(pk=source.object_id).public_id
    claim = staging.stage_new(
        model=Claim,
        fields={"statement": "Firm Z supplied a crane.", "claim_type": "equipment_supply"},
        user=editor,
    )
    claim_id = Claim.objects.get(pk=claim.object_id).public_id
    citation = staging.stage_new(
        model=Citation,
        fields={"claim": claim_id, "source": source_id, "locator": "p. 3"},
        user=editor,
    )
    return [source, claim, citation], claim_id, source_id


def test_publishing_a_claim_whose_source_has_no_archived_copy_is_refused(editor):
    ClaimFactory()  # something already public, which must stay as it is
    changes, claim_id, source_id = unarchived_claim(editor)
    before = list(Claim.objects.values_list("public_id", "status", "confidence"))
    with pytest.raises(publishing.PublishRefused) as refusal:
        publish(*changes)
    message = str(refusal.value)
    assert claim_id in message
    assert source_id in message
    assert "a snapshot, an archive URL, or the reason why it has neither" in message
    assert list(Claim.objects.values_list("public_id", "status", "confidence")) == before
    assert not Update.objects.exists()
    assert Change.objects.filter(state=Change.State.PENDING).count() == 3


@pytest.mark.parametrize(
    "fields",
    [
        {"archived_url": "https://web.archive.org/web/2025/https://monitor.example.org/z"},
        {"archive_exemption": "Printed document; no online copy"},
    ],
    ids=["archive URL", "exemption"],
)
def test_an_archive_url_or_a_recorded_exemption_lets_the_claim_be_published(editor, fields):
    changes, claim_id, _source_id = unarchived_claim(editor, **fields)
    publish(*changes)
    assert Claim.objects.get(public_id=claim_id).status == Status.PUBLISHED


def test_a_blank_exemption_is_no_exemption(editor):
    changes, _claim_id, _source_id = unarchived_claim(editor, archive_exemption="   ")
    with pytest.raises(publishing.PublishRefused):
        publish(*changes)
