"""Sites and sources carry the number of their published claims, kept right by each publish."""

import pytest

from derived import claim_counts
from editorial import staging
from entities.models import Site
from evidence.models import Citation, Source
from tests.conftest import publish
from tests.factories import ClaimFactory, SiteFactory, SourceFactory, published_directly

pytestmark = pytest.mark.django_db


def stored():
    return {
        **dict(Site.objects.values_list("public_id", "claim_count")),
        **dict(Source.objects.values_list("public_id", "claim_count")),
    }


def recounted():
    """What counting every site and source again gives (the stored numbers are put back)."""
    before = stored()
    claim_counts.recount(everything=True)
    after = stored()
    for model in (Site, Source):
        for public_id, count in before.items():
            model.objects.filter(public_id=public_id).update(claim_count=count)
    return after


def test_publishing_keeps_the_counts_of_sites_and_sources(editor):
    mine, port = SiteFactory(public_id="S8001"), SiteFactory(public_id="S8002")
    paper, report = SourceFactory(public_id="SRC8001"), SourceFactory(public_id="SRC8002")
    first = ClaimFactory(sites=[mine], cite=paper)
    second = ClaimFactory(sites=[mine, port], cite=paper)
    assert stored()["S8001"] == 2
    assert stored()["SRC8001"] == 2
    assert stored() == recounted()

    # A claim moved to another site, a new citation of another source, a withdrawal.
    moved = staging.stage_edit(record=first, fields={"sites": ["S8002"]}, user=editor)
    cited = staging.stage_new(
        model=Citation,
        fields={"claim": second.public_id, "source": report.public_id, "locator": "p. 3"},
        user=editor,
    )
    publish(moved, cited, key="move-cite")
    assert stored()["S8001"] == 1
    assert stored()["S8002"] == 2
    assert stored()["SRC8002"] == 1
    assert stored() == recounted()

    gone = staging.stage_withdrawal(record=second, reason="Retracted.", user=editor)
    publish(gone, key="withdraw")
    assert stored()["S8001"] == 0
    assert stored()["S8002"] == 1
    assert stored()["SRC8001"] == 1
    assert stored()["SRC8002"] == 0
    assert stored() == recounted()


def test_a_source_cited_twice_by_one_claim_counts_it_once():
    source = SourceFactory()
    claim = ClaimFactory(cite=source)
    with published_directly():
        Citation.objects.create(
            public_id="CIT8101",
            claim=claim,
            source=source,
            locator="p. 9",
            status="published",
            last_update=1,
        )
    claim_counts.recount(source_ids=[source.pk])
    source.refresh_from_db()
    assert source.claim_count == 1


def test_the_lists_sort_by_the_stored_counts(client):
    busy, quiet = SiteFactory(name_en="Busy mine"), SiteFactory(name_en="Quiet mine")
    for _ in range(3):
        ClaimFactory(sites=[busy])
    ClaimFactory(sites=[quiet])
    body = client.get("/sites/?sort=-claims").content.decode()
    assert body.index("Busy mine") < body.index("Quiet mine")
    body = client.get("/sites/?sort=claims").content.decode()
    assert body.index("Quiet mine") < body.index("Busy mine")
