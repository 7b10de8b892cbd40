"""The map of sites: its data, its tables, its filters and its base layer."""

import itertools
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings

from entities import gazetteer
from entities.visual import LOCALITY_RADIUS_METRES, site_map
from tests.factories import ClaimFactory, FirmFactory, SiteFactory

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
    nowhere = SiteFactory(name_en="Nowhere Mine", region="several")
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
    # A site known only by its region shades the region, with the count.
    assert data["regions"] == [
        {
            "region": "luhansk",
            "label": "Luhansk oblast",
            "count": 1,
            "sites": [
                {
                    "id": region.public_id,
                    "name": "Region Mine",
                    "url": region.get_absolute_url(),
                    "kind": "Coal mine",
                    "region": "Luhansk oblast",
                    "locality": "",
                }
            ],
        }
    ]
    assert data["basemap"] == "/static/geo/ukraine.geojson"
    # The tables list the same sites, each linking its profile, and say how
    # each is drawn; a site the map cannot draw says why.
    rows = dict(re.findall(r'<tr data-site="(S\d+)" data-drawn="(\w+)">', body))
    assert rows == {
        exact.public_id: "exact",
        town.public_id: "locality",
        region.public_id: "region",
        nowhere.public_id: "no",
    }
    for site in (exact, town, region, nowhere):
        assert f'href="{site.get_absolute_url()}"' in body
    assert "Draft Mine" not in body
    assert "Shaded by region" in body
    assert "Luhansk oblast, Ukraine" in body
    assert "The sources place it in several occupied regions, or in one they do not name." in body
    assert "Russia" not in body
    assert "vendor/leaflet-1.9.4/leaflet.js" in body
    assert "js/sitemap.js" in body


def test_a_region_level_site_gives_no_marker_coordinates_but_shades_its_region(client):
    region = located("Regional Centroid Mine", "region", lat="48.0", lng="38.0")
    exact = located("Exact Port", "exact", lat="46.75", lng="36.80")

    body = client.get("/sites/map/").content.decode()
    data = json_block(body, "site-map-data")
    site_page = client.get(region.get_absolute_url()).content.decode()

    assert [s["id"] for m in data["markers"] for s in m["sites"]] == [exact.public_id]
    assert "48.0" not in json.dumps(data)
    assert f'<tr data-site="{region.public_id}" data-drawn="region">' in body
    # Its own profile draws its region, never a spot: there is no honest spot to draw.
    own = json_block(site_page, "site-map-data")
    assert own["markers"] == []
    assert [r["region"] for r in own["regions"]] == ["luhansk"]


def test_a_site_without_coordinates_is_a_ring_at_its_localitys_gazetteer_point(client):
    luhansk = gazetteer.localities()[("luhansk", "luhansk")]
    centre = SiteFactory(name_en="Language Centre", region="luhansk", locality="Luhansk")
    elsewhere = SiteFactory(name_en="Other Centre", region="donetsk", locality="Luhansk")

    body = client.get("/sites/map/").content.decode()
    data = json_block(body, "site-map-data")

    (marker,) = data["markers"]
    assert [s["id"] for s in marker["sites"]] == [centre.public_id]
    assert (marker["lat"], marker["lng"]) == (float(luhansk.latitude), float(luhansk.longitude))
    assert marker["precision"] == "locality"
    assert marker["place_source"] == luhansk.source
    assert "The locality's point, from countries-states-cities database" in body
    # The same name in another region is another place: only its region is shaded.
    assert [s["id"] for r in data["regions"] for s in r["sites"]] == [elsewhere.public_id]


def test_every_gazetteer_row_names_its_source_and_lies_in_ukraine():
    rows = gazetteer.localities()
    assert rows
    for place in rows.values():
        assert place.source, place
        assert place.source_url.startswith("https://"), place
        assert 44 <= place.latitude <= 53, place
        assert 22 <= place.longitude <= 41, place


def test_the_map_filters_by_kind_firm_stage_and_refuses_a_bad_value_with_a_400(client):
    firm = FirmFactory(name_en="Mapped Firm", stage=1)
    quarry = located("Quarry", "exact", kind="quarry")
    port = located("Port", "exact", lat="46.75", lng="36.80", kind="port")
    ClaimFactory(firms=[firm], sites=[quarry])

    def drawn(params):
        response = client.get("/sites/map/", params)
        body = response.content.decode()
        if "site-map-data" not in body:  # nothing to draw: no map at all
            return response, set()
        data = json_block(body, "site-map-data")
        return response, {s["id"] for m in data["markers"] for s in m["sites"]}

    assert drawn({"kind": "port"})[1] == {port.public_id}
    assert drawn({"firm": firm.public_id})[1] == {quarry.public_id}
    assert drawn({"stage": "1"})[1] == {quarry.public_id}
    assert drawn({"stage": "2"})[1] == set()
    response, ids = drawn({"kind": "volcano"})
    assert response.status_code == 400
    assert ids == {quarry.public_id, port.public_id}
    assert "Some filters could not be understood" in response.content.decode()
    assert "Filter (1 active)" in client.get("/sites/map/", {"kind": "port"}).content.decode()


BASEMAP = settings.BASE_DIR / "static" / "geo" / "ukraine.geojson"


def inside(point, ring):
    """Whether (lng, lat) lies inside a polygon ring (even-odd rule)."""
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in itertools.pairwise([*ring, ring[0]]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def test_the_base_layer_draws_crimea_and_sevastopol_inside_ukraines_border():
    features = json.loads(BASEMAP.read_text())["features"]
    oblasts = {
        f["properties"]["katotth"]: f for f in features if f["properties"]["layer"] == "oblast"
    }
    (border,) = [f for f in features if f["properties"]["layer"] == "border"]
    # 24 oblasts, the Autonomous Republic of Crimea, Kyiv and Sevastopol.
    assert len(oblasts) == 27
    assert oblasts["01"]["properties"]["region"] == "crimea"
    assert oblasts["85"]["properties"]["region"] == "sevastopol"
    outline = border["geometry"]["coordinates"][0]
    simferopol, sevastopol, kerch, kyiv = (
        (34.10, 44.95),
        (33.53, 44.60),
        (36.45, 45.35),
        (30.52, 50.45),
    )
    for city in (simferopol, sevastopol, kerch, kyiv):
        assert inside(city, outline), city
    # Not a world map with other countries: Rostov-on-Don and Minsk are outside.
    assert not inside((39.72, 47.23), outline)
    assert not inside((27.56, 53.90), outline)
    labels = {
        f["properties"]["name_en"] for f in features if f["properties"]["layer"] == "oblast-label"
    }
    assert {"Crimea", "Sevastopol", "Donetsk", "Luhansk", "Kherson", "Zaporizhzhia"} <= labels
    assert BASEMAP.stat().st_size < 80_000


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
