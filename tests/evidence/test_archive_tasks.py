"""Archive states, the publish rule they feed, and the task queue that moves them.

The queue is the production one (django-tasks-db: rows in the test database),
and a real `db_worker` run empties it. Pages come from the test's own HTTP
server on 127.0.0.1.
"""

import io
import signal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils.html import strip_tags
from django_tasks_db.models import DBTaskResult

from editorial import corrections, publishing, staging
from editorial.models import Change, Correction, CorrectionContact
from evidence.archiver import request_archive
from evidence.archiving import (
    PUBLISHABLE_STATES,
    ArchiveAttempt,
    ArchiveState,
    archive_state,
    archive_state_expression,
    store_snapshot,
)
from evidence.models import Citation, Claim, Source, SourceCheck
from hub.models import Status
from tests.conftest import publish
from tests.factories import ArchiveAttemptFactory, SourceFactory, published_directly

ARTICLE = b"<html><body><p>The quarry's new owner, in its own words.</p></body></html>"


@pytest.fixture
def article(http_server, allow_loopback_fetching):
    http_server.page("/article", ARTICLE)
    return http_server.url("/article")


@pytest.fixture
def restore_signals():
    """db_worker installs its own SIGINT/SIGTERM handlers; the test process gets its own back."""
    saved = {
        number: signal.getsignal(number)
        for number in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None))
        if number is not None
    }
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def run_worker():
    """One real db_worker run: every task ready now, then it exits."""
    out = io.StringIO()
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, stdout=out)
    return out.getvalue()


def text_of(response):
    return " ".join(strip_tags(response.content.decode()).split())


def run(*args):
    out = io.StringIO()
    call_command("archive_sources", *args, stdout=out)
    return out.getvalue()


def staged_claim_citing(source, editor):
    """Stage a new claim citing `source`; publishing it runs the archive check."""
    claim = staging.stage_new(
        model=Claim,
        fields={"statement": "The quarry changed hands.", "claim_type": "equipment_supply"},
        user=editor,
    )
    claim_id = Claim.objects.get(pk=claim.object_id).public_id
    citation = staging.stage_new(
        model=Citation,
        fields={"claim": claim_id, "source": source.public_id, "locator": "para. 2"},
        user=editor,
    )
    return [claim, citation], claim_id


# The states, one rule for a record and for a list -----------------------------------


def source_in(state, url="https://monitor.example.org/report"):
    """A published source in the given archive state."""
    if state == "archived (snapshot)":
        snapshot = store_snapshot(
            content=b"copy", media_type="text/plain", retrieved_at="2026-12-01T10:00:00Z"
        )
        return SourceFactory(url=url, archived_url="", snapshot=snapshot)
    if state == "archived (web archive)":
        return SourceFactory(url=url, archived_url="https://web.archive.org/web/2026/x")
    source = SourceFactory(url=url, archived_url="")
    if state == "exempt":
        source.archive_exemption = "Printed document; no online copy"
        with published_directly():
            source.save()
    elif state == "queued":
        ArchiveAttemptFactory(source=source, failed=True)  # an older failure does not count
        ArchiveAttemptFactory(source=source)
    elif state == "failed":
        ArchiveAttemptFactory(source=source)  # an older queued one: the newest decides
        ArchiveAttemptFactory(source=source, failed=True)
    elif state == "none (copy not yet published)":
        snapshot = store_snapshot(
            content=b"staged", media_type="text/plain", retrieved_at="2026-12-01T10:00:00Z"
        )
        ArchiveAttemptFactory(
            source=source,
            outcome=ArchiveAttempt.Outcome.ARCHIVED,
            tried_at="2026-12-01T10:00:00Z",
            snapshot=snapshot,
        )
    return source


STATES = {
    "archived (snapshot)": ArchiveState.ARCHIVED,
    "archived (web archive)": ArchiveState.ARCHIVED,
    "exempt": ArchiveState.EXEMPT,
    "queued": ArchiveState.QUEUED,
    "failed": ArchiveState.FAILED,
    "none": ArchiveState.NONE,
    "none (copy not yet published)": ArchiveState.NONE,
}


@pytest.mark.django_db
@pytest.mark.parametrize("situation", list(STATES))
def test_the_state_of_a_source_is_the_same_for_a_record_a_list_and_publishing(situation):
    source = source_in(situation)
    expected = STATES[situation]
    assert archive_state(source).state == expected
    assert source.archive_attempts.state().state == expected  # what the template reads
    annotated = Source.objects.annotate(state=archive_state_expression()).get(pk=source.pk)
    assert annotated.state == expected
    missing = Source.objects.missing_archive().filter(pk=source.pk).exists()
    assert missing == (expected not in PUBLISHABLE_STATES)
    assert missing == (expected in {ArchiveState.QUEUED, ArchiveState.NONE})


