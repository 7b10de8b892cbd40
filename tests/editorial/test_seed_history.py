"""Later seed updates are replayed through the workflow: corrections, decisions, staged changes."""

import json

import pytest

from editorial import seed_history
from editorial.models import Change, Correction, Update
from evidence.archiving import ArchiveAttempt, ArchiveState, archive_state
from evidence.models import Citation, Claim, Source
from hub.models import Status
from tests.factories import ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    Update.objects.create(
        number=1, summary="First", published_at="2026-01-01T00:00Z", idempotency_key="first"
    )
    return ClaimFactory(statement="Ten machines were delivered.", cite=SourceFactory())


def write(folder, name, spec):
    updates = folder / "updates"
    updates.mkdir(exist_ok=True)
    path = updates / name
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return path


def fact_check(claim):
    return {
        "summary": "A fact check answered",
        "notes": "Two findings.",
        "corrections": [
            {
                "target": claim.public_id,
                "what_is_wrong": "Fact check row 1: the source says nine.",
                "proposed_fix": "Say nine.",
                "evidence": "https://monitor.example.org/nine",
                "decision": "accepted",
                "public_response": "Corrected: the statement now says nine.",
                "changes": [
                    {
                        "edit": claim.public_id,
                        "fields": {"statement": "Nine machines were delivered."},
                    }
                ],
            },
            {
                "target": claim.public_id,
                "what_is_wrong": "Fact check row 2: the date is vague.",
                "proposed_fix": "Give a day.",
                "decision": "declined",
                "public_response": "Kept: the source gives only the year.",
            },
        ],
        "changes": [
            {
                "create": "source",
                "fields": {
                    "public_id": "SRC0700",
                    "title": "Звіт",
                    "publisher": "Monitor",
                    "kind": "media",
                    "url": "https://monitor.example.org/zvit",
                    "archived_url": "https://archive.example.org/zvit",
                    "language": "uk",
                    "reliability": "A",
                },
            },
            {
                "create": "citation",
                "fields": {
                    "public_id": "CIT0700",
                    "claim": claim.public_id,
                    "source": "SRC0700",
                    "locator": "para 2",
                    "quote": "дев'ять машин",
                    "quote_translation": "nine machines",
                },
            },
        ],
    }


def test_a_later_update_is_published_with_its_corrections_answered(tmp_path, claim):
    path = write(tmp_path, "0002-fact-check.json", fact_check(claim))
    update = seed_history.replay(path=path)
    assert (update.number, update.summary, update.notes) == (
        2,
        "A fact check answered",
        "Two findings.",
    )
    claim.refresh_from_db()
    assert claim.statement == "Nine machines were delivered."
    accepted, declined = Correction.objects.order_by("number")
    assert (accepted.status, accepted.published_in) == (Correction.Status.PUBLISHED, update)
    assert accepted.public_response == "Corrected: the statement now says nine."
    assert declined.status == Correction.Status.DECLINED
    assert declined.public_response == "Kept: the source gives only the year."
    # The changelog names the correction its change answers.
    edit = update.changes.get(public_id=claim.public_id, action=Change.Action.EDIT)
    assert edit.correction == accepted
    citation = Citation.objects.get(public_id="CIT0700")
    assert (citation.status, citation.quote_translation) == (Status.PUBLISHED, "nine machines")
    assert Source.objects.get(public_id="SRC0700").status == Status.PUBLISHED


def test_the_public_log_and_the_update_page_show_the_answered_fact_check(client, tmp_path, claim):
    update = seed_history.replay(path=write(tmp_path, "0002-fact-check.json", fact_check(claim)))
    log = client.get("/corrections/").content.decode()
    assert "Kept: the source gives only the year." in log
    page = client.get(f"/updates/{update.number}/").content.decode()
    accepted = Correction.objects.get(status=Correction.Status.PUBLISHED)
    assert accepted.reference in page


def test_a_replayed_file_is_not_published_twice(tmp_path, claim):
    path = write(tmp_path, "0002-fact-check.json", fact_check(claim))
    seed_history.replay(path=path)
    assert seed_history.replay(path=path) is None
    assert Update.objects.count() == 2
    assert Correction.objects.count() == 2


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda s: s["changes"][1]["fields"].update(source="SRC9999"), "change 2"),
        (lambda s: s["corrections"][0].update(decision="maybe"), "correction 1"),
        (
            lambda s: s["corrections"][1].update(changes=s["corrections"][0]["changes"]),
            "correction 2",
        ),
        (lambda s: s["corrections"][0].update(target="C9999"), "no record C9999"),
        (lambda s: s["changes"][0].update(create="planet"), "unknown kind"),
        (lambda s: s["changes"][1]["fields"].update(locator=""), "change 2"),
    ],
)
def test_a_bad_file_stores_nothing_and_says_where(tmp_path, claim, breakage, message):
    spec = fact_check(claim)
    breakage(spec)
    path = write(tmp_path, "0002-fact-check.json", spec)
    with pytest.raises(seed_history.HistoryError, match=message):
        seed_history.replay(path=path)
    assert Update.objects.count() == 1
    assert not Correction.objects.exists()
    assert not Change.objects.exists()
    assert Claim.objects.get(pk=claim.pk).statement == "Ten machines were delivered."


def test_history_files_are_replayed_in_file_name_order(tmp_path):
    write(tmp_path, "0003-later.json", {})
    write(tmp_path, "0002-earlier.json", {})
    assert [p.name for p in seed_history.history_files(tmp_path)] == [
        "0002-earlier.json",
        "0003-later.json",
    ]


def unarchived_source(claim):
    spec = fact_check(claim)
    spec["changes"][0]["fields"].pop("archived_url")
    return spec


def test_a_recorded_archive_attempt_lets_the_source_publish_and_says_why_it_failed(
    client, tmp_path, claim
):
    spec = unarchived_source(claim)
    spec["archive_attempts"] = [
        {
            "source": "SRC0700",
            "tried_at": "2026-12-07T13:21:05Z",
            "error": "The host name monitor.example.org could not be resolved.",
        }
    ]
    seed_history.replay(path=write(tmp_path, "0002-fact-check.json", spec))
    source = Source.objects.get(public_id="SRC0700")
    assert archive_state(source).state == ArchiveState.FAILED
    body = client.get(source.get_absolute_url()).content.decode()
    assert "The hub tried to archive this page on 7 December 2026 at 13:21 UTC" in body
    assert "could not be resolved" in body


def test_a_source_nobody_tried_to_archive_blocks_the_update(tmp_path, claim):
    path = write(tmp_path, "0002-fact-check.json", unarchived_source(claim))
    with pytest.raises(seed_history.HistoryError, match="SRC0700"):
        seed_history.replay(path=path)
    assert not Source.objects.filter(public_id="SRC0700").exists()


@pytest.mark.parametrize(
    ("attempt", "message"),
    [
        ({"source": "SRC0700", "tried_at": "2026-12-07T13:21:05Z"}, "says why"),
        ({"source": "SRC0700", "tried_at": "2026-12-07T13:21:05", "error": "x"}, "time zone"),
        ({"source": "C0001", "tried_at": "2026-12-07T13:21:05Z", "error": "x"}, "no source"),
    ],
)
def test_a_bad_archive_attempt_stores_nothing(tmp_path, claim, attempt, message):
    spec = unarchived_source(claim)
    spec["archive_attempts"] = [attempt]
    with pytest.raises(seed_history.HistoryError, match=message):
        seed_history.replay(path=write(tmp_path, "0002-fact-check.json", spec))
    assert not ArchiveAttempt.objects.exists()
    assert Update.objects.count() == 1
