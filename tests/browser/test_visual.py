"""The map, the network graph and the timelines in a real browser.

No tile server is configured in tests: the markers must show on the plain
background, and no page may log an error (a CSP violation is one).
"""

import re

import pytest
from playwright.sync_api import expect

# Every browser test serves its pages from a live server: a transactional test,
# rolled back by serialization like every other (tests/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def console_errors(page):
    errors = []

    def record(message):
        # The browser asks for /favicon.ico on its own; the hub has none.
        if message.type == "error" and not message.location.get("url", "").endswith("favicon.ico"):
            errors.append(message.text)

    page.on("console", record)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_the_site_map_draws_markers_without_tiles_and_a_popup_links_the_profile(
    page, seeded_live, console_errors, shoot
):
    page.goto(seeded_live.url + "/sites/map/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Map of sites")
    markers = page.locator("path.site-marker")
    # The quarry and its plants share one point (locality precision): one ring for both.
    expect(markers).to_have_count(1)
    expect(page.locator(".site-map")).to_have_attribute("data-markers", "1")
    assert page.locator(".leaflet-tile").count() == 0
    shoot("site-map")

    markers.first.click()
    popup = page.locator(".leaflet-popup")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text("Locality only")
    popup.get_by_role("link", name="Karansky quarry", exact=True).click()
    expect(page).to_have_url(re.compile(r"/sites/S0002/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Karansky quarry")
    # The profile's own small map.
    expect(page.locator("path.site-marker")).to_have_count(1)
    assert console_errors == []


def test_the_network_graph_renders_every_firm_and_the_firm_page_its_neighbourhood(
    page, seeded_live, console_errors, shoot
):
    page.goto(seeded_live.url + "/network/")
    graph = page.locator(".network-graph")
    expect(graph).to_have_attribute("data-nodes", "10")
    expect(graph).to_have_attribute("data-edges", "6")
    expect(graph.locator("canvas").first).to_be_visible()
    expect(page.locator("li[data-edge]")).to_have_count(6)
    shoot("network")

    page.goto(seeded_live.url + "/firms/F0013/")
    graph = page.locator(".network-graph")
    expect(graph).to_have_attribute("data-nodes", "3")
    shoot("firm-network")
    page.get_by_role("link", name=re.compile("whole network")).click()
    expect(page.locator(".network-graph")).to_have_attribute("data-nodes", "4")
    expect(page.locator("li[data-edge]")).to_have_count(3)
    assert console_errors == []


def test_the_timelines_draw_as_svg_on_profiles_and_the_dataset_page(
    page, seeded_live, console_errors, shoot
):
    page.goto(seeded_live.url + "/sites/S0001/")
    expect(page.locator("svg.timeline-chart .tl-mark")).to_have_count(2)
    page.get_by_text("The timeline as a table").click()
    expect(page.locator("tr[data-claim]")).to_have_count(2)
    shoot("site-timeline")

    page.goto(seeded_live.url + "/timeline/")
    expect(page.locator("svg.stacked-chart")).to_have_count(2)
    assert page.locator("svg.stacked-chart rect").count() > 0
    shoot("claims-over-time")
    assert console_errors == []


def test_the_visual_pages_read_without_javascript(browser, seeded_live):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(seeded_live.url + "/sites/map/")
    expect(page.locator(".map-block")).to_be_hidden()
    expect(page.locator("tr[data-site]")).to_have_count(8)
    page.goto(seeded_live.url + "/network/")
    expect(page.locator(".network-block")).to_be_hidden()
    expect(page.locator("li[data-edge]")).to_have_count(6)
    context.close()