@pytest.mark.django_db
def test_a_stated_exemption_stands_while_an_attempt_is_queued_and_the_page_says_both(client):
    source = source_in("exempt")
    attempt = ArchiveAttemptFactory(source=source)
    status = archive_state(source)
    assert (status.state, status.attempt, status.publishable) == ("exempt", attempt, True)
    page = text_of(client.get(source.get_absolute_url()))
    assert "Printed document; no online copy" in page
    assert "The hub was asked on" in page
    assert "has not tried yet" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("situation", "shown"),
    [
        ("queued", "UTC to archive this page and has not tried yet."),
        ("failed", "refused the connection."),
        ("none", "None recorded yet."),
    ],
)
def test_the_source_page_shows_the_state(client, situation, shown):
    source = source_in(situation)
    page = text_of(client.get(source.get_absolute_url()))
    assert shown in page
    if situation == "failed":
        attempt = source.archive_attempts.first()
        assert f"The hub tried to archive this page on {attempt.tried_at:%-d %B %Y}" in page


# The publish rule -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("situation", ["archived (snapshot)", "exempt", "failed"])
def test_a_claim_citing_an_archived_exempt_or_failed_source_is_published(editor, situation):
    source = source_in(situation)
    changes, claim_id = staged_claim_citing(source, editor)
    publish(*changes, key=situation)
    assert Claim.objects.get(public_id=claim_id).status == Status.PUBLISHED


@pytest.mark.django_db
@pytest.mark.parametrize("situation", ["queued", "none", "none (copy not yet published)"])
def test_a_claim_citing_a_queued_or_unarchived_source_is_refused(editor, situation):
    source = source_in(situation)
    changes, claim_id = staged_claim_citing(source, editor)
    with pytest.raises(publishing.PublishRefused) as refusal:
        publish(*changes, key=situation)
    message = str(refusal.value)
    assert claim_id in message
    assert source.public_id in message
    assert "a snapshot, an archive URL, or the reason why it has neither" in message
    assert ("The archiver has not yet tried" in message) == (situation == "queued")
    assert Claim.objects.get(public_id=claim_id).status == Status.DRAFT


# The queue, emptied by a real worker --------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("database_tasks", "restore_signals")
def test_a_queued_attempt_waits_then_the_worker_archives_it(article, editor, client):
    source = SourceFactory(url=article, archived_url="")
    attempt = request_archive(source=source, requested_by=editor)
    # Queued: a task row waits in the database; nothing was fetched yet.
    assert (attempt.outcome, attempt.tried_at, attempt.succeeded) == ("queued", None, None)
    task = DBTaskResult.objects.get()
    assert task.task_path == "evidence.tasks.archive_attempt"
    assert task.args_kwargs["args"] == [attempt.pk]
    assert task.status == "READY"
    assert archive_state(source).state == ArchiveState.QUEUED
    assert "has not tried yet" in text_of(client.get(source.get_absolute_url()))

    run_worker()

    task.refresh_from_db()
    attempt.refresh_from_db()
    assert task.status == "SUCCESSFUL", task.traceback
    assert task.return_value["outcome"] == "archived"
    assert attempt.outcome == ArchiveAttempt.Outcome.ARCHIVED
    assert task.return_value["snapshot"] == attempt.snapshot.sha256
    assert attempt.snapshot.media_type == "application/warc"
    # Staged in the requester's name, published with the next update.
    change = Change.objects.get(state=Change.State.PENDING)
    assert (change.proposed, change.created_by) == ({"snapshot": attempt.snapshot.sha256}, editor)
    publish(change, key="archived")
    source.refresh_from_db()
    assert source.snapshot == attempt.snapshot
    assert archive_state(source).state == ArchiveState.ARCHIVED
    # Running the worker again finds nothing to do: the attempt is not made twice.
    run_worker()
    assert ArchiveAttempt.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("database_tasks", "restore_signals")
def test_the_worker_records_a_failed_attempt(http_server, allow_loopback_fetching):
    source = SourceFactory(url=http_server.url("/vanished"), archived_url="")
    attempt = request_archive(source=source)
    assert archive_state(source).state == ArchiveState.QUEUED
    run_worker()
    attempt.refresh_from_db()
    assert attempt.outcome == ArchiveAttempt.Outcome.FAILED
    assert attempt.status_code == 404
    assert "HTTP 404" in attempt.error
    assert attempt.tried_at is not None
    assert archive_state(source).state == ArchiveState.FAILED
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"  # the task ran; the fetch failed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("database_tasks", "restore_signals")
def test_check_sources_queue_is_run_by_the_worker(http_server, allow_loopback_fetching):
    http_server.page("/live", b"here")
    live = SourceFactory(url=http_server.url("/live"))
    gone = SourceFactory(url=http_server.url("/gone"))
    out = io.StringIO()
    call_command("check_sources", "--queue", stdout=out)
    assert "2 checks queued." in out.getvalue()
    assert not SourceCheck.objects.exists()
    run_worker()
    checks = {check.source_id: check for check in SourceCheck.objects.all()}
    assert checks[live.pk].status_code == 200
    assert checks[gone.pk].status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("database_tasks", "restore_signals")
