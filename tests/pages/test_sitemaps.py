"""The sitemap lists every public page and published record, and nothing else."""

import xml.etree.ElementTree as ET

import pytest

from pages import sitemaps
from tests.factories import ClaimFactory, FirmFactory, SourceFactory

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(client, url):
    """The <loc> addresses of a sitemap or sitemap index, parsed as a crawler parses them."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    return [loc.text.removeprefix("http://testserver") for loc in root.iterfind(".//sm:loc", NS)]


def test_the_index_names_one_sitemap_per_kind_of_page(client):
    FirmFactory()
    assert locations(client, "/sitemap.xml") == [
        f"/sitemap-{section}.xml" for section in sitemaps.SITEMAPS
    ]


def test_published_records_are_listed_and_drafts_and_withdrawn_ones_are_not(client):
    shown = FirmFactory(public_id="F8001")
    FirmFactory(public_id="F8002", status="draft")
    FirmFactory(public_id="F8003", status="withdrawn", withdrawn_reason="Duplicate.")
    claim = ClaimFactory(firms=[shown])
    assert locations(client, "/sitemap-firms.xml") == ["/firms/F8001/"]
    assert locations(client, "/sitemap-claims.xml") == [claim.get_absolute_url()]
    assert claim.citations.first().source.get_absolute_url() in locations(
        client, "/sitemap-sources.xml"
    )


def test_the_site_s_own_pages_are_listed_and_each_answers(client):
    pages = locations(client, "/sitemap-pages.xml")
    assert {"/", "/firms/", "/claims/", "/methodology/", "/privacy/"} <= set(pages)
    for page in pages:
        assert client.get(page).status_code == 200, page


def test_a_large_kind_is_split_into_files_by_key_range_each_record_once(client, monkeypatch):
    monkeypatch.setattr(sitemaps.SITEMAPS["sources"], "limit", 2)
    created = [SourceFactory() for _ in range(5)]
    # File n holds the keys in ((n - 1) × 2, n × 2]: as many files as the top key needs.
    files = [loc for loc in locations(client, "/sitemap.xml") if "sitemap-sources" in loc]
    last = -(-max(source.pk for source in created) // 2)
    assert files == ["/sitemap-sources.xml"] + [
        f"/sitemap-sources.xml?p={n}" for n in range(2, last + 1)
    ]
    holding = sorted({(source.pk - 1) // 2 + 1 for source in created})
    listed = []
    for n in holding:
        in_file = locations(client, f"/sitemap-sources.xml?p={n}")
        assert 1 <= len(in_file) <= 2
        listed += in_file
    assert sorted(listed) == sorted(source.get_absolute_url() for source in created)
    assert client.get(f"/sitemap-sources.xml?p={last + 1}").status_code == 404
    assert client.get("/sitemap-sources.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_robots_txt_names_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body.splitlines()
    assert "Disallow: /staff/" in body
