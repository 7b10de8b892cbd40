"""The map, the network, the timelines and the lists in a real browser, on the seed data.

No tile server is configured in tests and every request that is not to the
live server is refused: the map's base layer is the hub's own. No page may log
an error (a CSP violation is one). Each test saves screenshots at 1280 and
360 px into artifacts/screenshots/ (the `shoot` fixture).
"""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from evidence.models import Claim

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


@pytest.fixture
def offline(page, seeded_history_live):
    """Refuse every request that is not to the live server; record any that was tried."""
    own = urlparse(seeded_history_live.url).netloc
    tried = []

    def route(route):
        if urlparse(route.request.url).netloc == own:
            route.continue_()
        else:
            tried.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    return tried


def test_the_map_draws_ukraine_and_every_seed_site_with_a_place_without_any_network(
    page, seeded_history_live, offline, console_errors, shoot
):
    page.goto(seeded_history_live.url + "/sites/map/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Map of sites")
    container = page.locator(".site-map")
    expect(container).to_have_attribute("data-basemap", "drawn")
    expect(page.locator("path.basemap-border")).to_have_count(1)
    expect(page.locator("path.basemap-oblast")).to_have_count(27)
    expect(page.locator(".map-label.oblast-name", has_text="Crimea")).to_have_count(1)
    # The quarry and its plants share one ring at Hranitne; the language centre is a
    # ring at Luhansk (from the gazetteer); the mine, known only by its region and
    # locality, shades Luhansk oblast with its count.
    expect(page.locator("path.site-marker")).to_have_count(2)
    expect(page.locator(".map-label.region-count")).to_have_text("1 · Luhansk oblast")
    expect(page.locator("path.basemap-region-shade")).to_have_count(1)
    assert page.locator(".leaflet-tile").count() == 0
    # Every seed site is drawn, or the page says why not.
    rows = page.locator("tr[data-site]")
    expect(rows).to_have_count(8)
    drawn = dict(
        zip(
            rows.evaluate_all("rows => rows.map(r => r.dataset.site)"),
            rows.evaluate_all("rows => rows.map(r => r.dataset.drawn)"),
            strict=True,
        )
    )
    assert drawn == {
        "S0001": "region",
        "S0002": "locality",
        "S0003": "locality",
        "S0004": "no",
        "S0005": "no",
        "S0006": "no",
        "S0007": "no",
        "S0008": "locality",
    }
    for site in ("S0004", "S0005", "S0006", "S0007"):
        reason = page.locator(f'tr[data-site="{site}"] .not-drawn-reason')
        expect(reason).to_contain_text("several occupied regions")
    shoot("site-map")
    assert offline == []

    page.locator("path.site-marker").first.click()
    popup = page.locator(".leaflet-popup")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text("Locality only")
    popup.get_by_role("link", name="Karansky quarry", exact=True).click()
    expect(page).to_have_url(re.compile(r"/sites/S0002/$"))
    expect(page.locator("path.site-marker")).to_have_count(1)
    assert console_errors == []


def label_boxes(page):
    return page.locator(".network-label").evaluate_all(
        "labels => labels.map(l => { const b = l.getBoundingClientRect();"
        " return [l.textContent, b.left, b.top, b.right, b.bottom]; })"
    )


def overlapping(boxes):
    return [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]


def test_the_network_holds_still_and_no_two_labels_overlap_at_either_width(
    page, seeded_history_live, console_errors, shoot
):
    url = seeded_history_live.url + "/network/"
    positions = []
    for _ in range(2):
        page.goto(url)
        positions.append(
            page.locator(".network-node").evaluate_all(
                "nodes => nodes.map(n => [n.dataset.node, n.dataset.x, n.dataset.y])"
            )
        )
    assert positions[0] == positions[1]
    nodes = {node for node, _x, _y in positions[0]}
    # Firms, their organisations, the seed's sites and the occupied regions.
    assert {"F0001", "F0012", "S0001", "S0002", "region:donetsk", "region:luhansk"} <= nodes
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        boxes = label_boxes(page)
        assert len(boxes) == len(nodes)
        assert overlapping(boxes) == [], width
    # On a phone the lists come first, the picture after them.
    page.set_viewport_size({"width": 360, "height": 900})
    lists = page.locator("#h-places").bounding_box()
    picture = page.locator(".network-figure").bounding_box()
    assert lists["y"] < picture["y"]
    expect(page.locator("li[data-edge]")).to_have_count(6)
    shoot("network")

    page.goto(seeded_history_live.url + "/firms/F0013/")
    # Its two ties (the firms at each end), and the region its claims name.
    expect(page.locator("#firm-network .network-node.node-org")).to_have_count(3)
    expect(page.locator("#firm-network .network-node.node-region")).to_have_count(1)
    page.get_by_role("link", name=re.compile("whole network")).click()
    expect(page.locator(".network-node.node-org")).to_have_count(4)
    assert console_errors == []


