"""The claim tally counts what the claims say, follows each publish, and feeds the claim list."""

import re
from itertools import product

import pytest

from derived import tally
from derived.models import ClaimTally
from editorial import publishing, staging
from evidence.models import Claim
from hub.models import Status
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

OPTION = re.compile(r'<option value="([^"]+)"[^>]*>[^<]*\((\d+)\)</option>')
SELECT = re.compile(r'<select name="(\w+)"[^>]*>(.*?)</select>', re.DOTALL)
RESULT_COUNT = re.compile(r'role="status">(\d+) ')


@pytest.fixture
def claims():
    rows = [
        ("finance", "confirmed", 1, "luhansk"),
        ("finance", "alleged", 2, "luhansk"),
        ("servicing", "confirmed", 1, "donetsk"),
        ("servicing", "confirmed", None, ""),
        ("logistics", "single_source", 3, "crimea"),
    ]
    made = [
        ClaimFactory(claim_type=kind, confidence=grade, stage=stage, region=region)
        for kind, grade, stage, region in rows
    ]
    ClaimFactory(claim_type="finance", status=Status.DRAFT)  # not counted
    return made


def tallied():
    return sorted(ClaimTally.objects.values_list(*tally.COLUMNS, "claims"), key=str)


def test_the_tally_holds_each_combination_of_published_claims(claims):
    live = {}
    for claim in Claim.objects.public():
        key = tuple(getattr(claim, column) for column in tally.COLUMNS)
        live[key] = live.get(key, 0) + 1
    assert sorted(((*key, n) for key, n in live.items()), key=str) == tallied()


def test_claim_list_counts_from_the_tally_equal_the_results(client, claims):
    for params in ["", "region=luhansk", "claim_type=servicing", "stage=1&confidence=confirmed"]:
        body = client.get(f"/claims/?{params}").content.decode()
        shown = RESULT_COUNT.search(body)
        expected = Claim.objects.public().filter(
            **dict(pair.split("=") for pair in params.split("&") if pair)
        )
        assert int(shown.group(1)) == expected.count(), params
        # Each facet choice says how many results it gives under the other filters.
        for name, options in SELECT.findall(body):
            if name not in tally.COLUMNS:
                continue
            for value, n in OPTION.findall(options):
                chosen = dict(pair.split("=") for pair in params.split("&") if pair)
                chosen[name] = value
                assert Claim.objects.public().filter(**chosen).count() == int(n), (params, name)


def test_a_text_filter_is_counted_from_the_claims_not_the_tally(client, claims):
    ClaimTally.objects.all().delete()  # the tally cannot answer a text filter anyway
    body = client.get("/claims/?q=machine").content.decode()
    assert int(RESULT_COUNT.search(body).group(1)) == 5


def test_publishing_a_change_of_region_moves_the_claim_in_the_tally(claims, django_user_model):
    editor = django_user_model.objects.create_user("tally-editor", is_staff=True)
    change = staging.stage_edit(record=claims[0], fields={"region": "kherson"}, user=editor)
    publishing.publish_update(change_ids=[change.pk], summary="Move", idempotency_key="tally")
    # (Publishing also regrades the claim from its one source.)
    claims[0].refresh_from_db()
    assert ("finance", claims[0].confidence, 1, "kherson", 1) in tallied()
    assert not [row for row in tallied() if row[0] == "finance" and row[2:4] == (1, "luhansk")]
    published = tallied()
    tally.rebuild()
    assert tallied() == published


def test_every_combination_of_tally_filters_is_covered():
    class Form:
        cleaned_data = {}

    class FilterSet:
        form = Form()

    for used in product([None, "x"], repeat=len(tally.COLUMNS)):
        FilterSet.form.cleaned_data = dict(zip(tally.COLUMNS, used, strict=True)) | {"sort": "x"}
        assert tally.covers(FilterSet)
    FilterSet.form.cleaned_data = {"q": "text", "region": "luhansk"}
    assert not tally.covers(FilterSet)
