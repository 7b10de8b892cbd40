"""Confidence grades follow from the recorded evidence: one test per rule, then the wiring."""

import pytest
from django.db import IntegrityError
from django.utils.html import escape

from evidence import confidence
from evidence.confidence import ClaimEvidence, Evidence
from evidence.models import Citation, Claim, Confidence
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    FirmFactory,
    SourceFactory,
    published_directly,
)

FIRM = 7


def cite(source, publisher, reliability="B", stance="supports", issuer=None, lineage=(), hub=False):
    lineage = frozenset({source, *lineage})
    return Evidence(source, publisher, reliability, stance, issuer, lineage, hub)


def grade_of(*citations, firms=(), response=""):
    evidence = ClaimEvidence(tuple(citations), frozenset(firms), response)
    return confidence.applicable_rule(evidence)


# One test per rule, in the order the rules apply --------------------------------


def test_a_citation_that_disputes_makes_the_claim_disputed():
    rule = grade_of(cite(1, "Monitor A"), cite(2, "Paper B"), cite(3, "Paper C", stance="disputes"))
    assert (rule.code, rule.grade) == ("counter_source", Confidence.DISPUTED)


def test_the_firm_denying_it_makes_the_claim_disputed():
    rule = grade_of(cite(1, "Monitor A"), cite(2, "Paper B"), firms=[FIRM], response="denies")
    assert (rule.code, rule.grade) == ("firm_denies", Confidence.DISPUTED)


def test_a_source_issued_by_the_firm_itself_confirms():
    rule = grade_of(cite(1, "Acme Co. website", reliability="C", issuer=FIRM), firms=[FIRM])
    assert (rule.code, rule.grade) == ("firm_itself", Confidence.CONFIRMED)


def test_a_source_issued_by_another_firm_is_only_an_interested_party():
    rule = grade_of(cite(1, "Rival Co. website", reliability="C", issuer=99), firms=[FIRM])
    assert rule.grade == Confidence.ALLEGED


def test_the_firm_acknowledging_it_confirms():
    rule = grade_of(cite(1, "Monitor A"), firms=[FIRM], response="acknowledges")
    assert (rule.code, rule.grade) == ("firm_itself", Confidence.CONFIRMED)


def test_two_independent_sources_of_different_publishers_confirm():
    rule = grade_of(cite(1, "Monitor A"), cite(2, "Paper B", reliability="A"))
    assert (rule.code, rule.grade) == ("independent_sources", Confidence.CONFIRMED)


def test_two_sources_of_one_publisher_are_one_source():
    rule = grade_of(cite(1, "Monitor A"), cite(2, "  monitor a "))
    assert (rule.code, rule.grade) == ("one_source", Confidence.SINGLE_SOURCE)


def test_a_source_derived_from_the_other_does_not_corroborate_it():
    rule = grade_of(cite(1, "Monitor A"), cite(2, "Paper B", lineage={1}))
    assert rule.grade == Confidence.SINGLE_SOURCE


def test_two_sources_relaying_a_common_origin_are_not_independent():
    rule = grade_of(cite(1, "Paper A", lineage={9}), cite(2, "Paper B", lineage={9}))
    assert rule.grade == Confidence.SINGLE_SOURCE


def test_one_independent_source_makes_the_claim_reported():
    rule = grade_of(cite(1, "Monitor A"))
    assert (rule.code, rule.grade) == ("one_source", Confidence.SINGLE_SOURCE)
    assert Confidence.SINGLE_SOURCE.label == "Reported"


@pytest.mark.parametrize(
    "citation",
    [
        cite(1, "Occupation news agency", reliability="C"),
        cite(1, "Anonymous channel", reliability="D"),
        cite(1, "Monitor A", stance="hedged"),
    ],
    ids=["interested", "anonymous", "hedged"],
)
def test_only_an_interested_anonymous_or_hedged_source_makes_the_claim_alleged(citation):
    rule = grade_of(citation, citation)
    assert (rule.code, rule.grade) == ("interested_or_anonymous", Confidence.ALLEGED)


def test_interested_sources_do_not_add_up_to_confirmed():
    rule = grade_of(cite(1, "Monitor A"), cite(2, "Occupation agency", reliability="C"))
    assert rule.grade == Confidence.SINGLE_SOURCE


def test_the_hubs_own_briefing_alone_is_a_hub_finding():
    rule = grade_of(cite(1, "The hub", reliability="A", hub=True))
    assert (rule.code, rule.grade) == ("hub_finding", Confidence.HUB_FINDING)
    assert str(rule.label) == "Hub finding, not independently confirmed"


def test_the_hubs_own_publications_never_corroborate_each_other_or_an_outside_source():
    briefing = cite(1, "The hub", hub=True)
    report = cite(2, "The hub's research team", reliability="A", hub=True)
    assert grade_of(briefing, report).grade == Confidence.HUB_FINDING
    # With one outside source, the claim is reported, never confirmed by the hub's word.
    assert grade_of(briefing, report, cite(3, "Monitor")).grade == Confidence.SINGLE_SOURCE
    assert grade_of(briefing, cite(3, "Monitor"), cite(4, "Paper")).grade == Confidence.CONFIRMED


