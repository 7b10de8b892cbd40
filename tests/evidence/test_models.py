import pytest

from evidence.models import Citation
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    RelationshipFactory,
    SourceFactory,
    violates,
)

pytestmark = pytest.mark.django_db


def test_a_citation_must_say_where_in_the_source():
    violates(CitationFactory, claim=ClaimFactory(cite=False), locator="")


def test_a_citation_supports_exactly_one_claim_or_relationship():
    claim = ClaimFactory(cite=False)
    violates(CitationFactory, claim=None, relationship=None)
    violates(CitationFactory, claim=claim, relationship=RelationshipFactory())
    assert CitationFactory(claim=claim).pk


def test_claim_periods_and_figure_ranges_are_ordered():
    import datetime

    violates(
        ClaimFactory,
        date_start=datetime.date(2024, 5, 1),
        date_end=datetime.date(2023, 1, 1),
        cite=False,
    )
    violates(ClaimFactory, figure_low=15, figure_high=8, cite=False)
    claim = ClaimFactory(figure_low=8, figure_high=15, figure_unit="%", cite=False)
    assert claim.figure == "8–15 %"


def test_claims_confidence_and_region_are_closed_lists():
    violates(ClaimFactory, confidence="certain", cite=False)
    violates(ClaimFactory, region="russia", cite=False)


def test_a_citation_is_not_public_when_its_source_is_a_draft():
    claim = ClaimFactory(cite=False)
    CitationFactory(claim=claim, source=SourceFactory(status="draft"))
    assert not Citation.objects.public().exists()
