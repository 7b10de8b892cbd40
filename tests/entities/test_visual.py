"""The map of sites, the network of firms and the timelines: pages and data."""

import datetime
import itertools
import json
import re
from decimal import Decimal

import pytest

from entities.timeline import MAX_LANES, claim_period, claim_timeline
from entities.visual import LOCALITY_RADIUS_METRES, connected_to, site_map
from evidence.models import Claim
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    FirmFactory,
    RelationshipFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db


def json_block(body, element_id):
    """The data a page hands to its script through json_script."""
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', body)
    assert match, f"no json_script #{element_id}"
    return json.loads(match.group(1))


def located(name, precision, lat="47.45361", lng="37.86750", **fields):
    return SiteFactory(
        name_en=name,
        latitude=Decimal(lat),
        longitude=Decimal(lng),
        coordinate_precision=precision,
        **fields,
    )


# The map


def test_the_map_page_marks_exact_and_locality_sites_and_lists_every_site_in_tables(client):
    exact = located("Exact Port", "exact", lat="46.75", lng="36.80", kind="port")
    town = located("Town Quarry", "locality", kind="quarry")
    region = located("Region Mine", "region", lat="48.57", lng="39.31", region="luhansk")
    nowhere = SiteFactory(name_en="Nowhere Mine")
    SiteFactory(name_en="Draft Mine", status="draft")

    response = client.get("/sites/map/")

    assert response.status_code == 200
    body = response.content.decode()
    data = json_block(body, "site-map-data")
    marked = {site["id"]: marker for marker in data["markers"] for site in marker["sites"]}
    assert set(marked) == {exact.public_id, town.public_id}
    assert marked[exact.public_id]["precision"] == "exact"
    assert marked[exact.public_id]["radius"] == 0
    assert marked[town.public_id]["precision"] == "locality"
    assert marked[town.public_id]["radius"] == LOCALITY_RADIUS_METRES
    assert marked[exact.public_id]["sites"][0]["url"] == exact.get_absolute_url()
    # Without a tile server configured, the page asks for none.
    assert data["tiles"]["url"] == ""
    # The tables list the same sites, each linking its profile; the sites
    # placed by region or not at all are listed apart, not on the map.
    rows = set(re.findall(r'<tr data-site="(S\d+)">', body))
    assert rows == {s.public_id for s in (exact, town, region, nowhere)}
    for site in (exact, town, region, nowhere):
        assert f'href="{site.get_absolute_url()}"' in body
    assert "Draft Mine" not in body
    assert "Known only by region" in body
    assert "Luhansk oblast, Ukraine" in body
    assert "Russia" not in body
    assert "vendor/leaflet-1.9.4/leaflet.js" in body
    assert "js/sitemap.js" in body


def test_a_region_level_site_gives_no_marker_coordinates(client):
    region = located("Regional Centroid Mine", "region", lat="48.0", lng="38.0")
    exact = located("Exact Port", "exact", lat="46.75", lng="36.80")

    body = client.get("/sites/map/").content.decode()
    data = json_block(body, "site-map-data")
    site_page = client.get(region.get_absolute_url()).content.decode()

    assert [s["id"] for m in data["markers"] for s in m["sites"]] == [exact.public_id]
    assert "48.0" not in json.dumps(data)
    assert f'<tr data-site="{region.public_id}">' in body
    # Its own profile draws no map either: there is no honest spot to draw.
    assert "site-map-data" not in site_page


def test_sites_at_the_same_point_share_one_marker_that_lists_them_all():
    first = located("Quarry", "locality", kind="quarry")
    second = located("Plant", "locality", kind="plant")
    exact_there = located("Office", "exact")

    result = site_map([first, second, exact_there])

    assert len(result.markers) == 2
    shared = next(m for m in result.markers if m["precision"] == "locality")
    assert [s["id"] for s in shared["sites"]] == [first.public_id, second.public_id]
    assert shared["kind"] == "several"
    assert result.placed_count == 3


def test_site_and_firm_profiles_show_a_small_map_of_their_placed_sites(client):
    firm = FirmFactory(name_en="Mapped Firm")
    placed = located("Placed Quarry", "locality")
    ClaimFactory(firms=[firm], sites=[placed, SiteFactory(name_en="Unplaced Mine")])

    for url in (placed.get_absolute_url(), firm.get_absolute_url()):
        body = client.get(url).content.decode()
        data = json_block(body, "site-map-data")
        assert [s["id"] for m in data["markers"] for s in m["sites"]] == [placed.public_id], url


