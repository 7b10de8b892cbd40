"""One URL per page: parameters a page does not read redirect away (hub/canonical.py)."""

import pytest
from django.core.cache import cache
from django.test import Client

from hub import cache as page_cache
from tests.factories import ClaimFactory, FirmFactory, SiteFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    return ClaimFactory(firms=[FirmFactory()], sites=[SiteFactory()])


def test_an_unknown_parameter_on_a_list_redirects_permanently_keeping_the_filters(client, claim):
    response = client.get("/firms/?stage=1&utm_source=mail&sort=name&cachebust=123")
    assert response.status_code == 301
    assert response["Location"] == "/firms/?stage=1&sort=name"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("path", ["/firms/", "/sites/", "/claims/", "/sources/", "/", "/search/"])
def test_every_list_and_the_home_and_search_pages_drop_unknown_parameters(client, claim, path):
    response = client.get(path, {"x": "1"})
    assert response.status_code == 301
    assert response["Location"] == path


def test_a_profile_keeps_its_page_number_and_drops_the_rest(client, claim):
    firm = claim.firms.get()
    url = firm.get_absolute_url()
    response = client.get(url, {"page": "1", "fbclid": "abc"})
    assert response.status_code == 301
    assert response["Location"] == f"{url}?page=1"
    for record in (claim, claim.sites.get(), SourceFactory()):
        assert client.get(record.get_absolute_url(), {"ref": "x"})["Location"] == (
            record.get_absolute_url()
        )


def test_a_search_keeps_its_query(client, claim):
    response = client.get("/search/", {"q": "Huawei", "t": "999"})
    assert response["Location"] == "/search/?q=Huawei"


def test_repeated_filters_are_kept_in_full(client, claim):
    response = client.get("/claims/?region=luhansk&region=donetsk&junk=1")
    assert response["Location"] == "/claims/?region=luhansk&region=donetsk"


def test_a_declared_filter_with_a_bad_value_is_still_refused_not_redirected(client, claim):
    assert client.get("/firms/?stage=9").status_code == 400


def test_a_throwaway_parameter_costs_no_database_query(client, claim, django_assert_num_queries):
    url = claim.firms.get().get_absolute_url()
    with django_assert_num_queries(0):
        assert client.get(url, {"nocache": "42"}).status_code == 301


def test_the_same_parameters_in_another_order_are_one_cached_page(settings, claim):
    settings.HUB_PAGE_CACHE = True
    cache.clear()
    first = Client().get("/claims/?claim_type=presence&sort=date")
    assert first[page_cache.CACHE_HEADER] == "miss"
    second = Client().get("/claims/?sort=date&claim_type=presence")
    assert second[page_cache.CACHE_HEADER] == "hit"
