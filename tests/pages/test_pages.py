"""Site-wide pages, and what every page carries."""

import pytest

from tests.factories import FirmFactory, SourceFactory

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/firms/",
    "/sites/",
    "/claims/",
    "/sources/",
    "/methodology/",
    "/privacy/",
    "/search/?q=SANY",
    # A record page of each kind, named by the small world's records.
    "/firms/{sany}/",
    "/sites/{bilorichenska}/",
    "/claims/{supply}/",
    "/sources/{briefing}/",
    "/relationships/{owns}/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_page_states_the_data_licence_and_links_the_methodology(client, small_world, url):
    response = client.get(url.format(**small_world.ids()))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in body
    assert "CC BY 4.0" in body
    assert 'href="/methodology/' in body
    assert 'href="/privacy/"' in body
    assert 'href="#content"' in body  # the skip link


def test_home_shows_headline_figures_and_the_three_stages(client, small_world):
    body = client.get("/").content.decode()
    # Six firms are named in claims; SANY's parent group and the alliance are not.
    assert "6</strong> firms and organisations named in claims" in body
    assert "2 related organisations</a> with no claim of their own" in body
    for stage in ["Stage 1", "Stage 2", "Stage 3"]:
        assert stage in body
    assert 'action="/search/"' in body
    assert "/firms/?stage=1" in body


def test_methodology_explains_stages_confidence_and_sourcing(client):
    body = client.get("/methodology/").content.decode()
    for text in [
        "Stage 1",
        "Confirmed",
        "Reported",
        "At least two independent sources (reliability A or B, not published by the hub) support it",
        "Alleged",
        "Disputed",
        "Sourcing standard",
        "never as Russia",
    ]:
        assert text in body, text


def test_the_privacy_page_states_what_is_kept_and_for_as_long_as_the_settings_say(client, settings):
    settings.HUB_CONTACT_RETENTION_DAYS = 90
    settings.HUB_IP_HASH_DAYS = 1
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    body = client.get("/privacy/").content.decode()
    assert "They are deleted 90 days after you send the correction." in body
    assert "for 1 day, then empties it" in body
    assert "<code>__Host-csrftoken</code>" in body
    assert "<code>django_language</code>" in body
    assert "no analytics" in body
    uk = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "90 днів" in uk
    # The correction form, where the details are given, links it.
    form = client.get("/corrections/new/").content.decode()
    assert 'href="/privacy/#corrections"' in form


def test_search_finds_names_in_every_script(client, small_world):
    for query, expected in [
        ("三一", "SANY"),
        ("SANY", "SANY"),
        ("Сани", "SANY"),
        ("Bilorichenska", "Bilorichenska"),
    ]:
        body = client.get("/search/", {"q": query}).content.decode()
        assert expected in body, query


def test_a_citation_permalink_leads_to_its_footnote(client, small_world):
    citation = small_world.citation1
    response = client.get(f"/citations/{citation.public_id}/")
    assert response.status_code == 301  # the citation's URL is permanent
    assert response["Location"] == f"{citation.claim.get_absolute_url()}#{citation.public_id}"


def test_the_csp_header_forbids_inline_script(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "object-src 'none'" in csp


def test_the_home_page_names_the_latest_update(client, small_world):
    body = client.get("/").content.decode()
    assert 'href="/updates/1/">update 1</a>' in body
    assert 'href="/updates/"' in body


def test_a_lower_case_identifier_redirects_to_the_record(client):
    firm = FirmFactory()
    response = client.get(f"/firms/{firm.public_id.lower()}/")
    assert response.status_code == 301
    assert response["Location"] == f"/firms/{firm.public_id}/"
    assert client.get("/firms/f9999/").status_code == 404


def test_robots_txt_keeps_crawlers_off_staff_pages_and_trackers(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /staff/" in response.content.decode()
    assert "Disallow: /corrections/track/" in response.content.decode()


def test_every_page_names_its_icon(client):
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/").content.decode()


def test_record_identifiers_in_running_text_link_to_their_records(client):
    source = SourceFactory()
    firm = FirmFactory(description=f"Listed in Shanghai ({source.public_id}).")
    body = client.get(firm.get_absolute_url()).content.decode()
    # The description cites its source as "(SRC…)": it is now a link.
    link = f'<a href="/sources/{source.public_id}/" class="id">{source.public_id}</a>'
    assert f"({link})" in body
    assert f"({source.public_id})" not in body


def test_the_record_links_filter_escapes_the_text_around_the_identifiers():
    from hub.templatetags.hub_tags import record_links

    html = record_links('<b>x</b> (SRC0001, F0002) S12 C0003x CIT0004 "R0005" D0006 XY0007')
    assert html == (
        '&lt;b&gt;x&lt;/b&gt; (<a href="/sources/SRC0001/" class="id">SRC0001</a>, '
        '<a href="/firms/F0002/" class="id">F0002</a>) S12 C0003x '
        '<a href="/citations/CIT0004/" class="id">CIT0004</a> '
        '&quot;<a href="/relationships/R0005/" class="id">R0005</a>&quot; '
        '<a href="/sanctions/D0006/" class="id">D0006</a> XY0007'  # XY names no kind of record
    )


def test_no_public_text_names_the_project_s_internal_files(client, seeded):
    # A test of the seed data itself: its texts speak of the seed article and
    # the provenance notes, which readers must not see named as files.
    for url in ["/sources/SRC0001/", "/sites/S0001/"]:
        body = client.get(url).content.decode()
        assert "seed-article.txt" not in body, url
        assert "seeds/README.md" not in body, url
        assert "shared/" not in body, url