def test_the_map_page_reads_the_tile_server_from_settings(client, settings):
    settings.HUB_MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    settings.HUB_MAP_TILE_ATTRIBUTION = "© Example contributors"
    located("Exact Port", "exact")

    data = json_block(client.get("/sites/map/").content.decode(), "site-map-data")

    assert data["tiles"] == {
        "url": "https://{s}.tiles.example.org/{z}/{x}/{y}.png",
        "attribution": "© Example contributors",
    }


def test_the_map_route_is_not_taken_for_a_site_identifier(client):
    assert client.get("/sites/map/").status_code == 200
    assert client.get("/sites/S0999/").status_code == 404


# The network


def four_levels():
    """The seed's four-level Belt and Road network, plus a separate parent and subsidiary."""
    levels = [FirmFactory(name_en=f"Level {n}", kind="network") for n in range(1, 5)]
    ties = [
        RelationshipFactory(source_firm=lower, target_firm=upper, kind="member")
        for upper, lower in itertools.pairwise(levels)
    ]
    parent, child = FirmFactory(name_en="Parent Group"), FirmFactory(name_en="Subsidiary Co")
    ownership = RelationshipFactory(source_firm=parent, target_firm=child, kind="parent")
    return levels, ties, ownership


def test_the_network_page_graphs_every_public_tie_and_lists_the_same_edges_with_citations(
    client,
):
    _levels, ties, ownership = four_levels()
    citation = CitationFactory(relationship=ties[0], locator="para. 12")
    hidden = RelationshipFactory(status="draft")
    with_draft_end = RelationshipFactory(target_firm=FirmFactory(status="draft"))

    response = client.get("/network/")

    assert response.status_code == 200
    body = response.content.decode()
    graph = json_block(body, "network-data")
    edges = {edge["id"] for edge in graph["edges"]}
    assert edges == {tie.public_id for tie in [*ties, ownership]}
    listed = set(re.findall(r'<li id="(R\d+)" data-edge=', body))
    assert listed == edges
    assert hidden.public_id not in body
    assert with_draft_end.public_id not in body
    assert len(graph["nodes"]) == 6
    assert f"/citations/{citation.public_id}/" in body
    assert "para. 12" in body
    assert "vendor/cytoscape-3.35.0/cytoscape.min.js" in body


def test_the_network_around_a_firm_is_its_connected_part(client):
    levels, ties, ownership = four_levels()

    body = client.get("/network/", {"firm": levels[3].public_id}).content.decode()

    graph = json_block(body, "network-data")
    assert {edge["id"] for edge in graph["edges"]} == {tie.public_id for tie in ties}
    assert [node["id"] for node in graph["nodes"] if node.get("focus")] == [levels[3].public_id]
    assert ownership.public_id not in body
    assert connected_to([ownership, *ties], levels[0].public_id) == ties


@pytest.mark.parametrize("firm", ["F0404", "x" * 500, "<script>", "F0001'--"])
def test_the_network_of_an_unknown_firm_is_a_404_page(client, firm):
    FirmFactory(public_id="F0001")
    response = client.get("/network/", {"firm": firm})
    assert response.status_code == 404


def test_a_firm_profile_graphs_its_neighbourhood_beside_its_list_of_ties(client):
    levels, ties, _ownership = four_levels()

    body = client.get(levels[1].get_absolute_url()).content.decode()

    graph = json_block(body, "firm-network-data")
    assert {edge["id"] for edge in graph["edges"]} == {ties[0].public_id, ties[1].public_id}
    for tie in ties[:2]:
        assert f'href="{tie.get_absolute_url()}"' in body
    assert f"/network/?firm={levels[1].public_id}" in body


def test_a_firm_without_ties_has_no_graph(client):
    body = client.get(FirmFactory().get_absolute_url()).content.decode()
    assert "network-data" not in body
    assert "cytoscape" not in body


# The timelines


def claim_on(date, precision, **fields):
    return ClaimFactory(date_start=date, date_precision=precision, **fields)


