"""Public pages, counts and facet counts are cached per published update (hub/cache.py)."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client

from editorial import corrections, publishing, staging
from hub import cache as page_cache
from tests.factories import ClaimFactory, FirmFactory, login_verified

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def caching_on(settings):
    settings.HUB_PAGE_CACHE = True
    settings.HUB_COUNT_CACHE = True


@pytest.fixture
def firm():
    """A published firm with a claim: enough for every list and profile to have a row."""
    firm = FirmFactory(name_en="Example Heavy Industry")
    ClaimFactory(firms=[firm])
    return firm


def page_keys():
    return [key for key in cache._cache if f"{page_cache.PAGE_PREFIX}:" in key]


def stored_generations():
    """The generation each stored page was rendered for."""
    return {cache.get(key.split(":", 2)[2])[0] for key in page_keys()}


def test_a_cached_page_is_served_without_database_queries(client, django_assert_num_queries, firm):
    first = client.get("/firms/?stage=1")
    assert first["X-Hub-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = Client().get("/firms/?stage=1")
    assert second["X-Hub-Cache"] == "hit"
    assert TOKEN.sub("", second.content.decode()) == TOKEN.sub("", first.content.decode())
    # Security headers still come from the middleware around the cache.
    assert "Content-Security-Policy" in second
    assert second["X-Frame-Options"] == "DENY"


def test_cached_pages_vary_on_cookie_and_language(client, firm):
    for _ in range(2):
        response = client.get("/sources/")
        vary = {part.strip() for part in response["Vary"].split(",")}
        assert {"Cookie", "Accept-Language"} <= vary
    english = client.get("/methodology/").content.decode()
    ukrainian = Client(headers={"accept-language": "uk"}).get("/methodology/")
    assert ukrainian["X-Hub-Cache"] == "miss"  # its own entry, not the English page
    assert ukrainian.content.decode() != english
    assert 'lang="uk"' in ukrainian.content.decode()


def test_a_cached_page_carries_no_reader_s_csrf_token_and_switches_language_by_link(firm):
    Client().get("/firms/")  # fills the cache
    for _ in range(2):
        reader = Client(enforce_csrf_checks=True)
        page = reader.get("/firms/")
        assert page["X-Hub-Cache"] == "hit"
        # No form on a public page posts: nothing of another reader's to replay.
        assert TOKEN.search(page.content.decode()) is None
        switched = reader.get("/language/uk/", {"next": "/firms/"})
        assert switched.status_code == 302
        assert switched["Location"] == "/firms/"


def test_publishing_through_the_staff_pages_moves_every_page_to_a_new_key(firm, django_user_model):
    public = Client()
    before = public.get(firm.get_absolute_url())
    assert public.get(firm.get_absolute_url())["X-Hub-Cache"] == "hit"
    old_generations = stored_generations()

    reviewer = django_user_model.objects.create_user("rita", is_staff=True, is_superuser=True)
    change = staging.stage_edit(record=firm, fields={"name_en": "Renamed Heavy"}, user=reviewer)
    staff = login_verified(Client(), reviewer)
    compose = staff.get("/staff/updates/new/").content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', compose).group(1)
    published = staff.post(
        "/staff/updates/new/",
        {"summary": "Rename", "notes": "", "changes": [change.pk], "idempotency_key": key},
    )
    assert published.status_code == 302

    after = public.get(firm.get_absolute_url())
    assert after["X-Hub-Cache"] == "miss"
    assert "Renamed Heavy" in after.content.decode()
    assert "Renamed Heavy" not in before.content.decode()
    # The page stored again, for the new update.
    assert stored_generations() - old_generations == {page_cache.generation()}


def test_publishing_outside_a_request_moves_the_key_once_announced(firm, client):
    client.get("/firms/")
    update_before = page_cache.current_update()
    change = staging.stage_edit(record=firm, fields={"name_en": "Quietly Renamed"}, user=None)
    update = publishing.publish_update(change_ids=[change.pk], summary="x", idempotency_key="k1")
    page_cache.update_published()  # what a script publishing outside a request calls
    assert page_cache.current_update() == update.number == update_before + 1
    response = client.get("/firms/")
    assert response["X-Hub-Cache"] == "miss"
    assert "Quietly Renamed" in response.content.decode()


def test_a_signed_in_staff_member_never_gets_nor_fills_the_cache(firm, django_user_model):
    user = django_user_model.objects.create_user("edith", is_staff=True)
    staff = login_verified(Client(), user)
    for _ in range(2):
        response = staff.get("/firms/")
        assert response.status_code == 200
        assert "X-Hub-Cache" not in response
    assert page_keys() == []
    Client().get("/firms/")
    assert len(page_keys()) == 1
    assert "X-Hub-Cache" not in staff.get("/firms/")


def test_exports_errors_and_staff_pages_are_not_cached(firm, client):
    csv_response = client.get("/firms.csv")
    b"".join(csv_response.streaming_content)
    assert client.get("/firms/?stage=9").status_code == 400
    assert client.get("/firms/F9999999/").status_code == 404
    client.get("/staff/")
    assert page_keys() == []


def test_the_page_cache_can_be_switched_off(settings, firm, client):
    settings.HUB_PAGE_CACHE = False
    client.get("/firms/")
    assert "X-Hub-Cache" not in client.get("/firms/")
    assert page_keys() == []


def test_a_second_list_request_counts_nothing_again(settings, django_assert_max_num_queries):
    """Counts and facet counts are read from the cache: fewer queries the second time."""
    settings.HUB_PAGE_CACHE = False  # only the counts are cached here
    for _ in range(5):
        ClaimFactory(firms=[FirmFactory()])
    url = "/firms/?stage=1&region=luhansk"
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        assert Client().get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        response = Client().get(url)
    assert response.status_code == 200
    assert "(5)" in response.content.decode()  # the counts shown are the cached ones
    # Five counting queries the first time: the two facets in use, the sector
    # facet, and the other columns and the claim facts, each in one query.
    assert len(second.captured_queries) <= len(first.captured_queries) - 5
    # No total (COUNT(*) AS __count) and no facet count (... AS "n") was run again.
    counted = [
        q["sql"] for q in second.captured_queries if '"__count"' in q["sql"] or 'AS "n"' in q["sql"]
    ]
    assert counted == []
    assert len([q for q in first.captured_queries if 'AS "n"' in q["sql"]]) == 5


def test_a_page_cached_yesterday_is_not_served_today(client, firm, monkeypatch):
    # A reply deadline passing or a designation ending changes what a page says
    # without any update: each day's pages are cached afresh.
    assert client.get("/firms/")["X-Hub-Cache"] == "miss"
    assert client.get("/firms/")["X-Hub-Cache"] == "hit"
    tomorrow = page_cache.timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(page_cache.timezone, "now", lambda: tomorrow)
    assert client.get("/firms/")["X-Hub-Cache"] == "miss"


def test_the_corrections_log_shows_a_new_submission_at_once(client, firm):
    # Corrections change the log between updates, so it is never served from the cache.
    assert "COR-00001" not in client.get("/corrections/").content.decode()
    corrections.submit_correction(what_is_wrong="The year is wrong", proposed_fix="2023")
    answer = client.get("/corrections/")
    assert "COR-00001" in answer.content.decode()
    assert answer.get("X-Hub-Cache") != "hit"


@pytest.fixture
def cache_calls(monkeypatch):
    """The calls the hub makes to the shared cache, by method name."""
    calls, depth = [], [0]

    def counted(name, original):
        def call(*args, **kwargs):
            # Only the calls the hub makes: the in-memory backend's get_many calls get.
            if not depth[0]:
                calls.append(name)
            depth[0] += 1
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    for name in ("get", "get_many"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))
    return calls


def test_a_page_another_server_stored_is_read_with_the_site_state_in_one_round_trip(
    firm, cache_calls
):
    Client().get("/firms/")
    page_cache.recent_pages.pages.clear()  # as on a server that did not render it
    cache_calls.clear()
    response = Client().get("/firms/")
    assert response["X-Hub-Cache"] == "hit"
    assert cache_calls == ["get_many"]  # the site state and the page together (MGET)


def test_a_page_this_process_served_reads_only_the_site_state_from_the_shared_cache(
    firm, cache_calls
):
    first = Client().get("/firms/")
    cache_calls.clear()
    response = Client().get("/firms/")
    assert response["X-Hub-Cache"] == "hit"
    assert cache_calls == ["get"]  # the small site state; the page is this process's copy
    assert TOKEN.sub("", response.content.decode()) == TOKEN.sub("", first.content.decode())


def test_a_process_s_copy_of_a_page_is_retired_with_the_shared_state(firm, client):
    client.get("/firms/")
    assert client.get("/firms/")["X-Hub-Cache"] == "hit"
    cache.clear()  # the shared cache emptied: every process's copies go with it
    assert client.get("/firms/")["X-Hub-Cache"] == "miss"
    assert client.get("/firms/")["X-Hub-Cache"] == "hit"
    page_cache.update_published()  # what every POST and every publish does
    assert client.get("/firms/")["X-Hub-Cache"] == "hit"  # read again from the shared entry
    state = page_cache.site_state()
    cache.set(page_cache.STATE_KEY, {**state, "update": state["update"] + 1})
    assert client.get("/firms/")["X-Hub-Cache"] == "miss"  # a new update: rendered again


def test_a_process_keeps_copies_of_pages_up_to_its_byte_limit():
    pages = page_cache.RecentPages(limit=250)
    for name in "abc":
        pages.put(name, "e1", ("g", b"x" * 100, {}))
    assert "a" not in pages  # the oldest went to make room
    assert pages.get("b", "e1") == ("g", b"x" * 100, {})
    pages.put("d", "e1", ("g", b"x" * 100, {}))
    assert "c" not in pages  # "b" was read since, so "c" was the least recent
    assert pages.size == 200
    assert pages.get("b", "e2") is None  # another epoch: retired
    assert "b" not in pages
    assert pages.size == 100
    pages.put("big", "e1", ("g", b"x" * 251, {}))
    assert "big" not in pages


def test_a_page_stored_for_an_earlier_update_is_rendered_again(firm, client):
    client.get("/firms/")
    assert client.get("/firms/")["X-Hub-Cache"] == "hit"
    state = page_cache.site_state()
    cache.set(page_cache.STATE_KEY, {**state, "update": state["update"] + 1})
    assert client.get("/firms/")["X-Hub-Cache"] == "miss"
    assert client.get("/firms/")["X-Hub-Cache"] == "hit"
