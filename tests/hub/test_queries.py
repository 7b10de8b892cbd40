"""Every list and profile runs a fixed number of queries, whatever the data size."""

import pytest

from entities.models import Firm, Site
from evidence.models import Citation, Claim, Source
from tests.factories import (
    ClaimFactory,
    DesignationFactory,
    FirmFactory,
    RelationshipFactory,
    SectorFactory,
    SiteFactory,
    SourceFactory,
)

# The ceilings: measured, then pinned. A change that adds a query per row
# breaks the 500-record case at once.
MAX_QUERIES = {
    "/": 7,
    "/firms/": 15,
    "filtered firms": 16,
    "/sites/": 6,
    "/claims/": 8,
    "/sources/": 5,
    "/search/?q=a": 8,
    "firm": 10,
    "site": 5,
    "claim": 4,
    "source": 2,
    "relationship": 2,
}


def build(size):
    """`size` firms, each with a claim at a site cited to its own source, all tied to one hub firm."""
    sector = SectorFactory()
    hub_firm = FirmFactory(name_en="Hub Firm")
    hub_site = SiteFactory(name_en="Hub Site")
    hub_source = SourceFactory(title="Hub Source")
    DesignationFactory(firm=hub_firm)
    for _ in range(size):
        firm = FirmFactory()
        firm.sectors.add(sector)
        claim = ClaimFactory(
            firms=[firm, hub_firm], sites=[SiteFactory(), hub_site], cite=hub_source
        )
        ClaimFactory(firms=[firm], cite=SourceFactory())
        RelationshipFactory(source_firm=firm, target_firm=hub_firm)
        assert claim.citations.count() == 1
    return hub_firm, hub_site, hub_source, sector


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 500])
def test_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    hub_firm, hub_site, hub_source, sector = build(size)
    assert Firm.objects.count() == size + 1
    pages = {
        **{
            url: url for url in ["/", "/firms/", "/sites/", "/claims/", "/sources/", "/search/?q=a"]
        },
        "filtered firms": f"/firms/?stage=1&sector={sector.slug}&sort=-claims&region=luhansk",
        "firm": hub_firm.get_absolute_url(),
        "site": hub_site.get_absolute_url(),
        "claim": Claim.objects.first().get_absolute_url(),
        "source": hub_source.get_absolute_url(),
        "relationship": hub_firm.relationships_in.first().get_absolute_url(),
    }
    for name, url in pages.items():
        with django_assert_max_num_queries(MAX_QUERIES[name]):
            response = client.get(url)
        assert response.status_code == 200, url
    # The profiles really did show the larger data.
    body = client.get(pages["firm"]).content.decode()
    assert body.count('class="claim"') == size
    assert Citation.objects.filter(source=hub_source).count() == size
    assert Site.objects.count() == size + 1
    assert Source.objects.count() == size + 1
