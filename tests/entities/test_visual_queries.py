"""The map, network and timeline pages run a fixed number of queries, whatever the data size.

The firm and site profiles keep their ceilings in tests/hub/test_queries.py
with the map, graph and timeline on them; this file checks that those pieces
really are drawn there at both sizes without a query of their own.
"""

import datetime
from decimal import Decimal

import pytest

from tests.factories import (
    CitationFactory,
    ClaimFactory,
    FirmFactory,
    RelationshipFactory,
    SiteFactory,
    SourceFactory,
    counts_deferred,
)

MAX_QUERIES = {
    # The sites, and the firms the map's firm filter offers.
    "/sites/map/": 2,
    # The relationships with both firms joined, their citations with sources, then
    # the stored firm-site pairs and the firms' region facts.
    "/network/": 4,
    "network around a firm": 5,
    # The latest claims with their firms, sites and citations (sources joined),
    # then one aggregate per breakdown (stage, type).
    "/timeline/": 6,
}
# The profiles' own ceilings (as in tests/hub/test_queries.py): the firm's
# neighbourhood reads its stored sites and region facts.
PROFILE_QUERIES = {"firms": 16, "sites": 7}


def build(size):
    hub_firm = FirmFactory(name_en="Hub Firm")
    source = SourceFactory()
    hub_site = SiteFactory(
        name_en="Hub Site",
        latitude=Decimal("47.1"),
        longitude=Decimal("37.5"),
        coordinate_precision="exact",
    )
    with counts_deferred():
        for n in range(size):
            firm = FirmFactory()
            site = SiteFactory(
                latitude=Decimal("46") + Decimal(n % 100) / 100,
                longitude=Decimal("35") + Decimal(n % 50) / 10,
                coordinate_precision=["exact", "locality", "region"][n % 3],
            )
            ClaimFactory(
                firms=[firm, hub_firm],
                sites=[site, hub_site],
                date_start=datetime.date(2014 + n % 12, 1 + n % 12, 1),
                date_precision=["day", "month", "year"][n % 3],
                stage=1 + n % 3,
                cite=source,
            )
            relationship = RelationshipFactory(source_firm=firm, target_firm=hub_firm)
            CitationFactory(relationship=relationship, source=source)
    return hub_firm, hub_site


def warm_up(client):
    """One request first: the per-process cached bits of base.html are not the pages' own."""
    assert client.get("/methodology/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 500])
def test_visual_pages_and_profiles_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, size
):
    hub_firm, hub_site = build(size)
    pages = {
        "/sites/map/": "/sites/map/",
        "/network/": "/network/",
        "network around a firm": f"/network/?firm={hub_firm.public_id}",
        "/timeline/": "/timeline/",
    }
    warm_up(client)
    for name, url in pages.items():
        with django_assert_max_num_queries(MAX_QUERIES[name]):
            response = client.get(url)
        assert response.status_code == 200, url
    # The pages really did hold the larger data.
    body = client.get("/network/").content.decode()
    assert body.count("data-edge=") == size
    body = client.get("/sites/map/").content.decode()
    assert body.count("<tr data-site=") == size + 1
    # The profiles draw their map, graph and timeline without queries of their own.
    for url, pieces in [
        (hub_firm.get_absolute_url(), ["site-map-data", 'id="firm-network"', "timeline-chart"]),
        (hub_site.get_absolute_url(), ["site-map-data", "timeline-chart"]),
    ]:
        with django_assert_max_num_queries(PROFILE_QUERIES[url.split("/")[1]]):
            body = client.get(url).content.decode()
        for piece in pieces:
            assert piece in body, (url, piece)
