"""The firms' claim facts and sites follow every publish, and say what the claims say."""

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from derived import firm_facts
from derived.models import FirmClaimFact, FirmSite
from derived.reply import reply_counts
from editorial import staging
from entities.models import Firm
from evidence.models import Citation, Claim, Confidence
from evidence.reply import ReplyStatus, reply_status_expression
from tests.conftest import publish
from tests.factories import ClaimFactory, FirmFactory, SiteFactory, SourceFactory

pytestmark = pytest.mark.django_db


def stored():
    """The facts, the firms' sites as ("F...", "site", "S...", claims) rows and their claim counts."""
    return (
        set(FirmClaimFact.objects.values_list("firm__public_id", "facet", "value", "claims"))
        | {
            (firm, "site", site, claims)
            for firm, site, claims in FirmSite.objects.values_list(
                "firm__public_id", "site__public_id", "claims"
            )
        }
        | {
            (firm, "claims", "", claims)
            for firm, claims in Firm.objects.values_list("public_id", "claim_count")
        }
    )


def rebuilt():
    """What a rebuild of every firm's facts from the claims gives (restoring the stored ones)."""
    before = list(FirmClaimFact.objects.values_list("firm_id", "facet", "value", "claims"))
    before_sites = list(FirmSite.objects.values_list("firm_id", "site_id", "claims"))
    before_counts = list(Firm.objects.values_list("pk", "claim_count"))
    firm_facts.rebuild()
    after = stored()
    for pk, claims in before_counts:
        Firm.objects.filter(pk=pk).update(claim_count=claims)
    FirmClaimFact.objects.all().delete()
    FirmSite.objects.all().delete()
    FirmClaimFact.objects.bulk_create(
        FirmClaimFact(firm_id=firm, facet=facet, value=value, claims=claims)
        for firm, facet, value, claims in before
    )
    FirmSite.objects.bulk_create(
        FirmSite(firm_id=firm, site_id=site, claims=claims) for firm, site, claims in before_sites
    )
    return after


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
        ("F7001", "reply", "not_contacted", 2),
        ("F7001", "claims", "", 2),
    }


