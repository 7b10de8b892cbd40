"""Later updates of the seed dataset, replayed through the editorial workflow.

`seeds/*.json` is update 1 as first published. Each file in `seeds/updates/`
is one later update as the staff made it: the corrections it answers (each
submitted, then accepted or declined with a public response) and the changes
staged for them, published as the next numbered update. Replaying a file
calls the functions the staff pages call (editorial.corrections, staging,
publishing), so a fresh database has the public correction log and the
changelogs the deployed hub has, not a silently edited update 1.

A file (seeds/README.md, "Later updates") holds:

    {"summary": "...", "notes": "...",
     "corrections": [{"target": "C0015" or null, "what_is_wrong": "...",
                      "proposed_fix": "...", "evidence": "...",
                      "decision": "accepted" or "declined", "public_response": "...",
                      "changes": [change, ...]}],
     "changes": [change, ...],
     "archive_attempts": [{"source": "SRC0050", "tried_at": "2026-12-07T13:21:05Z",
                           "error": "..."}]}

where a change is `{"create": "<kind>", "fields": {...}}`, `{"edit": "<id>",
"fields": {...}}`, `{"withdraw": "<id>", "reason": "..."}` or
`{"merge": "<id>", "into": "<id>"}`, with fields written as in the seed files.
An archive attempt is a failed try of the hub's archiver at a source's URL, as
it happened where the seed was built (the time and the error it gave): the
publish check accepts a source the hub tried to archive, and its page says
when and why the try failed, so a fresh database shows the truth rather than
an archive state nobody observed. Successful captures are not replayed: their
WARC files are not part of the repository.
"""

import datetime
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from entities.models import Firm, Relationship, SanctionsDesignation, Site
from evidence.archiving import ArchiveAttempt
from evidence.models import Citation, Claim, Source
from hub.records import find_record

from . import corrections, publishing, staging
from .models import Correction, Update

KINDS = {
    "firm": Firm,
    "relationship": Relationship,
    "designation": SanctionsDesignation,
    "site": Site,
    "source": Source,
    "claim": Claim,
    "citation": Citation,
}
DECISIONS = {"accepted": Correction.Status.ACCEPTED, "declined": Correction.Status.DECLINED}
FAILURES = (
    staging.StagingRefused,
    corrections.TransitionRefused,
    ValidationError,
    IntegrityError,
    LookupError,
    ValueError,
    TypeError,
)


class HistoryError(Exception):
    """A file of seeds/updates/ cannot be replayed; nothing of it was stored."""


def history_files(folder):
    """The files of `folder`/updates, in the order they are published."""
    updates = Path(folder) / "updates"
    return sorted(updates.glob("*.json")) if updates.is_dir() else []


def idempotency_key(path):
    # By file name, not content: a file once published is history, and
    # editing it later must not publish it a second time.
    return f"seeds-file-{Path(path).stem}"[:64]


def replayed(path):
    return Update.objects.filter(idempotency_key=idempotency_key(path)).first()


@transaction.atomic
def replay(*, path):
    """Publish the update that `path` describes; None when it was published already."""
    if replayed(path) is not None:
        return None
    try:
        spec = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise HistoryError(f"{Path(path).name} cannot be read: {error}") from error
    if not isinstance(spec, dict) or not spec.get("summary"):
        raise HistoryError(f"{Path(path).name} needs an object with a summary.")
    staged = []
    for number, item in enumerate(spec.get("corrections", []), start=1):
        where = f"{Path(path).name}, correction {number}"
        try:
            with transaction.atomic():
                staged += _answer(item)
        except FAILURES as error:
            raise HistoryError(f"{where}: {error}") from error
    for number, change in enumerate(spec.get("changes", []), start=1):
        where = f"{Path(path).name}, change {number}"
        try:
            with transaction.atomic():
                staged.append(_stage(change, correction=None))
        except FAILURES as error:
            raise HistoryError(f"{where}: {error}") from error
    if not staged:
        raise HistoryError(f"{Path(path).name} stages no change.")
    for number, attempt in enumerate(spec.get("archive_attempts", []), start=1):
        try:
            with transaction.atomic():
                _record_attempt(attempt)
        except FAILURES as error:
            raise HistoryError(f"{Path(path).name}, archive attempt {number}: {error}") from error
    try:
        return publishing.publish_update(
            change_ids=[change.pk for change in staged],
            summary=spec["summary"],
            notes=spec.get("notes", ""),
            idempotency_key=idempotency_key(path),
        )
    except publishing.PublishRefused as error:
        raise HistoryError(f"{Path(path).name}: {error}") from error


def _answer(item):
    """Submit one correction, decide it as the file says, stage its changes."""
    target = None
    if item.get("target"):
        target = find_record(item["target"])
        if target is None:
            raise LookupError(f"no record {item['target']}")
    decision = DECISIONS.get(item.get("decision"))
    if decision is None:
        raise ValueError('"decision" must be "accepted" or "declined"')
    changes = item.get("changes", [])
    if decision == Correction.Status.DECLINED and changes:
        raise ValueError("a declined correction stages no change")
    if decision == Correction.Status.ACCEPTED and not changes:
        raise ValueError("an accepted correction stages the changes that answer it")
    correction, _token = corrections.submit_correction(
        target=target,
        what_is_wrong=item["what_is_wrong"],
        proposed_fix=item["proposed_fix"],
        evidence=item.get("evidence", ""),
    )
    corrections.transition(
        correction=correction,
        to=decision,
        actor=None,
        public_response=item.get("public_response", ""),
    )
    return [_stage(change, correction=correction) for change in changes]


def _stage(change, *, correction):
    if "create" in change:
        model = KINDS.get(change["create"])
        if model is None:
            raise LookupError(f"unknown kind {change['create']!r}; one of {', '.join(KINDS)}")
        fields = dict(change["fields"])
        public_id = fields.pop("public_id", None)
        return staging.stage_new(
            model=model, fields=fields, user=None, correction=correction, public_id=public_id
        )
    for action in ("edit", "withdraw", "merge"):
        if action in change:
            record = find_record(change[action])
            if record is None:
                raise LookupError(f"no record {change[action]}")
            break
    else:
        raise ValueError("a change is one of create, edit, withdraw or merge")
    if action == "edit":
        return staging.stage_edit(
            record=record, fields=change["fields"], user=None, correction=correction
        )
    if action == "withdraw":
        return staging.stage_withdrawal(
            record=record, reason=change.get("reason", ""), user=None, correction=correction
        )
    into = find_record(change.get("into", ""))
    if into is None:
        raise LookupError(f"no record {change.get('into')!r} to merge into")
    return staging.stage_merge(record=record, into=into, user=None, correction=correction)


def _record_attempt(attempt):
    """Store one failed archive attempt of a source, as the archiver recorded it."""
    source = find_record(attempt["source"])
    if not isinstance(source, Source):
        raise LookupError(f"no source {attempt['source']}")
    if not source.url:
        raise ValueError(f"{source.public_id} has no URL to archive")
    tried_at = datetime.datetime.fromisoformat(attempt["tried_at"])
    if tried_at.tzinfo is None:
        raise ValueError("tried_at needs a time zone (write Z for UTC)")
    error = attempt.get("error", "").strip()
    if not error:
        raise ValueError("a failed attempt says why it failed")
    ArchiveAttempt.objects.create(
        source=source,
        url=attempt.get("url", source.url),
        requested_at=tried_at,
        tried_at=tried_at,
        outcome=ArchiveAttempt.Outcome.FAILED,
        error=error[:500],
    )
