"""Right of reply per claim: the derived status, the words on pages, the counts, the CSV."""

import csv
import datetime
import io
import re

import pytest
from django.db import IntegrityError
from django.utils import timezone
from django.utils.html import strip_tags

from editorial import corrections, publishing, staging
from evidence.models import Claim, Confidence
from evidence.reply import ReplyStatus
from tests.factories import ClaimFactory, FirmFactory, published_directly

pytestmark = pytest.mark.django_db
TODAY = timezone.now().date()
DAY = datetime.timedelta(days=1)

STATES = {
    ReplyStatus.NOT_CONTACTED: {},
    ReplyStatus.AWAITING: {
        "reply_contacted_on": TODAY - 3 * DAY,
        "reply_deadline": TODAY + 10 * DAY,
        "reply_channel": "email",
        "reply_language": "zh",
    },
    ReplyStatus.NO_RESPONSE: {
        "reply_contacted_on": TODAY - 30 * DAY,
        "reply_deadline": TODAY - DAY,
        "reply_channel": "letter",
    },
    ReplyStatus.RESPONDED: {
        "reply_contacted_on": TODAY - 30 * DAY,
        "reply_deadline": TODAY - DAY,
        "firm_response": "We never sold to that mine.",
        "firm_response_date": TODAY - 2 * DAY,
        "firm_response_url": "https://acme.example.com/statement",
    },
}


def text_of(response):
    return " ".join(strip_tags(response.content.decode()).split())


@pytest.fixture
def claims():
    firm = FirmFactory()
    return firm, {status: ClaimFactory(firms=[firm], **fields) for status, fields in STATES.items()}


def test_the_reply_status_follows_from_the_recorded_fields(claims):
    _firm, by_status = claims
    annotated = dict(Claim.objects.with_reply_status().values_list("public_id", "reply_status"))
    for status, claim in by_status.items():
        assert annotated[claim.public_id] == status


def test_the_claim_page_says_the_reply_state_in_plain_words(client, claims):
    _firm, by_status = claims
    said = {
        status: text_of(client.get(claim.get_absolute_url())) for status, claim in by_status.items()
    }
    assert "The hub has not yet asked the firm concerned for a response." in said["not_contacted"]
    assert "It wrote by email." in said["awaiting"]
    assert "No response yet; the firm has until" in said["awaiting"]
    assert "It had not responded by the deadline" in said["no_response_by_deadline"]
    assert "We never sold to that mine." in said["responded"]
    assert "The firm's response (" in said["responded"]
    assert (
        'href="https://acme.example.com/statement"'
        in client.get(by_status["responded"].get_absolute_url()).content.decode()
    )


def test_the_firm_profile_counts_its_claims_by_reply_state(client, claims):
    firm, _by_status = claims
    ClaimFactory(firms=[firm])  # a second claim not yet contacted
    page = client.get(firm.get_absolute_url()).content.decode()
    table = page.split('class="reply-counts"')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', table)
    assert rows == [
        ("Not yet contacted", "2"),
        ("Awaiting a response", "1"),
        ("Responded", "1"),
        ("No response by the deadline", "1"),
    ]


def test_the_claims_csv_has_reply_status_and_reply_date(client, claims):
    _firm, by_status = claims
    body = b"".join(client.get("/claims.csv").streaming_content).decode()
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(body))}
    expected = {
        "not_contacted": "",
        "awaiting": (TODAY + 10 * DAY).isoformat(),
        "no_response_by_deadline": (TODAY - DAY).isoformat(),
        "responded": (TODAY - 2 * DAY).isoformat(),
    }
    for status, claim in by_status.items():
        assert (rows[claim.public_id]["reply_status"], rows[claim.public_id]["reply_date"]) == (
            status,
            expected[status],
        )
    data = client.get("/claims.json").json()["results"]
    assert {row["reply_status"] for row in data} == set(ReplyStatus.values)


def test_a_deadline_before_the_contact_is_refused():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), published_directly():
        Claim.objects.filter(pk=claim.pk).update(
            reply_contacted_on=TODAY, reply_deadline=TODAY - DAY
        )


def test_an_accepted_response_from_the_firm_becomes_the_recorded_response(django_user_model):
    editor = django_user_model.objects.create_user("replyeditor", is_staff=True)
    firm = FirmFactory()
    claim = ClaimFactory(
        firms=[firm], reply_contacted_on=TODAY - 20 * DAY, reply_deadline=TODAY + DAY
    )
    correction, _token = corrections.submit_correction(
        target=claim,
        what_is_wrong="This is wrong.",
        proposed_fix="Acme has never supplied machines to the occupied territories.",
        right_of_reply=True,
    )
    corrections.transition(correction=correction, to="accepted", actor=editor)
    change = staging.stage_firm_response(
        correction=correction,
        claim=claim,
        user=editor,
        stance="denies",
        url="https://acme.example.com/reply",
    )
    update = publishing.publish_update(
        change_ids=[change.pk], summary="Reply", idempotency_key="reply"
    )
    claim = Claim.objects.with_reply_status().get(pk=claim.pk)
    assert claim.firm_response == "Acme has never supplied machines to the occupied territories."
    assert claim.firm_response_url == "https://acme.example.com/reply"
    assert claim.firm_response_date == timezone.localtime(correction.received_at).date()
    assert claim.reply_status == ReplyStatus.RESPONDED
    # A denial disputes the claim, and the changelog shows the grade moving.
    assert claim.confidence == Confidence.DISPUTED
    diff = update.changes.get().diff
    assert {"field": "confidence", "before": "single_source", "after": "disputed"} in diff
    correction.refresh_from_db()
    assert correction.status == "published"


def test_a_correction_not_from_the_firm_is_not_its_response(django_user_model):
    editor = django_user_model.objects.create_user("replyeditor2", is_staff=True)
    claim = ClaimFactory()
    correction, _token = corrections.submit_correction(
        target=claim, what_is_wrong="x", proposed_fix="y", right_of_reply=False
    )
    with pytest.raises(staging.StagingRefused):
        staging.stage_firm_response(correction=correction, claim=claim, user=editor)
