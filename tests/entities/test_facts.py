"""The firm list's claim facts follow every publish, and say what the claims say."""

import pytest

from editorial import services
from entities import facts
from entities.models import FirmClaimFact
from evidence.models import Citation, Claim, Confidence
from tests.factories import ClaimFactory, FirmFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("facts-editor", is_staff=True)


def stored():
    return set(FirmClaimFact.objects.values_list("firm__public_id", "facet", "value", "claims"))


def rebuilt():
    """What a rebuild of every firm's facts from the claims gives (restoring the stored ones)."""
    before = list(FirmClaimFact.objects.values_list("firm_id", "facet", "value", "claims"))
    facts.rebuild()
    after = stored()
    FirmClaimFact.objects.all().delete()
    FirmClaimFact.objects.bulk_create(
        FirmClaimFact(firm_id=firm, facet=facet, value=value, claims=claims)
        for firm, facet, value, claims in before
    )
    return after


def publish(*changes, key):
    return services.publish_update(
        change_ids=[change.pk for change in changes], summary="Facts", idempotency_key=key
    )


def test_facts_count_each_firms_published_claims_by_region_type_and_grade():
    firm = FirmFactory(public_id="F7001")
    ClaimFactory(firms=[firm], region="luhansk", claim_type="finance")
    ClaimFactory(firms=[firm], region="luhansk", claim_type="servicing")
    ClaimFactory(firms=[firm], region="", claim_type="finance", status="draft")
    assert stored() == {
        ("F7001", "region", "luhansk", 2),
        ("F7001", "claim_type", "finance", 1),
        ("F7001", "claim_type", "servicing", 1),
        ("F7001", "confidence", "single_source", 2),
    }
    assert facts.claim_count(firm) == 2


def test_every_kind_of_publish_leaves_the_facts_a_rebuild_would_write(editor):
    f1, f2, f3 = (FirmFactory(public_id=f"F70{n:02d}") for n in (11, 12, 13))
    moved = ClaimFactory(firms=[f1], region="luhansk")
    shared = ClaimFactory(firms=[f1, f2], region="donetsk", claim_type="finance")
    doomed = ClaimFactory(firms=[f2], region="crimea")
    assert stored() == rebuilt()

    # Edits of the region, the type and the firms of claims.
    edits = [
        services.stage_edit(record=moved, fields={"region": "zaporizhzhia"}, user=editor),
        services.stage_edit(
            record=shared, fields={"firms": [f3.public_id], "claim_type": "servicing"}, user=editor
        ),
    ]
    publish(*edits, key="edits")
    assert ("F7011", "region", "zaporizhzhia", 1) in stored()
    assert not any(row[0] == "F7012" and row[2] == "finance" for row in stored())
    assert ("F7013", "claim_type", "servicing", 1) in stored()
    assert stored() == rebuilt()

    # A new claim with its citation, and a withdrawal.
    draft = services.stage_new(
        model=Claim,
        fields={
            "statement": "A new claim about F7013.",
            "claim_type": "logistics",
            "region": "kherson",
            "firms": [f3.public_id],
            "confidence": "alleged",
        },
        user=editor,
    )
    claim = Claim.objects.get(pk=draft.object_id)
    citation = services.stage_new(
        model=Citation,
        fields={"claim": claim.public_id, "source": SourceFactory().public_id, "locator": "p. 1"},
        user=editor,
    )
    gone = services.stage_withdrawal(record=doomed, reason="Not supported.", user=editor)
    publish(draft, citation, gone, key="create-withdraw")
    assert ("F7013", "region", "kherson", 1) in stored()
    assert not any(row[0] == "F7012" and row[2] == "crimea" for row in stored())
    assert stored() == rebuilt()

    # A second independent source regrades a claim: its grade's fact moves too.
    second = services.stage_new(
        model=Citation,
        fields={
            "claim": moved.public_id,
            "source": SourceFactory(publisher="Another paper").public_id,
            "locator": "p. 9",
        },
        user=editor,
    )
    publish(second, key="regrade")
    moved.refresh_from_db()
    assert moved.confidence == Confidence.CONFIRMED
    assert ("F7011", "confidence", "confirmed", 1) in stored()
    assert stored() == rebuilt()


def test_the_firm_list_filters_and_counts_by_the_published_claims(client, editor):
    firm = FirmFactory(public_id="F7021", name_en="Facet Test Firm")
    claim = ClaimFactory(firms=[firm], region="luhansk")
    assert "Facet Test Firm" in client.get("/firms/?region=luhansk").content.decode()
    edit = services.stage_edit(record=claim, fields={"region": "donetsk"}, user=editor)
    # Staged, not published: the list still says what update N says.
    assert "Facet Test Firm" in client.get("/firms/?region=luhansk").content.decode()
    publish(edit, key="move")
    assert "Facet Test Firm" not in client.get("/firms/?region=luhansk").content.decode()
    assert "Facet Test Firm" in client.get("/firms/?region=donetsk").content.decode()


def test_a_partial_rebuild_touches_only_the_firms_named():
    first, second = FirmFactory(), FirmFactory()
    ClaimFactory(firms=[first], region="luhansk")
    ClaimFactory(firms=[second], region="luhansk")
    FirmClaimFact.objects.filter(firm=second).update(claims=99)
    facts.rebuild(firm_ids=[first.pk])
    assert set(FirmClaimFact.objects.filter(firm=second).values_list("claims", flat=True)) == {99}
    facts.rebuild(firm_ids=[second.pk])
    assert set(FirmClaimFact.objects.filter(firm=second).values_list("claims", flat=True)) == {1}
