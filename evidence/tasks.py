"""Background work on sources (django.tasks; run by `manage.py db_worker`).

Both tasks take primary keys, not objects: a task is a row of JSON in the
queue, and the record is read as it is when the worker gets to it.
"""

from django.tasks import task

from . import archiver, archiving, linkcheck


@task()
def archive_attempt(attempt_id):
    """Make the queued archive attempt `attempt_id` (see evidence.archiver.request_archive)."""
    attempt = (
        archiving.ArchiveAttempt.objects.select_related("source", "requested_by")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None:
        return {"attempt": attempt_id, "outcome": "missing"}
    if attempt.outcome == archiving.ArchiveAttempt.Outcome.QUEUED:
        # Only a queued attempt is made: a task that runs twice (a worker
        # stopped half-way, then restarted) does not fetch twice.
        attempt = archiver.archive_source(
            source=attempt.source, requested_by=attempt.requested_by, attempt=attempt
        )
    return {
        "attempt": attempt.pk,
        "source": attempt.source.public_id,
        "outcome": attempt.outcome,
        "snapshot": attempt.snapshot.sha256 if attempt.snapshot_id else None,
        "error": attempt.error,
    }


@task()
def check_link(source_id, timeout=10.0):
    """Check a source's original URL once and record it (see evidence.linkcheck)."""
    from .models import Source

    source = Source.objects.filter(pk=source_id).exclude(url="").first()
    if source is None:
        return {"source": source_id, "checked": False}
    check = linkcheck.check_source(source, timeout=timeout)
    return {
        "source": source.public_id,
        "checked": True,
        "status_code": check.status_code,
        "error": check.error,
    }
