"""Follow a record: an Atom feed per firm and per site of its claims added, changed, withdrawn."""

import xml.etree.ElementTree as ET

import pytest

from editorial import staging
from tests.conftest import publish

ATOM = "{http://www.w3.org/2005/Atom}"
pytestmark = pytest.mark.django_db


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [
        (entry.findtext(f"{ATOM}title"), entry.findtext(f"{ATOM}summary") or "")
        for entry in feed.iter(f"{ATOM}entry")
    ]


def test_a_firm_s_feed_lists_a_change_made_to_its_claim_in_a_publish(client, small_world):
    sany, claim = small_world.sany, small_world.supply
    change = staging.stage_edit(
        record=claim, fields={"statement": claim.statement + " (reworded)"}, user=None
    )
    update = publish(change, summary=f"Reword {claim.public_id}")
    titles = entries(client, f"/firms/{sany.public_id}/feed/")
    assert titles[0][0].startswith(f"Changed: {claim.public_id}")
    assert f"(update {update.number})" in titles[0][0]
    assert "Fields: Statement." in titles[0][1]
    # The profile links its feed, for readers and for feed readers.
    profile = client.get(sany.get_absolute_url()).content.decode()
    assert f'href="/firms/{sany.public_id}/feed/"' in profile
    assert 'rel="alternate" type="application/atom+xml"' in profile


def test_a_withdrawn_claim_shows_in_its_site_s_feed_and_not_in_another_s(client, small_world):
    claim, site = small_world.loaders, small_world.bilorichenska
    other = small_world.khrustalna
    assert list(claim.sites.all()) == [site]
    change = staging.stage_withdrawal(record=claim, reason="Source retracted.", user=None)
    publish(change, summary="Withdraw")
    titles = [title for title, _ in entries(client, f"/sites/{site.public_id}/feed/")]
    assert titles[0].startswith(f"Withdrawn: {claim.public_id}")
    other_titles = [title for title, _ in entries(client, f"/sites/{other.public_id}/feed/")]
    assert other_titles  # the other site's feed has entries: its own claim's
    assert not any(claim.public_id in title for title in other_titles)


def test_a_feed_of_an_unknown_or_draft_record_is_not_found(client):
    assert client.get("/firms/F9999999/feed/").status_code == 404
    assert client.get("/sites/S0000/feed/").status_code == 404


def test_a_feed_read_in_ukrainian_names_a_claim_by_its_ukrainian_statement(client):
    from tests.factories import ClaimFactory, FirmFactory

    firm = FirmFactory()
    claim = ClaimFactory(
        firms=[firm], statement="The firm supplied cranes.", statement_uk="Фірма постачала крани."
    )
    other = ClaimFactory(firms=[firm], statement="The firm opened an office.")
    changes = [
        staging.stage_edit(record=record, fields={"date_precision": "month"}, user=None)
        for record in (claim, other)
    ]
    update = publish(*changes, summary="Dates to the month")
    url = f"/firms/{firm.public_id}/feed/"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="uk")
    assert 'xml:lang="uk"' in response.content.decode()
    feed = ET.fromstring(response.content)
    uk = {
        entry.findtext(f"{ATOM}title"): entry.findtext(f"{ATOM}summary")
        for entry in feed.iter(f"{ATOM}entry")
    }
    title = f"Змінено: {claim.public_id} {claim.public_id}: Фірма постачала крани. (оновлення {update.number})"
    assert title in uk
    assert uk[title].startswith(f"Змінено в оновленні {update.number} (Dates to the month).")
    # A claim not yet translated keeps its English label; the English feed is unchanged.
    assert any(f"{other.public_id}: The firm opened an office." in t for t in uk)
    titles = [title for title, _ in entries(client, url)]
    assert (
        f"Changed: {claim.public_id} {claim.public_id}: The firm supplied cranes. (update {update.number})"
        in titles
    )