def test_an_interested_party_beside_the_hub_briefing_does_not_make_it_more_than_a_hub_finding():
    rule = grade_of(cite(1, "The hub", hub=True), cite(2, "Occupation post", reliability="C"))
    assert rule.grade == Confidence.HUB_FINDING


def test_a_source_relaying_the_hub_briefing_does_not_corroborate_it():
    relay = cite(2, "Newspaper", lineage=(1,))
    rule = grade_of(cite(1, "The hub", hub=True), relay)
    assert rule.grade == Confidence.SINGLE_SOURCE  # the newspaper is one source, not two


def test_a_hedged_hub_briefing_is_only_alleged():
    rule = grade_of(cite(1, "The hub", stance="hedged", hub=True))
    assert rule.grade == Confidence.ALLEGED


@pytest.mark.django_db
def test_a_claim_citing_only_a_hub_publication_is_graded_a_hub_finding_from_the_database():
    claim = ClaimFactory(cite=SourceFactory(publisher="The hub", hub_publication=True))
    grade, rule = confidence.computed_grades([claim.pk])[claim.pk]
    assert (grade, rule.code) == (Confidence.HUB_FINDING, "hub_finding")
    CitationFactory(claim=claim, source=SourceFactory(publisher="Monitor", reliability="A"))
    assert confidence.computed_grades([claim.pk])[claim.pk][0] == Confidence.SINGLE_SOURCE


@pytest.mark.django_db
def test_every_footnote_citing_a_hub_publication_says_so(client):
    claim = ClaimFactory(cite=SourceFactory(publisher="The hub", hub_publication=True))
    outside = SourceFactory(publisher="Monitor")
    CitationFactory(claim=claim, source=outside)
    body = client.get(claim.get_absolute_url()).content.decode()
    assert body.count("The hub's own briefing, not an independent source.") == 1
    source_page = client.get(
        claim.citations.get(source__hub_publication=True).source.get_absolute_url()
    )
    assert "The hub's own briefing." in source_page.content.decode()
    assert "hub's own briefing" not in client.get(outside.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_methodology_page_shows_the_rules_the_code_applies(client):
    body = client.get("/methodology/").content.decode()
    for rule in confidence.RULES:
        assert f'id="rule-{rule.code}"' in body
        assert escape(str(rule.text)) in body
    # In the order they are applied.
    positions = [body.index(f'id="rule-{rule.code}"') for rule in confidence.RULES]
    assert positions == sorted(positions)


# Reading the evidence from the database -----------------------------------------


@pytest.mark.django_db
def test_derivation_is_followed_through_chains():
    origin = SourceFactory(publisher="Origin")
    middle = SourceFactory(publisher="Middle")
    last = SourceFactory(publisher="Last")
    with published_directly():
        middle.derived_from.set([origin])
        last.derived_from.set([middle])
    claim = ClaimFactory(cite=origin)
    CitationFactory(claim=claim, source=last)
    assert confidence.computed_grades([claim.pk])[claim.pk][0] == Confidence.SINGLE_SOURCE
    with published_directly():
        last.derived_from.clear()
    assert confidence.computed_grades([claim.pk])[claim.pk][0] == Confidence.CONFIRMED


@pytest.mark.django_db
def test_unpublished_citations_and_sources_do_not_count():
    claim = ClaimFactory(cite=SourceFactory(publisher="One"))
    CitationFactory(claim=claim, source=SourceFactory(publisher="Two", status="draft"))
    CitationFactory(claim=claim, source=SourceFactory(publisher="Three"), status="draft")
    assert confidence.computed_grades([claim.pk])[claim.pk][0] == Confidence.SINGLE_SOURCE


@pytest.mark.django_db
def test_the_firms_own_source_confirms_a_claim_about_that_firm():
    firm = FirmFactory()
    claim = ClaimFactory(firms=[firm], cite=SourceFactory(reliability="C", issuer=firm))
    grade, rule = confidence.computed_grades([claim.pk])[claim.pk]
    assert (grade, rule.code) == (Confidence.CONFIRMED, "firm_itself")


@pytest.mark.django_db
def test_an_override_needs_a_reason():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), published_directly():
        Claim.objects.filter(pk=claim.pk).update(
            confidence_override=Confidence.CONFIRMED, confidence_override_reason=""
        )


@pytest.mark.django_db
def test_a_citation_stance_outside_the_vocabulary_is_refused():
    citation = CitationFactory(claim=ClaimFactory(cite=False))
    with pytest.raises(IntegrityError), published_directly():
        Citation.objects.filter(pk=citation.pk).update(stance="agrees")