def test_the_submitters_notice_is_a_task_that_carries_no_address(editor):
    source = SourceFactory()
    correction, token = corrections.submit_correction(
        target=source,
        what_is_wrong="The title is wrong.",
        proposed_fix="Another title.",
        name="A. Reader",
        email="reader@example.org",
        ip="127.0.0.1",
    )
    # The receipt waits in the queue too: its tracking link is sealed, never in the clear.
    receipt = DBTaskResult.objects.get()
    assert receipt.task_path == "editorial.tasks.notify_correction_received"
    assert token not in str(receipt.args_kwargs)
    corrections.transition(correction=correction, to="accepted", actor=editor)
    change = staging.stage_edit(
        record=source, fields={"title": "Another title"}, user=editor, correction=correction
    )
    update = publish(change, key="notice")
    # Published: the notice waits in the queue, keyed by the correction, not the address.
    assert mail.outbox == []
    task = DBTaskResult.objects.exclude(pk=receipt.pk).get()
    assert task.task_path == "editorial.tasks.notify_correction_published"
    assert task.args_kwargs["args"] == [correction.pk, update.number]
    assert "reader@example.org" not in str(task.args_kwargs)
    run_worker()
    assert [message.to for message in mail.outbox] == [["reader@example.org"]] * 2
    assert token in mail.outbox[0].body
    assert f"published in update {update.number}" in mail.outbox[1].subject
    assert Correction.objects.get(pk=correction.pk).status == Correction.Status.PUBLISHED
    assert CorrectionContact.objects.filter(correction=correction).exists()


@pytest.mark.django_db
def test_with_tasks_run_inline_the_notice_is_mailed_once_the_publish_commits(
    editor, django_capture_on_commit_callbacks
):
    source = SourceFactory()
    correction, _token = corrections.submit_correction(
        target=source,
        what_is_wrong="The title is wrong.",
        proposed_fix="Another title.",
        email="reader@example.org",
    )
    corrections.transition(correction=correction, to="accepted", actor=editor)
    change = staging.stage_edit(
        record=source, fields={"title": "Another title"}, user=editor, correction=correction
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        update = publish(change, key="inline")
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [["reader@example.org"]]
    assert f"update {update.number}" in mail.outbox[0].subject


# manage.py archive_sources ------------------------------------------------------------


@pytest.mark.django_db
def test_archive_sources_now_archives_here_and_prints_each_outcome(article, http_server):
    ok = SourceFactory(url=article, archived_url="")
    gone = SourceFactory(url=http_server.url("/gone"), archived_url="")
    output = run(ok.public_id, gone.public_id, "--now")
    assert f"{ok.public_id} archived: WARC " in output
    assert "HTTP 200" in output
    assert f"{gone.public_id} failed: The server answered HTTP 404" in output
    assert "2 sources: 1 archived, 1 failed." in output


@pytest.mark.django_db
@pytest.mark.usefixtures("database_tasks")
def test_archive_sources_queues_by_default_and_all_skips_what_is_done_or_waiting(article):
    fresh = SourceFactory(url=article, archived_url="")
    waiting = source_in("queued", url=article)
    failed = source_in("failed", url=article)
    held = source_in("archived (snapshot)", url=article)
    SourceFactory(url=article, status=Status.WITHDRAWN, withdrawn_reason="Duplicate")
    SourceFactory(url="", archived_url="")  # nothing to fetch
    output = run("--all")
    assert f"{fresh.public_id} queued (attempt " in output
    assert "1 source: 1 queued." in output
    assert fresh.archive_attempts.get().outcome == ArchiveAttempt.Outcome.QUEUED
    assert DBTaskResult.objects.count() == 1
    # --retry-failed takes the failed one; naming a source takes it whatever its state.
    output = run("--retry-failed", held.public_id)
    assert f"{failed.public_id} queued" in output
    assert f"{held.public_id} queued" in output
    assert waiting.public_id not in output
    assert archive_state(failed).state == ArchiveState.QUEUED


@pytest.mark.django_db
def test_archive_sources_says_what_it_needs():
    with pytest.raises(CommandError, match="Name the sources, or give --all or --retry-failed"):
        run()
    with pytest.raises(CommandError, match="SRC0404"):
        run("SRC0404")
