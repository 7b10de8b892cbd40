"""Database constraints hold the invariants that fit in one row."""

import pytest
from django.db import IntegrityError

from entities.models import Firm, Relationship, Site
from tests.factories import FirmFactory, SiteFactory, published_directly, violates

pytestmark = pytest.mark.django_db


def test_a_site_cannot_be_placed_outside_the_occupied_regions_of_ukraine():
    violates(SiteFactory, region="russia")


def test_site_coordinates_come_in_pairs_inside_ukraine_with_a_precision():
    violates(SiteFactory, latitude=48.5, longitude=None, coordinate_precision="exact")
    violates(SiteFactory, latitude=55.75, longitude=37.6, coordinate_precision="exact")  # Moscow
    violates(SiteFactory, latitude=48.5, longitude=39.0, coordinate_precision="none")
    site = SiteFactory(latitude=48.5, longitude=39.0, coordinate_precision=Site.Precision.LOCALITY)
    assert site.pk


def test_a_listed_firm_needs_a_ticker():
    violates(FirmFactory, ownership=Firm.Ownership.LISTED, ticker="")
    assert FirmFactory(ownership=Firm.Ownership.LISTED, exchange="SSE", ticker="600031").pk


def test_firm_stage_and_kind_are_closed_lists():
    violates(FirmFactory, stage=4)
    violates(FirmFactory, kind="shell")


def test_public_identifiers_are_unique_and_prefixed():
    FirmFactory(public_id="F0001")
    violates(FirmFactory, public_id="F0001")
    violates(FirmFactory, public_id="X0002")


def test_a_withdrawn_record_must_say_why():
    violates(FirmFactory, status="withdrawn", withdrawn_reason="")
    assert FirmFactory(status="withdrawn", withdrawn_reason="Duplicate of F0002").pk


def test_unified_social_credit_codes_are_unique_when_present():
    FirmFactory(uscc="91430000722591764A")
    violates(FirmFactory, uscc="91430000722591764A")
    FirmFactory(uscc="")
    FirmFactory(uscc="")  # empty codes do not collide


def test_a_firm_cannot_be_related_to_itself():
    firm = FirmFactory()
    with pytest.raises(IntegrityError), published_directly():
        Relationship.objects.create(
            public_id="R1", source_firm=firm, target_firm=firm, kind="parent", status="published"
        )