def test_a_claim_dated_to_a_year_or_month_spans_it_and_a_day_is_a_point():
    year = claim_on(datetime.date(2023, 1, 1), "year")
    month = claim_on(datetime.date(2024, 3, 1), "month")
    day = claim_on(datetime.date(2025, 12, 11), "day")
    period = claim_on(datetime.date(2008, 1, 1), "year", date_end=datetime.date(2022, 1, 1))

    assert claim_period(year) == (datetime.date(2023, 1, 1), datetime.date(2024, 1, 1))
    assert claim_period(month) == (datetime.date(2024, 3, 1), datetime.date(2024, 4, 1))
    assert claim_period(day) == (datetime.date(2025, 12, 11), datetime.date(2025, 12, 12))
    assert claim_period(period) == (datetime.date(2008, 1, 1), datetime.date(2023, 1, 1))

    timeline = claim_timeline([year, month, day, period])
    marks = {mark.claims[0].public_id: mark for mark in timeline.marks}
    assert marks[day.public_id].is_point
    assert not marks[year.public_id].is_point
    # A year is twelve times as wide as a month on the same axis.
    year_width = float(marks[year.public_id].width)
    month_width = float(marks[month.public_id].width)
    assert year_width == pytest.approx(month_width * 365 / 31, rel=0.05)
    assert (timeline.first_year, timeline.last_year) == (2008, 2025)


def test_a_crowded_timeline_draws_a_bounded_number_of_lanes_and_counts_the_rest():
    claims = [
        Claim(
            public_id=f"C{year}",
            statement="Present.",
            claim_type="presence",
            date_start=datetime.date(year, 1, 1),
            date_end=datetime.date(2040, 1, 1),
            date_precision="year",
        )
        for year in range(2000, 2040)
    ]

    timeline = claim_timeline(claims)

    assert timeline.lanes == MAX_LANES
    assert len(timeline.marks) == MAX_LANES
    assert timeline.hidden == 40 - MAX_LANES
    assert len(timeline.dated) == 40  # the table still lists every claim


def test_the_firm_and_site_timelines_draw_dated_claims_and_table_them(client):
    firm = FirmFactory()
    site = SiteFactory()
    dated = claim_on(datetime.date(2024, 1, 1), "year", firms=[firm], sites=[site])
    same_year = claim_on(datetime.date(2024, 1, 1), "year", firms=[firm], sites=[site])
    undated = ClaimFactory(date_start=None, firms=[firm], sites=[site])

    for url in (firm.get_absolute_url(), site.get_absolute_url()):
        body = client.get(url).content.decode()
        assert '<svg class="timeline-chart"' in body, url
        # Two claims with the same period and type share a bar with a count.
        assert "×2" in body
        rows = re.findall(r'<tr data-claim="(C\d+)">', body)
        assert sorted(rows) == sorted([dated.public_id, same_year.public_id])
        assert undated.public_id not in rows
        assert "1 claim has no date and is not drawn." in body
        assert 'style="' not in body  # the CSP forbids inline styles


def test_a_profile_without_dated_claims_has_no_timeline(client):
    firm = FirmFactory()
    ClaimFactory(firms=[firm], date_start=None)
    assert "timeline-chart" not in client.get(firm.get_absolute_url()).content.decode()


def test_the_timeline_page_counts_claims_per_year_by_stage_and_by_type(client):
    claim_on(datetime.date(2023, 5, 1), "month", stage=1, claim_type="equipment_supply")
    claim_on(datetime.date(2023, 1, 1), "year", stage=1, claim_type="servicing")
    claim_on(datetime.date(2025, 1, 1), "year", stage=3, claim_type="investment")
    ClaimFactory(date_start=None, stage=None, claim_type="network")
    ClaimFactory(date_start=datetime.date(2025, 1, 1), status="draft")

    response = client.get("/timeline/")

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('<svg class="stacked-chart"') == 2
    # The stage table: 2023 has two stage-1 claims, 2024 none, 2025 one stage-3.
    assert re.search(
        r"<th scope=\"row\">2023</th><td>2</td><td>0</td><td>0</td><td>0</td><td>2</td>", body
    )
    assert re.search(r"<th scope=\"row\">2024</th>(<td>0</td>){4}<td>0</td>", body)
    assert re.search(
        r"<th scope=\"row\">2025</th><td>0</td><td>0</td><td>1</td><td>0</td><td>1</td>", body
    )
    assert re.search(r"Undated</th>(<td>0</td>){3}<td>1</td><td>1</td>", body)
    assert "2023 · Stage 1 · private equipment suppliers: 2 claims" in body


def test_the_timeline_page_with_no_claims_says_so(client):
    body = client.get("/timeline/").content.decode()
    assert "No dated claims yet." in body


def test_the_visual_pages_answer_in_ukrainian_with_dot_decimals_in_the_pictures(client):
    located("Exact Port", "exact", lat="46.75", lng="36.80")
    claim_on(datetime.date(2024, 3, 1), "month", firms=[FirmFactory()])
    client.cookies["django_language"] = "uk"
    for url in ("/sites/map/", "/timeline/", "/network/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not re.search(r'(x|y|width|height|cx|cy)="\d+,\d', body), url
