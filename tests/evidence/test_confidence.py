"""Confidence grades follow from the recorded evidence: one test per rule, then the wiring."""

import pytest
from django.db import IntegrityError
from django.utils.html import escape

from evidence import confidence
from evidence.confidence import ClaimEvidence, Evidence
from evidence.models import Citation, Claim, Confidence
from tests.factories import CitationFactory, ClaimFactory, FirmFactory, SourceFactory

FIRM = 7


def cite(source, publisher, reliability="B", stance="supports", issuer=None, lineage=()):
    return Evidence(source, publisher, reliability, stance, issuer, frozenset({source, *lineage}))


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
    middle.derived_from.set([origin])
    last = SourceFactory(publisher="Last")
    last.derived_from.set([middle])
    claim = ClaimFactory(cite=origin)
    CitationFactory(claim=claim, source=last)
    assert confidence.computed_grades([claim.pk])[claim.pk][0] == Confidence.SINGLE_SOURCE
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
    with pytest.raises(IntegrityError):
        Claim.objects.filter(pk=claim.pk).update(
            confidence_override=Confidence.CONFIRMED, confidence_override_reason=""
        )


@pytest.mark.django_db
def test_a_citation_stance_outside_the_vocabulary_is_refused():
    citation = CitationFactory(claim=ClaimFactory(cite=False))
    with pytest.raises(IntegrityError):
        Citation.objects.filter(pk=citation.pk).update(stance="agrees")