def test_every_seed_claim_is_on_the_timeline_dated_or_by_its_report_date(
    page, seeded_history_live, console_errors, shoot
):
    page.goto(seeded_history_live.url + "/timeline/")
    marks = page.locator("svg.timeline-chart .tl-mark")
    ids = " ".join(marks.evaluate_all("marks => marks.map(m => m.dataset.claims)")).split()
    public = set(Claim.objects.public().values_list("public_id", flat=True))
    assert set(ids) == public
    expect(page.locator("tr[data-claim]")).to_have_count(len(public))
    assert page.locator("svg.timeline-chart .tl-reported").count() > 0
    # The quarry's revival is drawn in 2022, not from 2008.
    labels = page.locator("svg.timeline-chart .tick-label").all_text_contents()
    assert "2008" not in labels
    assert labels == [str(year) for year in range(int(labels[0]), int(labels[-1]) + 1)]
    width = page.locator("svg.timeline-chart").bounding_box()["width"]
    assert width >= page.locator("main").bounding_box()["width"] - 40  # the full width
    expect(page.locator("svg.stacked-chart")).to_have_count(2)
    shoot("timeline")

    page.goto(seeded_history_live.url + "/sites/S0002/")
    expect(page.locator("svg.timeline-chart .tl-mark").first).to_be_visible()
    assert console_errors == []


LISTS = ["/firms/", "/sites/", "/claims/", "/sources/"]


def test_on_a_phone_the_results_come_first_and_no_list_scrolls_sideways(
    page, seeded_history_live, console_errors, shoot
):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(seeded_history_live.url + "/firms/")
    first = page.locator("table.records tbody tr").first
    top = first.bounding_box()["y"]
    assert top < 740, top  # within the first screen
    expect(page.locator(".filter-panel > summary")).to_have_text("Filter (0 active)")
    expect(page.locator("#id_stage")).to_be_hidden()
    # The card shows the name, stage, designations and claim count, all in view.
    for label in ("Stage", "Designations", "Claims"):
        cell = first.locator(f'td[data-label="{label}"]')
        box = cell.bounding_box()
        assert box["x"] >= 0, label
        assert box["x"] + box["width"] <= 360, label
    search = page.locator("#header-q")
    fits = search.evaluate(
        "input => { const c = document.createElement('canvas').getContext('2d');"
        " const s = getComputedStyle(input); c.font = s.font;"
        " const inner = input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);"
        " return c.measureText(input.placeholder).width <= inner; }"
    )
    assert fits, "the header search's placeholder is cut off at 360 px"
    shoot("firms")

    for path in LISTS:
        page.set_viewport_size({"width": 360, "height": 740})
        page.goto(seeded_history_live.url + path)
        sideways = page.evaluate(
            "() => [...document.querySelectorAll('main *')]"
            # Visually hidden elements (1 px wide, for screen readers) are not lists.
            ".filter(e => e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1"
            " && getComputedStyle(e).overflowX !== 'visible')"
            ".map(e => e.className || e.tagName)"
        )
        assert sideways == [], (path, sideways)

    # A filter in use is counted on the button, and the filters open at a tap.
    page.goto(seeded_history_live.url + "/firms/?stage=1")
    expect(page.locator(".filter-panel > summary")).to_have_text("Filter (1 active)")
    page.locator(".filter-panel > summary").click()
    expect(page.locator("#id_stage")).to_be_visible()
    # On a desktop the filters are open.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(seeded_history_live.url + "/firms/")
    expect(page.locator("#id_stage")).to_be_visible()
    assert console_errors == []


def test_the_sany_profile(page, seeded_history_live, console_errors, shoot):
    page.goto(seeded_history_live.url + "/firms/F0001/")
    expect(page.get_by_role("heading", level=1)).to_have_text("SANY Heavy Industry Co., Ltd.")
    expect(page.locator("#firm-network .network-node")).to_have_count(2)
    shoot("sany-profile")
    assert console_errors == []


def test_the_visual_pages_and_lists_read_without_javascript(browser, seeded_history_live):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    base = seeded_history_live.url
    page.goto(base + "/sites/map/")
    expect(page.locator(".map-block")).to_be_hidden()
    expect(page.locator("tr[data-site]")).to_have_count(8)
    page.goto(base + "/network/")
    expect(page.locator(".network-node").first).to_be_attached()
    expect(page.locator("li[data-edge]")).to_have_count(6)
    page.goto(base + "/timeline/")
    expect(page.locator("tr[data-claim]")).to_have_count(Claim.objects.public().count())
    page.goto(base + "/firms/")
    page.locator(".filter-panel > summary").click()
    page.locator("#id_stage").select_option("2")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"stage=2"))
    expect(page.locator(".filter-panel > summary")).to_have_text("Filter (1 active)")
    context.close()
