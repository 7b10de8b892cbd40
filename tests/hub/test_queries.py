"""Every list and profile runs a fixed number of queries, whatever the data size."""

import pytest

from entities.models import Firm, Site
from entities.views import CLAIMS_PER_PAGE, SITES_ON_PROFILE
from evidence.models import Citation, Claim, Source
from tests.factories import (
    ClaimFactory,
    DesignationFactory,
    FirmFactory,
    RelationshipFactory,
    SectorFactory,
    SiteFactory,
    SourceFactory,
    counts_deferred,
    published_directly,
)

# The ceilings: measured, then pinned. A change that adds a query per row
# breaks the 500-record case at once.
MAX_QUERIES = {
    # +1 on the first page a process serves in a minute: the latest update number
    # and the synthetic flag (hub.cache.site_state), shared through the cache.
    "/": 9,  # + the latest update, named on the home page
    # The facets whose filters are not in use are counted together (one query
    # for the columns, which also gives the total, one for the claim facts).
    "/firms/": 7,
    "filtered firms": 10,
    "/sites/": 3,
    "/claims/": 8,
    # A filter the stored totals do not cover: the rows counted up to the cap
    # (which gives the total), the facets together, the page and its prefetches.
    "claims by date": 6,
    "/sources/": 3,
    "/search/?q=a": 8,
    "/updates/": 1,
    "/corrections/": 2,
    "/downloads/": 2,
    # + the claim count (from the firm's claim facts), the reply states and the
    # number of sites, each counted in the database now that claims come in pages;
    # + the stored sites and region facts of the firm's neighbourhood graph
    "firm": 16,
    "site": 7,  # + the claim count, for the pages
    "claim": 6,  # + the derivations between sources, for the grade's rule
    "source": 4,  # + the sources it relays
    "relationship": 3,
    # Exports: one query for the rows, one per many-to-many column per chunk
    # of 2,000 rows, one for the update number in the file name.
    "/firms.csv": 3,
    "/sites.csv": 2,
    "/claims.csv": 5,
    "/sources.csv": 2,
    "/citations.csv": 2,
    # On PostgreSQL the database writes these lines (downloads.sqlcsv): a savepoint
    # and its release, the export's settings and its one query.
    "/relationships.csv": 4,
    "/sanctions.csv": 4,
    "/relationships.json": 4,
    "/firms.json": 4,
    "/claims.json": 6,
    "claim json": 6,
    # Per kind of record: its count (for the pages) and its latest change.
    "/sitemap.xml": 13,
    "/sitemap-claims.xml": 3,
}


def build(size):
    """`size` firms, each with a claim at a site cited to its own source, all tied to one hub firm."""
    sector = SectorFactory()
    hub_firm = FirmFactory(name_en="Hub Firm")
    hub_site = SiteFactory(name_en="Hub Site")
    hub_source = SourceFactory(title="Hub Source")
    DesignationFactory(firm=hub_firm, source=hub_source)
    with counts_deferred():
        for _ in range(size):
            firm = FirmFactory()
            with published_directly():
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
        "claims by date": "/claims/?date_from=1900-01-01",
        "firm": hub_firm.get_absolute_url(),
        "site": hub_site.get_absolute_url(),
        "claim": Claim.objects.first().get_absolute_url(),
        "source": hub_source.get_absolute_url(),
        "relationship": hub_firm.relationships_in.first().get_absolute_url(),
        "claim json": f"/records/{Claim.objects.first().public_id}.json",
        **{url: url for url in ["/relationships.csv", "/sanctions.csv", "/relationships.json"]},
        **{url: url for url in ["/sitemap.xml", "/sitemap-claims.xml"]},
    }
    for name, url in pages.items():
        with django_assert_max_num_queries(MAX_QUERIES[name]):
            response = client.get(url)
            if response.streaming:
                body = b"".join(response.streaming_content)
        assert response.status_code == 200, url
    # The profiles really did show the larger data, a page of claims at a time.
    body = client.get(pages["firm"]).content.decode()
    assert body.count('class="claim"') == min(size, CLAIMS_PER_PAGE)
    # It lists the first sites by name, and links to the rest.
    sites_link = f'href="/sites/?firm={hub_firm.public_id}"'
    assert (sites_link in body) == (size + 1 > SITES_ON_PROFILE)
    if size > CLAIMS_PER_PAGE:
        assert f"Claims 1–{CLAIMS_PER_PAGE} of {size}," in body
        last = client.get(f"{pages['firm']}?page={-(-size // CLAIMS_PER_PAGE)}").content.decode()
        assert last.count('class="claim"') == (size % CLAIMS_PER_PAGE or CLAIMS_PER_PAGE)
    assert Citation.objects.filter(source=hub_source).count() == size
    assert Site.objects.count() == size + 1
    assert Source.objects.count() == size + 1
    # The exports held every row, not a page of them.
    assert len(client.get("/claims.json").json()["results"]) == min(2 * size, 50)
    csv_text = b"".join(client.get("/claims.csv").streaming_content).decode()
    assert len(csv_text.strip().splitlines()) == 2 * size + 1
