"""Facet counts across many-to-many links equal the results a reader gets by choosing them.

A claim is about several firms and sites; a firm has several sectors and is
active in regions through its claims. Each facet choice is labelled with the
number of results it would give, counted under the other filters; choosing it
must give exactly that many, whatever mix of filters is already on.
"""

import re
from urllib.parse import urlencode

import pytest

from entities.models import Firm, Site
from tests.factories import (
    ClaimFactory,
    DesignationFactory,
    FirmFactory,
    SectorFactory,
    SiteFactory,
    SourceFactory,
    published_directly,
)

SELECT = re.compile(r'<select name="(\w+)"[^>]*>(.*?)</select>', re.DOTALL)
OPTION = re.compile(r'<option value="([^"]+)"[^>]*>[^<]*\((\d+)\)</option>')
RESULT_COUNT = re.compile(r'role="status">(\d+) ')


def facet_counts(body):
    """{facet: {value: labelled count}} from a list page's filter form."""
    return {
        name: {value: int(n) for value, n in OPTION.findall(options)}
        for name, options in SELECT.findall(body)
        if name != "sort"
    }


def result_count(client, path, params):
    response = client.get(f"{path}?{urlencode(params)}")
    assert response.status_code == 200, params
    match = RESULT_COUNT.search(response.content.decode())
    # An empty page says "No results" instead of a number.
    return int(match.group(1)) if match else 0


def build():
    """Two firms and two sites sharing claims in two regions, of several types."""
    mining, telecom = SectorFactory(slug="mining"), SectorFactory(slug="telecom")
    f1 = FirmFactory(public_id="F9001", stage=1)
    f2 = FirmFactory(public_id="F9002", stage=2)
    f3 = FirmFactory(public_id="F9003", stage=1)
    with published_directly():
        f1.sectors.add(mining, telecom)
        f2.sectors.add(mining)
        f3.sectors.add(telecom)
    s1 = SiteFactory(public_id="S9001", kind="coal_mine", region="luhansk")
    s2 = SiteFactory(public_id="S9002", kind="port", region="donetsk")
    rows = [
        ([f1], [s1], "luhansk", "equipment_supply", "confirmed", 1),
        ([f1], [s1], "luhansk", "telecom", "single_source", 1),
        ([f1], [s2], "luhansk", "equipment_supply", "alleged", 2),
        ([f1, f2], [s1], "donetsk", "equipment_supply", "confirmed", 1),
        ([f2], [s1], "luhansk", "finance", "single_source", 2),
        ([f1], [s1, s2], "luhansk", "servicing", "alleged", 3),
        ([f1, f2, f3], [s1, s2], "luhansk", "equipment_supply", "disputed", 1),
        ([f3], [], "crimea", "telecom", "confirmed", 1),
        ([], [s2], "donetsk", "logistics", "single_source", 2),
    ]
    for firms, sites, region, claim_type, confidence, stage in rows:
        ClaimFactory(
            firms=firms,
            sites=sites,
            region=region,
            claim_type=claim_type,
            confidence=confidence,
            stage=stage,
        )


def assert_facets_match_results(client, path, params):
    body = client.get(f"{path}?{urlencode(params)}").content.decode()
    counts = facet_counts(body)
    assert counts, body
    checked = 0
    for facet, choices in counts.items():
        for value, labelled in choices.items():
            actual = result_count(client, path, {**params, facet: value})
            assert (facet, value, labelled) == (facet, value, actual)
            checked += 1
    return counts, checked


@pytest.mark.django_db
def test_claim_facets_count_across_firm_site_and_region_together(client):
    build()
    params = {"firm": "F9001", "site": "S9001", "region": "luhansk"}
    # The claims about F9001 AND at S9001 AND in Luhansk oblast: rows 1, 2, 6 and 7.
    assert result_count(client, "/claims/", params) == 4
    counts, checked = assert_facets_match_results(client, "/claims/", params)
    assert counts["claim_type"]["equipment_supply"] == 2  # not 3: row 4 is in Donetsk
    assert counts["region"]["donetsk"] == 1  # row 4, under the firm and site filters
    assert checked >= 10


