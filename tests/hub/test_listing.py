"""The list machinery's limits: how deep a list pages, and where a large list stops counting."""

import re

import pytest

from evidence import views as evidence_views
from hub import listing
from tests.factories import ClaimFactory, FirmFactory


def result_count(body):
    return re.search(r'role="status">([^<]*)</p>', body).group(1)


@pytest.fixture
def two_pages_at_most(settings, monkeypatch):
    settings.HUB_PAGE_SIZE = 1
    monkeypatch.setattr(listing, "MAX_PAGES", 2)
    monkeypatch.setattr(listing.CountedPaginator, "max_pages", 2)


@pytest.fixture
def claim_cap():
    """Sets the claim list's count cap, for its page and its JSON twin alike (one spec object)."""
    spec = evidence_views.CLAIM_LIST
    original = spec.count_cap

    def cap(n):
        object.__setattr__(spec, "count_cap", n)  # a frozen dataclass, shared by the URLs

    yield cap
    cap(original)


@pytest.mark.django_db
def test_a_page_past_the_last_any_list_shows_is_refused_with_the_reason(
    client, django_assert_max_num_queries
):
    FirmFactory()
    client.get("/")  # the latest update number, read once a minute, is read now
    for url in ["/firms/", "/claims/", "/sources/", "/claims.json"]:
        # Refused before anything is counted.
        with django_assert_max_num_queries(1):  # the sectors, the firm filter's choices
            response = client.get(url, {"page": listing.MAX_PAGES + 1})
        assert response.status_code == 400, url
        assert "Pages stop at page 200" in response.content.decode(), url
    # Within the limit, a page past the end is not found, as before.
    assert client.get("/firms/", {"page": listing.MAX_PAGES}).status_code == 404


@pytest.mark.django_db
def test_the_last_page_shown_links_no_further_and_says_how_to_get_the_rest(
    client, two_pages_at_most
):
    for _ in range(3):
        FirmFactory()
    first = client.get("/firms/").content.decode()
    assert 'rel="next"' in first
    assert "Page 1 of 3" in first
    last = client.get("/firms/", {"page": 2}).content.decode()
    assert 'rel="next"' not in last
    assert "Pages stop here: narrow the filters, or download every result as CSV." in last
    assert client.get("/firms/", {"page": 3}).status_code == 400
    # A list that ends within the limit says nothing of it.
    assert "Pages stop here" not in client.get("/firms/", {"stage": "1"}).content.decode()


@pytest.mark.django_db
def test_claims_past_the_count_cap_are_more_than_it_and_their_facets_go_uncounted(
    client, claim_cap
):
    for n in range(5):
        ClaimFactory(statement=f"Zhenhua cranes delivered, batch {n}.", region="donetsk")
    ClaimFactory(statement="Something else entirely.", region="luhansk")
    claim_cap(3)
    body = client.get("/claims/", {"q": "zhenhua"}).content.decode()
    assert result_count(body).startswith("More than 3 results")
    assert "Donetsk oblast (" not in body  # the region facet's choices carry no counts
    assert body.count('class="claim"') == 5  # every match is still listed
    data = client.get("/claims.json", {"q": "zhenhua"}).json()
    assert (data["count"], data["count_exact"], len(data["results"])) == (3, False, 5)
    # Under the cap: counted exactly, facets and all.
    claim_cap(5)
    body = client.get("/claims/", {"q": "zhenhua"}).content.decode()
    assert result_count(body) == "5 claims"
    assert "Donetsk oblast (5)" in body
    assert "Luhansk oblast (0)" in body
    assert client.get("/claims.json", {"q": "zhenhua"}).json()["count_exact"] is True


@pytest.mark.django_db
def test_filters_the_stored_totals_cover_are_counted_exactly_past_the_cap(client, claim_cap):
    for _ in range(4):
        ClaimFactory(region="donetsk")
    claim_cap(2)
    body = client.get("/claims/", {"region": "donetsk"}).content.decode()
    assert result_count(body) == "4 claims"
    assert "Donetsk oblast (4)" in body
    # A date filter is not among the stored totals: counted up to the cap.
    body = client.get("/claims/", {"date_from": "1900-01-01"}).content.decode()
    assert result_count(body).startswith("More than 2 results")
