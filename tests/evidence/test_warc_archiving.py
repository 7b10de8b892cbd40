"""The hub's own archived copies: WARC files of what a local server sent, stored and staged.

Every page here is served by the test's own HTTP server on 127.0.0.1
(tests/conftest.py: http_server), which loopback fetching is allowed to reach.
"""

import datetime
import hashlib
import io
from pathlib import Path

import pytest
from django.utils.html import strip_tags
from warcio.archiveiterator import ArchiveIterator

from editorial import publishing
from editorial.models import Change
from evidence.archiver import WARC_MEDIA_TYPE, archive_source
from evidence.archiving import ArchiveAttempt, ArchiveState, archive_state
from evidence.models import Source
from hub.models import Status
from tests.factories import SourceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback_fetching")]

ARTICLE = (
    "<html><head><title>Ведомости</title></head><body><h1>Shipments to Luhansk</h1>"
    "<p>三一重工 delivered 12 excavators.</p></body></html>"
).encode()


@pytest.fixture
def article(http_server):
    http_server.page("/article", ARTICLE)
    return http_server.url("/article")


def text_of(response):
    return " ".join(strip_tags(response.content.decode()).split())


def records_of(snapshot):
    """The WARC records of a stored snapshot, read back from its file with warcio."""
    data = Path(snapshot.file.path).read_bytes()
    records = []
    for record in ArchiveIterator(io.BytesIO(data)):
        records.append(
            {
                "type": record.rec_type,
                "uri": record.rec_headers.get_header("WARC-Target-URI"),
                "id": record.rec_headers.get_header("WARC-Record-ID"),
                "concurrent": record.rec_headers.get_header("WARC-Concurrent-To"),
                "ip": record.rec_headers.get_header("WARC-IP-Address"),
                "status": record.http_headers.get_statuscode() if record.http_headers else None,
                "http": record.http_headers,
                "payload": record.content_stream().read(),
            }
        )
    return data, records


def test_a_source_is_archived_as_a_warc_that_reads_back(article, http_server, editor):
    source = SourceFactory(url=article, archived_url="")
    before = datetime.datetime.now(datetime.UTC)
    attempt = archive_source(source=source, requested_by=editor)
    after = datetime.datetime.now(datetime.UTC)

    assert attempt.outcome == ArchiveAttempt.Outcome.ARCHIVED
    assert attempt.succeeded is True
    assert (attempt.status_code, attempt.error, attempt.final_url) == (200, "", "")
    assert before <= attempt.tried_at <= after
    snapshot = attempt.snapshot
    assert snapshot.media_type == WARC_MEDIA_TYPE == "application/warc"
    assert before <= snapshot.retrieved_at <= after  # the capture time
    assert snapshot.original_name.startswith(source.public_id)
    assert snapshot.original_name.endswith(".warc.gz")

    data, records = records_of(snapshot)
    # Content-addressed: the stored file's own SHA-256 is the snapshot's name.
    assert hashlib.sha256(data).hexdigest() == snapshot.sha256
    assert len(data) == snapshot.size
    assert data[:2] == b"\x1f\x8b"  # gzip
    assert [r["type"] for r in records] == ["warcinfo", "response", "request"]
    response, request = records[1], records[2]
    assert response["uri"] == request["uri"] == article
    assert response["status"] == "200"
    assert response["payload"] == ARTICLE  # byte for byte what the server sent
    assert response["http"].get_header("Content-Type") == "text/html; charset=utf-8"
    assert response["ip"] == "127.0.0.1"
    assert request["concurrent"] == response["id"]
    assert request["http"].protocol == "GET"
    assert request["http"].get_header("Host") == f"127.0.0.1:{http_server.port}"


def test_the_copy_of_a_published_source_is_staged_then_published_like_any_edit(
    article, editor, client
):
    source = SourceFactory(url=article, archived_url="")
    attempt = archive_source(source=source, requested_by=editor)
    change = Change.objects.get(state=Change.State.PENDING)
    assert (change.public_id, change.action, change.created_by) == (
        source.public_id,
        Change.Action.EDIT,
        editor,
    )
    assert change.proposed == {"snapshot": attempt.snapshot.sha256}
    assert "Staged as change" in attempt.note
    # Nothing public changes before the update.
    source.refresh_from_db()
    assert source.snapshot is None
    assert archive_state(source).state == ArchiveState.NONE
    assert attempt.snapshot.sha256 not in client.get(source.get_absolute_url()).content.decode()

    publishing.publish_update(change_ids=[change.pk], summary="Archived copy", idempotency_key="a")
    source.refresh_from_db()
    assert source.snapshot == attempt.snapshot
    assert archive_state(source).state == ArchiveState.ARCHIVED
    page = client.get(source.get_absolute_url())
    body = page.content.decode()
    assert attempt.snapshot.sha256 in body
    assert "A WARC file, gzipped" in text_of(page)
    assert f"/sources/{source.public_id}/snapshot/" in body
    download = client.get(f"/sources/{source.public_id}/snapshot/")
    assert download["Content-Type"] == "application/warc"
    assert b"".join(download.streaming_content) == Path(attempt.snapshot.file.path).read_bytes()


def test_a_draft_source_gets_its_copy_at_once(article):
    draft = SourceFactory(url=article, archived_url="", status=Status.DRAFT, last_update=None)
    attempt = archive_source(source=draft)
    draft.refresh_from_db()
    assert draft.snapshot == attempt.snapshot
    assert not Change.objects.exists()
    assert attempt.note == "Set on the draft source."