def test_every_kind_of_publish_leaves_the_facts_a_rebuild_would_write(editor):
    f1, f2, f3 = (FirmFactory(public_id=f"F70{n:02d}") for n in (11, 12, 13))
    s1, s2 = SiteFactory(public_id="S7001"), SiteFactory(public_id="S7002")
    moved = ClaimFactory(firms=[f1], sites=[s1], region="luhansk")
    shared = ClaimFactory(firms=[f1, f2], sites=[s1], region="donetsk", claim_type="finance")
    doomed = ClaimFactory(firms=[f2], sites=[s2], region="crimea")
    assert ("F7012", "site", "S7001", 1) in stored()
    assert stored() == rebuilt()

    # Edits of the sites and the right of reply of claims.
    edits = [
        staging.stage_edit(record=moved, fields={"sites": [s2.public_id]}, user=editor),
        staging.stage_edit(
            record=doomed,
            fields={"reply_contacted_on": "2025-01-10", "reply_deadline": "2025-02-10"},
            user=editor,
        ),
        staging.stage_edit(record=shared, fields={"firm_response": "We deny it."}, user=editor),
    ]
    publish(*edits, key="sites-and-replies")
    assert ("F7011", "site", "S7002", 1) in stored()
    assert ("F7011", "site", "S7001", 1) in stored()  # the shared claim is still there
    assert ("F7012", "reply", "until:2025-02-10", 1) in stored()
    assert ("F7012", "reply", "responded", 1) in stored()
    assert stored() == rebuilt()

    # Edits of the region, the type and the firms of claims.
    edits = [
        staging.stage_edit(record=moved, fields={"region": "zaporizhzhia"}, user=editor),
        staging.stage_edit(
            record=shared, fields={"firms": [f3.public_id], "claim_type": "servicing"}, user=editor
        ),
    ]
    publish(*edits, key="edits")
    assert ("F7011", "region", "zaporizhzhia", 1) in stored()
    assert not any(row[0] == "F7012" and row[2] == "finance" for row in stored())
    assert ("F7013", "claim_type", "servicing", 1) in stored()
    assert stored() == rebuilt()

    # A new claim with its citation, and a withdrawal.
    draft = staging.stage_new(
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
    citation = staging.stage_new(
        model=Citation,
        fields={"claim": claim.public_id, "source": SourceFactory().public_id, "locator": "p. 1"},
        user=editor,
    )
    gone = staging.stage_withdrawal(record=doomed, reason="Not supported.", user=editor)
    publish(draft, citation, gone, key="create-withdraw")
    assert ("F7013", "region", "kherson", 1) in stored()
    assert not any(row[0] == "F7012" and row[2] == "crimea" for row in stored())
    assert stored() == rebuilt()

    # A second independent source regrades a claim: its grade's fact moves too.
    second = staging.stage_new(
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
    # And each firm's count is its published claims, counted from the claims themselves.
    counts = {firm.public_id: firm.claim_count for firm in Firm.objects.all()}
    claims = {
        firm.public_id: Claim.objects.public().filter(firms=firm).count() for firm in (f1, f2, f3)
    }
    assert {key: counts[key] for key in claims} == claims == {"F7011": 1, "F7012": 0, "F7013": 2}


def test_the_firm_list_filters_and_counts_by_the_published_claims(client, editor):
    firm = FirmFactory(public_id="F7021", name_en="Facet Test Firm")
    claim = ClaimFactory(firms=[firm], region="luhansk")
    assert "Facet Test Firm" in client.get("/firms/?region=luhansk").content.decode()
    edit = staging.stage_edit(record=claim, fields={"region": "donetsk"}, user=editor)
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
    firm_facts.rebuild(firm_ids=[first.pk])
    assert set(FirmClaimFact.objects.filter(firm=second).values_list("claims", flat=True)) == {99}
    firm_facts.rebuild(firm_ids=[second.pk])
    assert set(FirmClaimFact.objects.filter(firm=second).values_list("claims", flat=True)) == {1}


def live_reply_counts(firm, today):
    """The reply states of the firm's published claims, derived from the claims themselves."""
    claims = Claim.objects.public().about_firm(firm)
    counts = Counter()
    for claim in claims:
        if claim.firm_response or claim.firm_response_url:
            counts[ReplyStatus.RESPONDED] += 1
        elif claim.reply_contacted_on is None:
            counts[ReplyStatus.NOT_CONTACTED] += 1
        elif claim.reply_deadline is not None and claim.reply_deadline < today:
            counts[ReplyStatus.NO_RESPONSE] += 1
        else:
            counts[ReplyStatus.AWAITING] += 1
    return [(value, ReplyStatus(value).label, counts[value]) for value in ReplyStatus.values]


def test_reply_counts_compare_stored_deadlines_with_the_day_they_are_read():
    firm = FirmFactory()
    contacted = datetime.date(2025, 1, 10)
    ClaimFactory(firms=[firm])
    ClaimFactory(firms=[firm], firm_response_url="https://firm.example.com/statement")
    ClaimFactory(firms=[firm], reply_contacted_on=contacted)
    for deadline in (datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)):
        ClaimFactory(firms=[firm], reply_contacted_on=contacted, reply_deadline=deadline)
    for today in (
        datetime.date(2025, 1, 20),
        datetime.date(2025, 2, 15),
        datetime.date(2025, 4, 1),
    ):
        assert reply_counts(firm, today=today) == live_reply_counts(firm, today)
    counts = {status: n for status, _, n in reply_counts(firm, today=datetime.date(2025, 2, 15))}
    assert counts == {
        "not_contacted": 1,
        "awaiting": 2,
        "responded": 1,
        "no_response_by_deadline": 1,
    }


def test_the_stored_reply_states_agree_with_the_database_s_own_rule_today():
    # The other rule (evidence.reply.reply_status_expression, for the claim list
    # and the CSV) compares the deadline with the database's today.
    firm = FirmFactory()
    today = timezone.now().date()
    ClaimFactory(firms=[firm])
    ClaimFactory(firms=[firm], firm_response="We deny it.")
    for days in (-30, -1, 1, 30):
        ClaimFactory(
            firms=[firm],
            reply_contacted_on=today - datetime.timedelta(days=60),
            reply_deadline=today + datetime.timedelta(days=days),
        )
    by_expression = Counter(
        Claim.objects.public()
        .about_firm(firm)
        .annotate(state=reply_status_expression())
        .values_list("state", flat=True)
    )
    stored = {status: n for status, _, n in reply_counts(firm) if n}
    assert (
        stored
        == dict(by_expression)
        == {
            "not_contacted": 1,
            "responded": 1,
            "no_response_by_deadline": 2,
            "awaiting": 2,
        }
    )


def test_the_profile_and_the_site_list_read_the_firms_sites_from_its_facts(client):
    firm = FirmFactory(public_id="F7031")
    ClaimFactory(firms=[firm], sites=[SiteFactory(name_en="Alpha Mine")])
    ClaimFactory(firms=[firm], sites=[SiteFactory(name_en="Beta Port")], status="draft")
    for url in ("/firms/F7031/", "/sites/?firm=F7031"):
        body = client.get(url).content.decode()
        assert "Alpha Mine" in body
        assert "Beta Port" not in body  # only a draft claim ties it to the firm
    FirmSite.objects.filter(firm=firm).delete()
    for url in ("/firms/F7031/", "/sites/?firm=F7031"):
        assert "Alpha Mine" not in client.get(url).content.decode()  # not read from the claims
