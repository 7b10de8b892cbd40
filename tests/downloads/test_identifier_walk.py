"""Every identifier ever published answers, as a page and as JSON: 200, 301 or 410.

The walk reads every identifier out of every published package file and every
published change row (its record, a merge's survivor, the values of its
diff), after updates of every kind, and requests each one's page and its
/records/<id>.json.
"""

import json
import re

import pytest

from downloads import package
from editorial.models import Change, Update
from hub.models import Status
from hub.records import find_record

pytestmark = pytest.mark.django_db

IDENTIFIER = re.compile(r"\b(?:SRC|CIT|F|S|C|R|D)\d{4,}\b")


def published_identifiers():
    found = set()
    for update in Update.objects.all():
        folder = package.directory(update.number)
        for path in folder.iterdir():
            if path.is_file() and path.suffix in {".csv", ".jsonl"}:
                found |= set(IDENTIFIER.findall(path.read_text(encoding="utf-8")))
    for change in Change.objects.filter(state=Change.State.PUBLISHED):
        text = json.dumps([change.public_id, change.merge_into, change.diff])
        found |= set(IDENTIFIER.findall(text))
    return found


def answer(client, url):
    """The status, and the status at the end of a redirect (a 301's target must answer too)."""
    response = client.get(url)
    if response.status_code in (301, 302):
        final = client.get(response["Location"], follow=True)
        return response.status_code, final.status_code
    return response.status_code, response.status_code


def test_every_published_identifier_answers_as_a_page_and_as_json(client, every_kind_published):
    identifiers = published_identifiers()
    assert {record.public_id for record in every_kind_published.values()} <= identifiers
    statuses = {}
    for public_id in sorted(identifiers):
        record = find_record(public_id)
        assert record is not None, public_id
        assert record.status != Status.DRAFT, public_id
        page = record.get_absolute_url().split("#")[0]
        for url in (page, f"/records/{public_id}.json"):
            first, final = answer(client, url)
            assert first in (200, 301, 410), (url, first)
            assert final in (200, 410), (url, final)
            statuses.setdefault(first, set()).add(url)
    # Every kind of answer was walked: live records, merged ones and tombstones.
    assert set(statuses) == {200, 301, 410}


def test_a_withdrawn_records_json_says_why_and_a_merged_one_moves_for_good(
    client, every_kind_published
):
    relationship = every_kind_published["relationship"]
    response = client.get(f"/records/{relationship.public_id}.json")
    assert response.status_code == 410
    assert response.json()["reason"] == "Unsupported"
    assert response.json()["status"] == "withdrawn"
    duplicate, partner = every_kind_published["duplicate"], every_kind_published["partner"]
    response = client.get(f"/records/{duplicate.public_id}.json")
    assert response.status_code == 301
    assert response["Location"] == f"/records/{partner.public_id}.json"
    # A citation of a withdrawn claim is public no more: gone, with the reason.
    citation = every_kind_published["citation"]
    response = client.get(f"/records/{citation.public_id}.json")
    assert response.status_code == 410
    assert "is not public" in response.json()["reason"]


def test_relationships_are_served_as_json_and_citation_urls_redirect_for_good(client, editor):
    from editorial import staging
    from tests.conftest import publish
    from tests.factories import ClaimFactory, RelationshipFactory

    relationship = RelationshipFactory()
    publish(staging.stage_edit(record=relationship, fields={"description": "x"}, user=editor))
    response = client.get(f"/records/{relationship.public_id}.json")
    assert response.status_code == 200
    assert response.json()["record"]["id"] == relationship.public_id
    citation = ClaimFactory().citations.get()
    response = client.get(f"/citations/{citation.public_id}/")
    assert response.status_code == 301
    assert response["Location"].endswith(f"#{citation.public_id}")
    assert client.get(f"/records/{citation.public_id.lower()}.json").status_code == 301