def test_every_hop_of_a_redirect_is_in_the_warc(http_server, article):
    http_server.redirect("/old-address", "/article", status=301)
    source = SourceFactory(url=http_server.url("/old-address"), archived_url="")
    attempt = archive_source(source=source)
    assert attempt.final_url == article
    _data, records = records_of(attempt.snapshot)
    responses = [r for r in records if r["type"] == "response"]
    assert [(r["uri"], r["status"]) for r in responses] == [
        (http_server.url("/old-address"), "301"),
        (article, "200"),
    ]
    assert responses[0]["http"].get_header("Location") == "/article"
    assert responses[1]["payload"] == ARTICLE


def test_a_chunked_page_is_stored_joined_and_says_so(http_server):
    def chunked(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for part in [b"first part, ", b"second part"]:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        handler.wfile.write(b"0\r\n\r\n")

    http_server.route("/chunked", chunked)
    attempt = archive_source(source=SourceFactory(url=http_server.url("/chunked")))
    _data, records = records_of(attempt.snapshot)
    response = records[1]
    assert response["payload"] == b"first part, second part"
    assert response["http"].get_header("Transfer-Encoding") is None
    assert response["http"].get_header("Content-Length") == "23"


def test_a_page_that_is_gone_is_a_failed_attempt_that_the_page_reports(http_server, client):
    source = SourceFactory(url=http_server.url("/removed"), archived_url="")
    attempt = archive_source(source=source)
    assert attempt.outcome == ArchiveAttempt.Outcome.FAILED
    assert attempt.succeeded is False
    assert attempt.status_code == 404
    assert attempt.error == "The server answered HTTP 404 (Not Found), not the page."
    assert attempt.snapshot is None
    assert not Change.objects.exists()
    status = archive_state(source)
    assert (status.state, status.publishable, status.attempt) == ("failed", True, attempt)
    page = text_of(client.get(source.get_absolute_url()))
    assert "The hub tried to archive this page on" in page
    assert "HTTP 404 (Not Found)" in page


def test_an_internal_address_is_a_failed_attempt_without_any_request(http_server, settings, client):
    settings.HUB_FETCH_ALLOW_LOOPBACK = False
    source = SourceFactory(url=http_server.url("/article"), archived_url="")
    attempt = archive_source(source=source)
    assert attempt.outcome == ArchiveAttempt.Outcome.FAILED
    assert "a loopback address" in attempt.error
    assert http_server.requests == []
    assert "Traceback" not in text_of(client.get(source.get_absolute_url()))


def test_a_response_over_the_size_limit_fails_and_stores_nothing(http_server, settings):
    settings.HUB_FETCH_MAX_BYTES = 1000
    http_server.page("/huge", b"h" * 5000)
    attempt = archive_source(source=SourceFactory(url=http_server.url("/huge")))
    assert attempt.outcome == ArchiveAttempt.Outcome.FAILED
    assert "larger than the hub's limit" in attempt.error
    assert not Path(settings.HUB_SNAPSHOTS_ROOT).exists() or not any(
        Path(settings.HUB_SNAPSHOTS_ROOT).rglob("*")
    )


def test_the_internet_archive_is_asked_too_when_the_setting_is_on(
    http_server, article, settings, editor
):
    # The local server stands in for the Wayback Machine's save endpoint.
    settings.HUB_ARCHIVE_INTERNET_ARCHIVE = True
    settings.HUB_INTERNET_ARCHIVE_SAVE_URL = http_server.url("/save/")
    wayback = f"/web/20261207120000/{article}"
    http_server.redirect(f"/save/{article}", wayback)
    http_server.page(wayback, b"the Wayback Machine's copy")
    source = SourceFactory(url=article, archived_url="")
    attempt = archive_source(source=source, requested_by=editor)
    assert attempt.outcome == ArchiveAttempt.Outcome.ARCHIVED
    assert attempt.internet_archive_url == http_server.url(wayback)
    assert attempt.internet_archive_error == ""
    # Its address is staged with the snapshot, for the editors to publish.
    change = Change.objects.get(state=Change.State.PENDING)
    assert change.proposed == {
        "snapshot": attempt.snapshot.sha256,
        "archived_url": http_server.url(wayback),
    }


def test_the_internet_archive_is_not_asked_by_default(http_server, article):
    assert archive_source(source=SourceFactory(url=article)).internet_archive_url == ""
    assert not [path for path in http_server.paths() if path.startswith("/save/")]


def test_a_source_without_a_url_fails_with_a_reason():
    source = SourceFactory(url="", archived_url="")
    attempt = archive_source(source=source)
    assert (attempt.outcome, attempt.error) == ("failed", "The source has no URL to archive.")
    assert Source.objects.get(pk=source.pk).snapshot is None


def test_an_unexpected_failure_is_recorded_not_left_queued(article, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("evidence.archiver.write_warc", broken)
    attempt = archive_source(source=SourceFactory(url=article, archived_url=""))
    assert attempt.outcome == ArchiveAttempt.Outcome.FAILED
    assert attempt.error == "The archiver failed unexpectedly; the hub's log has the details."
    assert "disk on fire" not in attempt.error
    assert "disk on fire" in caplog.text  # the details are in the log, for staff
