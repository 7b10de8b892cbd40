"""Publishing: staged changes become update N, all at once or not at all.

The only code that changes published data. A newcomer's path through a
publish is `_publish` below, top to bottom; each step is one call:

1. lock: a PostgreSQL advisory lock, so publishes queue one behind another;
2. idempotency: a retried publish returns the update its key already made;
3. the pending changes, locked, in APPLY_ORDER, and the update's number;
4. apply (publishing.apply): each change to its record, with its exact diff;
5. impact (editorial.impact): what the changes did, read once from their diffs;
6. regrade (publishing.rules): the confidence grades the changes move;
7. derived refresh (derived.refresh): the stored counts readers see;
8. invariants (publishing.rules): refuse, rolling back, if a published claim
   would lack a located citation or cite an unarchived source;
9. the update's counts of added, changed and withdrawn records;
10. corrections closed (editorial.corrections), their notices queued;
11. the update's frozen data package (downloads.package);
12. once committed, every app server's page cache moves to the new update.
"""

import logging

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

import derived
from downloads import integrity, package
from hub import audit
from hub import cache as hub_cache
from hub.text import check_field

from .. import immutability
from ..corrections import close_answered_corrections
from ..impact import UpdateImpact
from ..models import Change, Update
from ..staging import describe
from . import rules
from .apply import PublishBatch, apply_change

logger = logging.getLogger("hub.editorial")

# Creations first, so that edits and merges can point at them.
APPLY_ORDER = {
    Change.Action.CREATE: 0,
    Change.Action.EDIT: 1,
    Change.Action.MERGE: 2,
    Change.Action.WITHDRAW: 3,
}
PUBLISH_LOCK = 7_401_201  # any constant: the PostgreSQL advisory lock that serialises publishing


class PublishRefused(Exception):
    """The update cannot be published; nothing was changed."""


def publish_update(*, change_ids, summary, notes="", published_by=None, idempotency_key):
    """Publish the staged changes `change_ids` as the next numbered update.

    All of them go live together or none does. Retrying with the same
    idempotency key returns the update that key already made.
    """
    try:
        return _publish(
            change_ids=change_ids,
            summary=summary,
            notes=notes,
            published_by=published_by,
            idempotency_key=idempotency_key,
            # The package folder is placed once the publish's own transaction commits.
            after_commit=not connection.in_atomic_block,
        )
    except IntegrityError:
        integrity.discard_unplaced()
        # A concurrent publish with the same key won the race (SQLite has no
        # advisory lock to make us wait for it): answer with its update.
        existing = Update.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    except BaseException:
        # Lost at COMMIT or before: the package folder waiting for the commit goes too.
        integrity.discard_unplaced()
        raise


@transaction.atomic
def _publish(*, change_ids, summary, notes, published_by, idempotency_key, after_commit):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLISH_LOCK])
    existing = Update.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        _restore_package(existing, after_commit)
        return existing
    pending = _pending_changes(change_ids)
    try:
        summary = check_field(Update, "summary", summary)
        notes = check_field(Update, "notes", notes)
    except ValidationError as error:
        raise PublishRefused(describe(error)) from error
    number = (Update.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    # The only writer of public rows: the database refuses them elsewhere (editorial.immutability).
    with immutability.publishing(number):
        return _apply(number, pending, summary, notes, published_by, idempotency_key, after_commit)


def _apply(number, pending, summary, notes, published_by, idempotency_key, after_commit):
    update = Update.objects.create(
        number=number,
        summary=summary,
        notes=notes,
        published_by=published_by,
        published_at=timezone.now(),
        idempotency_key=idempotency_key,
    )

    # What the changes need is read in bulk once, then each is applied from memory.
    batch = PublishBatch(pending, update)
    for change in pending:
        apply_change(change, batch=batch)
    batch.finish()

    # What the applied changes did, read once from their diffs in memory; the
    # changes regrading makes or rewrites are added to it.
    impact = UpdateImpact.of_changes(pending)
    to_check = rules.claims_to_check(impact)  # the staged changes', before regrading adds its own
    regraded = rules.regrade_claims(update, pending, published_by, impact=impact)
    derived.refresh(impact)  # the stored counts of the lists follow what this update changed
    rules.check_public_invariants(claims=to_check)

    update.added = sum(change.action == Change.Action.CREATE for change in pending)
    update.changed = sum(change.action == Change.Action.EDIT for change in pending)
    update.withdrawn = len(pending) - update.added - update.changed
    update.changed += len(regraded)
    update.save(update_fields=["added", "changed", "withdrawn"])
    close_answered_corrections(update=update, changes=pending, actor=published_by)

    # Last: the frozen downloads, read from exactly the state this update makes public.
    package.build_package(
        update, answered=rules.answered_corrections(pending), after_commit=after_commit
    )
    logger.info("update %s published by %s: %s changes", update.number, published_by, len(pending))
    audit.log("update.published", actor=published_by, update=update.number, changes=len(pending))
    # Once committed, every app server's cached pages move to the new update's
    # keys, whether this ran in a request, a command or a shell.
    transaction.on_commit(hub_cache.update_published)
    return update


def _restore_package(update, after_commit):
    """Write the package of a retried publish whose first attempt committed without it.

    A connection lost after the server took the COMMIT leaves the update
    without its folder (it is placed only once the commit is known). The live
    rows are still that update's state while it is the latest.
    """
    latest = Update.objects.aggregate(n=Max("number"))["n"]
    if package.directory(update.number).is_dir() or update.is_synthetic or update.number != latest:
        return
    changes = sorted(
        Change.objects.filter(update=update).select_related("correction"),
        key=lambda change: (APPLY_ORDER[change.action], change.pk),
    )
    logger.warning("update %s had no package folder: written again", update.number)
    package.build_package(
        update, answered=rules.answered_corrections(changes), after_commit=after_commit
    )


def _pending_changes(change_ids):
    """The changes `change_ids`, locked, in APPLY_ORDER; refused unless every one is pending."""
    ids = set(change_ids)
    if not ids:
        raise PublishRefused("Choose at least one staged change to publish.")
    pending = list(
        Change.objects.select_for_update().filter(pk__in=ids, state=Change.State.PENDING)
    )
    if len(pending) != len(ids):
        gone = sorted(ids - {change.pk for change in pending})
        raise PublishRefused(
            f"Changes {gone} are no longer pending (published or discarded meanwhile)."
        )
    pending.sort(key=lambda change: (APPLY_ORDER[change.action], change.pk))
    for change in pending:  # from the cache, not one query per change
        change.content_type = ContentType.objects.get_for_id(change.content_type_id)
    return pending
