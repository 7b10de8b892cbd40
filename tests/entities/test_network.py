"""The network page and the firm neighbourhoods: what they link, and a layout that holds still."""

import itertools
import re

import pytest

from entities.network import LINE_CHARS, MAX_LINES, ROW, Node
from entities.visual import SITES_IN_NEIGHBOURHOOD, connected_to
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    FirmFactory,
    RelationshipFactory,
    SiteFactory,
    counts_deferred,
)

pytestmark = pytest.mark.django_db


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


def nodes(body):
    """{node id: (kind, x, y)} as the page's SVG draws them."""
    return {
        key: (kind, float(x), float(y))
        for kind, key, x, y in re.findall(
            r'class="network-node node-(\w+)[^"]*" data-node="([^"]+)" data-x="([\d.]+)" '
            r'data-y="([\d.]+)"',
            body,
        )
    }


def test_the_network_links_firms_to_their_organisations_sites_and_occupied_regions(client):
    _levels, ties, ownership = four_levels()
    citation = CitationFactory(relationship=ties[0], locator="para. 12")
    firm = FirmFactory(name_en="Machine Maker")
    mine = SiteFactory(name_en="Deep Mine", region="donetsk")
    ClaimFactory(firms=[firm], sites=[mine], region="donetsk")
    ClaimFactory(firms=[ownership.source_firm], sites=[], region="kherson")
    hidden = RelationshipFactory(status="draft")

    response = client.get("/network/")

    assert response.status_code == 200
    body = response.content.decode()
    drawn = nodes(body)
    assert drawn[firm.public_id][0] == "firm"
    assert drawn[ties[0].source_firm.public_id][0] == "org"
    assert drawn[mine.public_id][0] == "site"
    assert {key for key, node in drawn.items() if node[0] == "region"} == {
        "region:donetsk",
        "region:kherson",
    }
    # Each line opens the evidence behind it: the tie, or the claims.
    for tie in [*ties, ownership]:
        assert f'<a href="{tie.get_absolute_url()}" class="network-edge edge-' in body
    assert f'href="/claims/?firm={firm.public_id}&amp;site={mine.public_id}"' in body
    assert f'href="/claims/?firm={ownership.source_firm.public_id}&amp;region=kherson"' in body
    # The same links as HTML, for readers without the picture.
    assert set(re.findall(r'<li id="(R\d+)" data-edge=', body)) == {
        tie.public_id for tie in [*ties, ownership]
    }
    assert f'data-link="{firm.public_id}-{mine.public_id}"' in body
    assert f"/citations/{citation.public_id}/" in body
    assert "para. 12" in body
    assert hidden.public_id not in body
    assert "<script" not in body.split("<main", 1)[1]


def test_two_loads_draw_the_same_layout_with_one_row_per_node_in_each_column(client):
    four_levels()
    for n in range(6):
        ClaimFactory(firms=[FirmFactory(name_en=f"Firm {n}")], sites=[SiteFactory()])

    first = nodes(client.get("/network/").content.decode())
    second = nodes(client.get("/network/").content.decode())

    assert first == second
    by_column = {}
    for _kind, x, y in first.values():
        by_column.setdefault(x, []).append(y)
    for ys in by_column.values():
        ys.sort()
        # Rows at least ROW apart: two lines of 12 px labels never meet.
        assert all(b - a >= ROW for a, b in itertools.pairwise(ys))


def test_a_long_name_is_cut_to_two_lines_that_fit_its_column():
    node = Node(key="F1", kind="firm", label="Alliance " * 20, url="/")
    assert len(node.lines) == MAX_LINES
    assert all(len(line) <= LINE_CHARS for line in node.lines)
    assert node.lines[-1].endswith("…")
    assert Node(key="F2", kind="firm", label="SANY", url="/").lines == ["SANY"]


def test_the_network_around_a_firm_is_its_connected_part(client):
    levels, ties, ownership = four_levels()

    body = client.get("/network/", {"firm": levels[3].public_id}).content.decode()

    drawn = nodes(body)
    assert set(drawn) == {level.public_id for level in levels}
    assert f'data-node="{levels[3].public_id}"' in body
    assert "node-focus" in body
    assert ownership.public_id not in body
    assert connected_to([ownership, *ties], levels[0].public_id) == ties


@pytest.mark.parametrize("firm", ["F0404", "x" * 500, "<script>", "F0001'--"])
def test_the_network_of_an_unknown_firm_is_a_404_page(client, firm):
    FirmFactory(public_id="F0001")
    response = client.get("/network/", {"firm": firm})
    assert response.status_code == 404


def test_a_firm_profile_draws_its_neighbourhood_with_its_sites_and_regions(client):
    levels, ties, _ownership = four_levels()
    mine = SiteFactory(name_en="Deep Mine", region="luhansk")
    ClaimFactory(firms=[levels[1]], sites=[mine], region="luhansk")

    body = client.get(levels[1].get_absolute_url()).content.decode()

    drawn = nodes(body)
    assert set(drawn) == {
        levels[0].public_id,
        levels[1].public_id,
        levels[2].public_id,
        mine.public_id,
        "region:luhansk",
    }
    for tie in ties[:2]:
        assert f'href="{tie.get_absolute_url()}"' in body
    assert f"/network/?firm={levels[1].public_id}" in body


def test_a_firm_without_ties_or_sites_has_no_graph(client):
    body = client.get(FirmFactory().get_absolute_url()).content.decode()
    assert "network-graph" not in body


def test_a_firm_at_many_sites_has_the_sites_with_most_claims_drawn_and_the_rest_linked(client):
    firm = FirmFactory()
    limit = SITES_IN_NEIGHBOURHOOD
    with counts_deferred():
        sites = [SiteFactory(name_en=f"Site {n:02d}", region="donetsk") for n in range(limit + 3)]
        # The last three sites have two claims each, the others one.
        for site in sites:
            ClaimFactory(firms=[firm], sites=[site], region="donetsk")
        for site in sites[-3:]:
            ClaimFactory(firms=[firm], sites=[site], region="donetsk")

    body = client.get(firm.get_absolute_url()).content.decode()

    drawn = {key for key in nodes(body) if key.startswith("S")}
    assert len(drawn) == limit
    assert {site.public_id for site in sites[-3:]} <= drawn
    assert "region:donetsk" in nodes(body)
    assert f"The diagram draws the {limit} sites with the most claims." in body
    assert f'href="/sites/?firm={firm.public_id}"' in body


def test_a_firm_within_the_limit_has_every_site_drawn_and_no_note(client):
    firm = FirmFactory()
    for _ in range(3):
        ClaimFactory(firms=[firm], sites=[SiteFactory()], region="donetsk")
    body = client.get(firm.get_absolute_url()).content.decode()
    assert len([key for key in nodes(body) if key.startswith("S")]) == 3
    assert "The diagram draws the" not in body
