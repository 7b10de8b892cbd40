"""The hub's archiver: a source's page fetched safely and kept as a WARC file.

`request_archive` queues an attempt (evidence.tasks runs it on the worker);
`archive_source` fetches the URL through evidence.fetching, writes the
exchange (every hop, request and response) as a gzipped WARC, stores it as
a content-addressed SourceSnapshot and puts it on the source: directly on a
draft, as an ordinary staged edit on a published source, so it becomes
public with the next update like any other change. Every try is recorded
as an ArchiveAttempt (evidence.archiving holds the models and the state rule).
"""

import datetime
import io
import logging
import re
from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import fetching
from .archiving import ArchiveAttempt, store_snapshot

logger = logging.getLogger("hub.archiving")

WARC_MEDIA_TYPE = "application/warc"


def _warc_date(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _stored_headers(exchange):
    """The response headers as archived: the body is kept de-chunked, so say so.

    http.client hands over a chunked body already joined; a WARC reader told
    "Transfer-Encoding: chunked" would try to undo chunking that is no longer
    there. The header is dropped and Content-Length states the stored length.
    """
    headers = list(exchange.headers)
    if any(k.lower() == "transfer-encoding" for k, _v in headers):
        headers = [
            (k, v) for k, v in headers if k.lower() not in {"transfer-encoding", "content-length"}
        ]
        headers.append(("Content-Length", str(len(exchange.body))))
    return headers


def write_warc(result, *, filename=""):
    """The exchanges of a fetch as a gzipped WARC 1.1 file (bytes): per hop a response and its request."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="1.1")
    writer.write_record(
        writer.create_warcinfo_record(
            filename,
            {
                "software": "TOT Insights Hub (evidence.archiving, warcio)",
                "format": "WARC File Format 1.1",
                "description": "A source's URL as the hub fetched it, redirects included.",
            },
        )
    )
    for exchange in result.exchanges:
        common = {
            "WARC-Date": _warc_date(exchange.started_at),
            "WARC-IP-Address": exchange.address,
        }
        response = writer.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(exchange.body),
            length=len(exchange.body),
            http_headers=StatusAndHeaders(
                f"{exchange.status} {exchange.reason}".strip(),
                _stored_headers(exchange),
                protocol=exchange.http_version,
            ),
            warc_headers_dict=dict(common),
        )
        if exchange.truncated:
            response.rec_headers.add_header("WARC-Truncated", "length")
        request = writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(
                f"{exchange.method} {exchange.request_target} HTTP/1.1",
                list(exchange.request_headers),
                is_http_request=True,
            ),
            warc_headers_dict=dict(common),
        )
        writer.write_request_response_pair(request, response)
    return buffer.getvalue()


def request_archive(*, source, requested_by=None):
    """Queue an attempt to archive `source`; the task worker makes it (evidence.tasks).

    The attempt and its task are written in one transaction (the database
    backend keeps tasks in the same database), so neither exists without the
    other. Returns the attempt, as it is once enqueued (a backend that runs
    tasks at once has already tried it).
    """
    from . import tasks

    with transaction.atomic():
        attempt = ArchiveAttempt.objects.create(
            source=source,
            url=source.url,
            requested_at=timezone.now(),
            requested_by=requested_by,
        )
        tasks.archive_attempt.enqueue(attempt.pk)
    attempt.refresh_from_db()
    return attempt


def archive_source(*, source, requested_by=None, attempt=None):
    """Archive `source` now: fetch, write the WARC, store it, stage it. Returns the attempt.

    Runs the given queued `attempt`, or records a new one. The fetch happens
    outside any transaction (it may take a minute); what it produced is then
    written at once.
    """
    if attempt is None:
        attempt = ArchiveAttempt.objects.create(
            source=source, url=source.url, requested_at=timezone.now(), requested_by=requested_by
        )
    url = attempt.url or source.url
    tried_at = timezone.now()
    result, error, warc = None, "", None
    if not url:
        error = "The source has no URL to archive."
    else:
        try:
            result = fetching.fetch(url)
            if not 200 <= result.status_code < 300:
                reason = f" ({result.final.reason})" if result.final.reason else ""
                error = f"The server answered HTTP {result.status_code}{reason}, not the page."
            else:
                stamp = result.final.started_at.strftime("%Y%m%dT%H%M%SZ")
                filename = f"{source.public_id}-{stamp}.warc.gz"
                warc = write_warc(result, filename=filename)
        except fetching.FetchError as failure:
            error = str(failure)
        except Exception:
            # Recorded as a failure, not left queued: a queued attempt holds
            # back publishing. The error shown publicly carries no traceback.
            logger.exception("archiving %s failed unexpectedly", source.public_id)
            error = "The archiver failed unexpectedly; the hub's log has the details."
    internet_archive_url, internet_archive_error = "", ""
    if url and settings.HUB_ARCHIVE_INTERNET_ARCHIVE:
        internet_archive_url, internet_archive_error = ask_internet_archive(url)

    with transaction.atomic():
        attempt.tried_at = tried_at
        attempt.internet_archive_url = internet_archive_url
        attempt.internet_archive_error = internet_archive_error[:500]
        if result is not None:
            attempt.status_code = result.status_code
            final_url = result.final_url if result.final_url != url else ""
            attempt.final_url = final_url if len(final_url) <= 1000 else ""
        if warc is not None:
            attempt.snapshot = store_snapshot(
                content=warc,
                media_type=WARC_MEDIA_TYPE,
                retrieved_at=result.final.started_at,
                original_name=filename,
            )
            attempt.outcome = ArchiveAttempt.Outcome.ARCHIVED
        else:
            attempt.outcome = ArchiveAttempt.Outcome.FAILED
            attempt.error = error[:500]
        attempt.note = _put_on_source(attempt, source, requested_by or attempt.requested_by)[:300]
        attempt.save()
    logger.info("archive of %s: %s %s", source.public_id, attempt.outcome, attempt.error)
    return attempt


def _put_on_source(attempt, source, user):
    """Stage what the attempt made onto the source; returns what was done, for staff."""
    from editorial import staging
    from hub.models import Status

    fields = {}
    if attempt.snapshot is not None and attempt.snapshot_id != source.snapshot_id:
        fields["snapshot"] = attempt.snapshot.sha256
    # The Wayback Machine's copy fills an empty archived_url, reviewed like the snapshot.
    if attempt.internet_archive_url and not source.archived_url:
        fields["archived_url"] = attempt.internet_archive_url
    if not fields:
        return ""
    if source.status == Status.DRAFT:
        # Not public yet: the draft carries it, and publishing the draft publishes it.
        if "snapshot" in fields:
            source.snapshot = attempt.snapshot
        if "archived_url" in fields:
            source.archived_url = fields["archived_url"]
        source.save(update_fields=[*(f for f in ("snapshot", "archived_url") if f in fields)])
        return "Set on the draft source."
    try:
        change = staging.stage_edit(record=source, fields=fields, user=user)
    except staging.StagingRefused as refused:
        return f"Not staged: {refused}"
    return f"Staged as change {change.pk} for the next update."


_WAYBACK_ADDRESS = re.compile(r"/web/\d{4,}")


def ask_internet_archive(url):
    """Ask the Wayback Machine to capture `url`: (its address, "") or ("", why not)."""
    save_url = settings.HUB_INTERNET_ARCHIVE_SAVE_URL
    try:
        result = fetching.fetch(f"{save_url}{url}", max_bytes=1024 * 1024, partial=True)
    except fetching.FetchError as failure:
        return "", f"The Internet Archive did not save it: {failure}"
    address = ""
    for exchange in result.exchanges:
        for header in ("Location", "Content-Location"):
            value = exchange.header(header)
            if not address and value and _WAYBACK_ADDRESS.search(value):
                address = urljoin(exchange.url, value)
    if not address and _WAYBACK_ADDRESS.search(result.final_url) and result.status_code < 400:
        address = result.final_url
    if not address:
        return "", f"The Internet Archive answered HTTP {result.status_code} and gave no address."
    if len(address) > 1000:
        return "", "The Internet Archive's address is too long to record."
    return address, ""
