"""The firm and site pages: filters, facets, profiles, footnotes."""

import re

import pytest
from django.urls import reverse

from tests.factories import (
    ClaimFactory,
    DesignationFactory,
    FirmFactory,
    RelationshipFactory,
    SectorFactory,
    SiteFactory,
    SourceFactory,
    published_directly,
)

pytestmark = pytest.mark.django_db


def test_firm_list_filters_by_stage_and_counts_each_stage(client):
    FirmFactory(name_en="Stage One Machinery", stage=1)
    FirmFactory(name_en="Second Stage Alliance", stage=2, kind="network")
    FirmFactory(name_en="Draft Stage One Co", stage=1, status="draft")

    response = client.get("/firms/", {"stage": "1"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Stage One Machinery" in body
    assert "Second Stage Alliance" not in body
    assert "Draft Stage One Co" not in body
    assert 'role="status">1 firm</p>' in body
    # The stage facet counts the other stage too, against the other filters.
    assert re.search(r"Stage 2 · [^<]*\(1\)", body)


def test_firm_list_text_filter_matches_names_in_every_script(client):
    FirmFactory(name_en="SANY Heavy Industry", name_zh="三一重工股份有限公司", name_ru="Сани")
    FirmFactory(name_en="Other Co")
    for text in ["sany heavy", "三一", "Сани"]:
        body = client.get("/firms/", {"q": text}).content.decode()
        assert "SANY Heavy Industry" in body, text
        assert "Other Co" not in body, text


def test_firm_list_filters_across_sanctions_sectors_and_claims(client):
    mining = SectorFactory(slug="mining-machinery", name="Mining machinery")
    sanctioned = FirmFactory(name_en="Listed Entity Co")
    DesignationFactory(firm=sanctioned)
    ended = FirmFactory(name_en="Formerly Listed Co")
    DesignationFactory(firm=ended, ended_on="2025-01-01")
    miner = FirmFactory(name_en="Mining Gear Co")
    with published_directly():
        miner.sectors.add(mining)
    ClaimFactory(firms=[miner], region="donetsk", claim_type="servicing")

    def names(**params):
        body = client.get("/firms/", params).content.decode()
        return {f.name_en for f in (sanctioned, ended, miner) if f.name_en in body}

    assert names(designation="sanction") == {"Listed Entity Co"}
    assert names(designation="ended") == {"Formerly Listed Co"}
    assert names(designation="none") == {"Mining Gear Co"}
    assert names(sector="mining-machinery") == {"Mining Gear Co"}
    with published_directly():
        miner.sectors.add(SectorFactory(slug="logistics", name="Logistics"))
    row = re.search(r"Mining Gear Co.*?</tr>", client.get("/firms/").content.decode(), re.DOTALL)
    assert (
        '<td data-label="Sectors">Logistics, Mining machinery</td>' in row.group()
    )  # each firm's, by name
    assert names(region="donetsk", claim_type="servicing") == {"Mining Gear Co"}
    assert names(region="luhansk") == set()


def test_sectors_are_named_in_the_reader_s_language_where_a_name_is_recorded(client):
    firm = FirmFactory(name_en="Mining Gear Co")
    with published_directly():
        firm.sectors.add(
            SectorFactory(
                slug="mining-machinery", name="Mining machinery", name_uk="Гірнича техніка"
            ),
            SectorFactory(slug="logistics", name="Logistics", name_uk=""),
        )
    for url in ["/firms/", firm.get_absolute_url()]:
        uk = client.get(url, HTTP_ACCEPT_LANGUAGE="uk").content.decode()
        assert "Гірнича техніка" in uk, url
        assert "Mining machinery" not in uk, url
        assert "Logistics" in uk, url  # no Ukrainian name recorded: the English one
        en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Mining machinery" in en, url
        assert "Гірнича техніка" not in en, url
    # The sector filter's choices too.
    uk = client.get("/firms/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert re.search(r'<option value="mining-machinery">Гірнича техніка \(1\)</option>', uk)


def test_firm_list_sorts_by_claim_count(client):
    busy = FirmFactory(name_en="Busy Co")
    quiet = FirmFactory(name_en="Quiet Co")
    ClaimFactory(firms=[busy])
    ClaimFactory(firms=[busy])
    ClaimFactory(firms=[quiet])
    body = client.get("/firms/", {"sort": "-claims"}).content.decode()
    assert body.index("Busy Co") < body.index("Quiet Co")
    body = client.get("/firms/", {"sort": "claims"}).content.decode()
    assert body.index("Quiet Co") < body.index("Busy Co")


def test_firm_profile_footnotes_each_claim_to_its_source(client):
    firm = FirmFactory(name_en="SANY Heavy Industry", name_zh="三一重工股份有限公司")
    source = SourceFactory(title="Mines of the Donbas", url="https://monitor.example.org/mines")
    site = SiteFactory(name_en="Four coal mines")
    claim = ClaimFactory(firms=[firm], sites=[site], cite=source)
    with published_directly():
        claim.citations.update(locator="para 11", quote="supplied heading machines")

    response = client.get(firm.get_absolute_url())

    body = response.content.decode()
    assert response.status_code == 200
    assert "三一重工股份有限公司" in body
    assert claim.statement in body
    assert 'href="#CIT' in body  # the claim's footnote mark
    assert f'href="{source.get_absolute_url()}"' in body
    assert 'href="https://monitor.example.org/mines"' in body
    assert "para 11" in body
    assert "supplied heading machines" in body
    assert f'href="{site.get_absolute_url()}"' in body
    sources_section = body.split('id="h-sources"')[1].split("</section>")[0]
    assert "Mines of the Donbas" in sources_section


def test_firm_profile_hides_unpublished_claims_sources_and_relationships(client):
    firm = FirmFactory()
    ClaimFactory(firms=[firm], statement="A draft statement", status="draft")
    ClaimFactory(
        firms=[firm],
        statement="Cited by a draft source",
        cite=SourceFactory(status="draft", title="Draft source title"),
    )
    RelationshipFactory(
        source_firm=firm, target_firm=FirmFactory(name_en="Hidden Parent", status="draft")
    )
    body = client.get(firm.get_absolute_url()).content.decode()
    assert "A draft statement" not in body
    assert "Draft source title" not in body
    assert "Hidden Parent" not in body


def test_unknown_and_draft_records_are_404_in_the_site_style(client):
    draft = FirmFactory(status="draft")
    for url in ["/firms/F404404/", draft.get_absolute_url(), "/sites/nothing/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "There is no public record" in response.content.decode()


def test_withdrawn_record_keeps_a_tombstone(client):
    firm = FirmFactory(status="withdrawn", withdrawn_reason="Merged into F0001 after review")
    response = client.get(firm.get_absolute_url())
    assert response.status_code == 410
    assert "Merged into F0001 after review" in response.content.decode()


def test_site_list_and_profile(client):
    site = SiteFactory(
        name_en="Karansky quarry", name_uk="Каранський кар'єр", region="donetsk", kind="quarry"
    )
    SiteFactory(name_en="Port of Berdiansk", region="zaporizhzhia", kind="port")
    body = client.get("/sites/", {"region": "donetsk"}).content.decode()
    assert "Karansky quarry" in body
    assert "Port of Berdiansk" not in body
    assert "Каранський" in client.get(site.get_absolute_url()).content.decode()


def test_relationship_page_links_both_firms(client):
    rel = RelationshipFactory()
    body = client.get(rel.get_absolute_url()).content.decode()
    assert rel.source_firm.get_absolute_url() in body
    assert rel.target_firm.get_absolute_url() in body
    assert reverse("entities:relationship_detail", args=[rel.public_id]) == rel.get_absolute_url()
