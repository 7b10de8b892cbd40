"""A yes-or-no fact is "Yes" only when a published claim supports it, and says which."""

import csv
import io

import pytest
from django.db import IntegrityError, transaction

from entities.models import Firm
from hub.models import Status
from tests.factories import ClaimFactory, FirmFactory, RelationshipFactory, published_directly

pytestmark = pytest.mark.django_db


def firms_csv(client, **query):
    body = b"".join(client.get("/firms.csv", query).streaming_content).decode()
    return {row["id"]: row for row in csv.DictReader(io.StringIO(body))}


def test_a_recorded_yes_with_no_claim_reads_not_established_everywhere(client):
    firm = FirmFactory(european_presence=True, european_presence_note="Said somewhere.")
    profile = client.get(firm.get_absolute_url()).content.decode()
    assert "Not established" in profile
    assert "<dd>Yes" not in profile
    assert firms_csv(client)[firm.public_id]["european_presence"] == ""
    assert firm.public_id not in firms_csv(client, european="yes")
    assert firm.public_id in firms_csv(client, european="not_established")


def test_a_yes_links_the_published_claim_that_supports_it(client):
    claim = ClaimFactory(claim_type="presence", statement="The firm sells in Poland.")
    firm = FirmFactory(european_presence=True, european_presence_claim=claim)
    with published_directly():
        claim.firms.add(firm)
    profile = client.get(firm.get_absolute_url()).content.decode()
    assert f'Yes, as claim <a href="/claims/{claim.public_id}/" class="id">' in profile
    row = firms_csv(client)[firm.public_id]
    assert (row["european_presence"], row["european_presence_claim"]) == (
        "true",
        claim.public_id,
    )
    assert firm.public_id in firms_csv(client, european="yes")


def test_a_withdrawn_supporting_claim_leaves_the_fact_not_established(client):
    claim = ClaimFactory(claim_type="presence")
    firm = FirmFactory(european_presence=True, european_presence_claim=claim)
    claim.status = Status.WITHDRAWN
    claim.withdrawn_reason = "Wrong firm."
    with published_directly():  # as a publish withdrawing it would
        claim.save()
    assert Firm.objects.get(pk=firm.pk).european_presence_shown is None
    assert "Not established" in client.get(firm.get_absolute_url()).content.decode()
    assert firms_csv(client)[firm.public_id]["european_presence_claim"] == ""


@pytest.mark.parametrize("value", [None, False])
def test_the_database_refuses_a_supporting_claim_on_anything_but_yes(value):
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FirmFactory(european_presence=value, european_presence_claim=claim)


def test_a_firm_with_no_claim_of_its_own_is_shown_as_a_related_organisation(client):
    named = FirmFactory(name_en="Named Machinery Co.")
    ClaimFactory(firms=[named])
    group = FirmFactory(name_en="Holding Group")
    RelationshipFactory(source_firm=group, target_firm=named, kind="parent")
    profile = client.get(group.get_absolute_url()).content.decode()
    assert "<strong>Related organisation</strong>" in profile
    assert f'parent of <a href="{named.get_absolute_url()}">Named Machinery Co.</a>' in profile
    listed = client.get("/firms/").content.decode()
    assert listed.count("Related organisation, no claim of its own") == 1
    assert "Related organisation" not in client.get(named.get_absolute_url()).content.decode()