@pytest.mark.django_db
def test_firm_facets_through_claims_and_sectors_count_what_choosing_them_gives(client):
    build()
    params = {"region": "luhansk", "claim_type": "equipment_supply", "sector": "mining"}
    assert result_count(client, "/firms/", params) == 2  # F9001 and F9002 (row 7)
    counts, _ = assert_facets_match_results(client, "/firms/", params)
    assert counts["sector"] == {"mining": 2, "telecom": 2}  # F9001, F9003 (row 7)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"stage": "1"},
        {"designation": "none", "country": "CN"},
        {"european": "not_established", "region": "luhansk", "ownership": "private"},
        {"european": "yes"},
    ],
)
def test_firm_facets_counted_together_or_alone_count_what_choosing_them_gives(client, params):
    # The facets whose filters are not in use are counted by one query per kind
    # (columns, claim facts); those in use by one each. Either way, what
    # choosing a value gives.
    build()
    DesignationFactory(firm=Firm.objects.get(public_id="F9001"))
    # "Yes" only with a published claim: F9002 has one, F9003's True rests on none.
    presence = ClaimFactory(claim_type="presence")
    with published_directly():
        Firm.objects.filter(public_id="F9002").update(
            european_presence=True, european_presence_claim=presence, ownership="central_soe"
        )
        Firm.objects.filter(public_id="F9003").update(european_presence=True, country="HK")
    counts, checked = assert_facets_match_results(client, "/firms/", params)
    assert checked >= 40
    if not params:
        assert {k: n for k, n in counts["designation"].items() if n} == {"sanction": 1, "none": 2}
        assert counts["european"] == {"yes": 1, "not_established": 2}
        assert counts["region"] == {"luhansk": 3, "donetsk": 2, "crimea": 1} | {
            value: 0 for value in counts["region"] if value not in ("luhansk", "donetsk", "crimea")
        }
        assert result_count(client, "/firms/", {}) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"kind": "ngo_report"}, {"language": "uk"}])
def test_source_facets_count_what_choosing_them_gives(client, params):
    SourceFactory.create_batch(2)
    SourceFactory(kind="media", language="uk", reliability="A")
    SourceFactory(kind="ngo_report", language="uk", reliability="C")
    counts, checked = assert_facets_match_results(client, "/sources/", params)
    assert checked >= 10
    if not params:
        assert counts["language"]["uk"] == 2
        assert counts["kind"]["ngo_report"] == 3


@pytest.mark.django_db
def test_site_facets_under_a_firm_filter_count_what_choosing_them_gives(client):
    build()
    params = {"firm": "F9002", "region": "luhansk"}
    assert result_count(client, "/sites/", params) == 1
    assert_facets_match_results(client, "/sites/", params)


# Four facets, the count, the page, the page's firms and sites, and the cache's
# update number: measured, then pinned (at two sizes of data).
FILTERED_CLAIMS_QUERIES = 9


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 60])
def test_a_filtered_faceted_claim_list_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, extra
):
    build()
    firm, site = Firm.objects.get(public_id="F9001"), Site.objects.get(public_id="S9001")
    for n in range(extra):
        other = FirmFactory()
        ClaimFactory(firms=[firm, other], sites=[site, SiteFactory()], statement=f"Supplied {n}.")
    url = "/claims/?firm=F9001&site=S9001&region=luhansk&claim_type=equipment_supply&q=supplied"
    with django_assert_max_num_queries(FILTERED_CLAIMS_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert int(RESULT_COUNT.search(response.content.decode()).group(1)) == 2 + extra


@pytest.mark.django_db
def test_the_firm_facets_read_their_columns_from_a_covering_index_on_postgresql():
    from django.db import connection

    from entities.filters import counted_firms, firm_facets
    from hub.listing import count_columns

    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'firm_facet_columns'")
            assert cursor.fetchall() == []  # no INCLUDE in SQLite: entities migration 0012 skips it
            return
        # Only index-only scans left to the planner: this index alone covers the columns.
        for method in ("seqscan", "indexscan", "bitmapscan"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
    FirmFactory()
    facets = [facet for facet in firm_facets() if facet.together is count_columns]
    queryset = counted_firms().order_by().values_list(*[facet.field for facet in facets])
    assert "Index Only Scan using firm_facet_columns" in queryset.explain()
