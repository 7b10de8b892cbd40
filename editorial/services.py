"""The only code that changes published data, and the corrections workflow.

Every function here is keyword-only and runs in one transaction; views,
admin actions, management commands and tests all call these, never the
models' save() directly, for anything the public can see.

- submit_correction: anyone; stores the correction and its private contact.
- transition / assign / add_note: staff moderation, every step recorded.
- stage_new / stage_edit / stage_withdrawal / stage_merge: editors stage
  changes; nothing public changes.
- publish_update: a reviewer publishes staged changes as update N, all at
  once or not at all.
"""

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Length
from django.utils import timezone, translation

import derived
from downloads import package
from hub import audit, transliteration
from hub import cache as hub_cache
from hub.clientip import ip_hash
from hub.models import Status

from . import values
from .impact import UpdateImpact
from .models import (
    Change,
    Correction,
    CorrectionContact,
    StaffNote,
    Transition,
    Update,
    hash_token,
    new_tracking_token,
)

logger = logging.getLogger("hub.editorial")

# Which statuses a correction may move to, from which.
ALLOWED_TRANSITIONS = {
    Correction.Status.IN_REVIEW: {Correction.Status.RECEIVED, Correction.Status.NEEDS_INFO},
    Correction.Status.NEEDS_INFO: {Correction.Status.RECEIVED, Correction.Status.IN_REVIEW},
    Correction.Status.ACCEPTED: set(Correction.OPEN),
    Correction.Status.DECLINED: set(Correction.OPEN),
    Correction.Status.DUPLICATE: set(Correction.OPEN),
}
# Publishing applies creations first so that edits and merges can point at them.
APPLY_ORDER = {
    Change.Action.CREATE: 0,
    Change.Action.EDIT: 1,
    Change.Action.MERGE: 2,
    Change.Action.WITHDRAW: 3,
}
PUBLISH_LOCK = 7_401_201  # any constant: the PostgreSQL advisory lock that serialises publishing


class TransitionRefused(Exception):
    """The correction is not in a state that allows this step (someone was quicker)."""


class PublishRefused(Exception):
    """The update cannot be published; nothing was changed."""


class StagingRefused(Exception):
    """The staged change would not be valid."""


# Corrections -------------------------------------------------------------


def keyed_hash(value):
    """An IP address as a keyed hash: comparable for abuse control, not reversible."""
    return ip_hash(value)


def stored_label(record):
    """A record's name as the data stores it (correction targets, changelogs, reasons).

    Always in the site's default language: a relationship's name includes its
    translatable kind, and what is stored must not depend on the language the
    person acting happens to read the site in.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return str(record)[:255]


@transaction.atomic
def submit_correction(
    *,
    target=None,
    what_is_wrong,
    proposed_fix,
    evidence="",
    right_of_reply=False,
    name="",
    email="",
    ip="",
):
    """Store a correction from anyone. Returns (correction, tracking token)."""
    token = new_tracking_token()
    fields = {
        "target_type": ContentType.objects.get_for_model(target) if target is not None else None,
        "target_id": target.pk if target is not None else None,
        "target_public_id": getattr(target, "public_id", ""),
        "target_label": stored_label(target) if target is not None else "",
        "what_is_wrong": what_is_wrong,
        "proposed_fix": proposed_fix,
        "evidence": evidence,
        "right_of_reply": right_of_reply,
        "token_hash": hash_token(token),
    }
    # Numbers are sequential; two submissions at once may both try the next
    # one, and the unique constraint sends the later one round again.
    for _attempt in range(10):
        number = (Correction.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                correction = Correction.objects.create(number=number, **fields)
            break
        except IntegrityError:
            continue
    else:
        raise IntegrityError("Could not allocate a correction number; try again.")
    CorrectionContact.objects.create(
        correction=correction, name=name, email=email, ip_hash=keyed_hash(ip) if ip else ""
    )
    Transition.objects.create(correction=correction, from_status="", to_status=correction.status)
    logger.info("correction %s received", correction.reference)
    return correction, token


@transaction.atomic
def transition(*, correction, to, actor, public_response=None, duplicate_of=None):
    """Move a correction to status `to`, if it may; record who, when, from, to.

    The status is changed with a conditional UPDATE, so of any number of
    concurrent calls exactly one succeeds and the rest get TransitionRefused.
    """
    to = Correction.Status(to)
    allowed_from = ALLOWED_TRANSITIONS.get(to)
    if allowed_from is None:
        raise TransitionRefused(f"A correction cannot be moved to {to.label} by hand.")
    if to == Correction.Status.DUPLICATE and (
        duplicate_of is None or duplicate_of.pk == correction.pk
    ):
        raise TransitionRefused("Name the correction this one duplicates.")
    if to == Correction.Status.DECLINED and not (public_response or "").strip():
        raise TransitionRefused("Give the public a reason for declining.")
    current = Correction.objects.filter(pk=correction.pk).values_list("status", flat=True).first()
    fields = {"status": to}
    if to in Correction.DECIDED:
        fields["decided_at"] = timezone.now()
    if public_response is not None:
        fields["public_response"] = public_response
    if duplicate_of is not None:
        fields["duplicate_of"] = duplicate_of
    updated = Correction.objects.filter(
        pk=correction.pk, status=current, status__in=allowed_from
    ).update(**fields)
    if not updated:
        raise TransitionRefused(
            f"{correction.reference} is {Correction.Status(current).label.lower()} and cannot become {to.label.lower()}."
        )
    Transition.objects.create(correction=correction, from_status=current, to_status=to, actor=actor)
    logger.info("correction %s: %s -> %s by %s", correction.reference, current, to, actor)
    audit.log("correction.decision", actor=actor, correction=correction.reference, to=to.value)
    correction.refresh_from_db()
    return correction


@transaction.atomic
def assign(*, correction, assignee, actor):
    Correction.objects.filter(pk=correction.pk).update(assignee=assignee)
    if correction.status == Correction.Status.RECEIVED:
        transition(correction=correction, to=Correction.Status.IN_REVIEW, actor=actor)
    logger.info("correction %s assigned to %s by %s", correction.reference, assignee, actor)
    audit.log(
        "correction.assigned",
        actor=actor,
        correction=correction.reference,
        assignee=audit.actor_name(assignee),
    )
    correction.refresh_from_db()
    return correction


@transaction.atomic
def add_note(*, correction, author, text):
    audit.log("correction.note", actor=author, correction=correction.reference)
    return StaffNote.objects.create(correction=correction, author=author, text=text)


# Staging -----------------------------------------------------------------


def next_public_id(model):
    """The next unused identifier of `model` (identifiers are never reused)."""
    prefix = model.ID_PREFIX
    last = (
        model.objects.filter(public_id__startswith=prefix)
        .annotate(length=Length("public_id"))
        .order_by("-length", "-public_id")
        .values_list("public_id", flat=True)
        .first()
    )
    number = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{number:04d}"


def _validate(instance):
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise StagingRefused(_describe(error)) from error


def _describe(error):
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _change(*, action, record, user, correction, **fields):
    if user is not None:  # a person, not load_seeds
        audit.log(
            "change.staged",
            actor=user,
            action=action,
            record=record.public_id,
            correction=correction.reference if correction else "-",
        )
    return Change.objects.create(
        action=action,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        public_id=record.public_id,
        label=stored_label(record),
        created_by=user,
        correction=correction,
        **fields,
    )


@transaction.atomic
def stage_new(*, model, fields, user, correction=None, public_id=None):
    """Create a draft record (invisible to the public) and stage its publication."""
    record = model(public_id=public_id or next_public_id(model), status=Status.DRAFT)
    try:
        many = values.assign(record, fields)
    except (LookupError, ValueError, ValidationError) as error:
        raise StagingRefused(str(error)) from error
    _validate(record)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:
        raise StagingRefused(f"{record.public_id}: {error}") from error
    for name, pks in many.items():
        getattr(record, name).set(pks)
    return _change(action=Change.Action.CREATE, record=record, user=user, correction=correction)


@transaction.atomic
def stage_draft(*, record, user, correction=None):
    """Stage the publication of a draft made elsewhere (in the admin, by an import)."""
    if record.status != Status.DRAFT:
        raise StagingRefused(f"{record.public_id} is not a draft.")
    pending = Change.objects.filter(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        state=Change.State.PENDING,
    )
    if pending.exists():
        raise StagingRefused(f"{record.public_id} is already staged.")
    _validate(record)
    return _change(action=Change.Action.CREATE, record=record, user=user, correction=correction)


@transaction.atomic
def stage_edit(*, record, fields, user, correction=None):
    """Stage new values for some fields of a published record; nothing public changes."""
    if record.status != Status.PUBLISHED:
        raise StagingRefused(f"{record.public_id} is not published; edit a draft directly.")
    model = type(record)
    try:
        proposed = values.normalise(model, fields)
        trial = model.objects.get(pk=record.pk)
        values.assign(trial, proposed)
    except (LookupError, KeyError, ValueError, ValidationError) as error:
        raise StagingRefused(str(error)) from error
    _validate(trial)
    current = values.snapshot(record)
    proposed = {name: value for name, value in proposed.items() if current.get(name) != value}
    if not proposed:
        raise StagingRefused("The proposed values are the ones already published.")
    return _change(
        action=Change.Action.EDIT,
        record=record,
        user=user,
        correction=correction,
        proposed=proposed,
    )


@transaction.atomic
def stage_withdrawal(*, record, reason, user, correction=None):
    if record.status != Status.PUBLISHED:
        raise StagingRefused(f"{record.public_id} is not published.")
    if not reason.strip():
        raise StagingRefused("Say why the record is withdrawn: the tombstone shows it.")
    return _change(
        action=Change.Action.WITHDRAW,
        record=record,
        user=user,
        correction=correction,
        reason=reason,
    )


@transaction.atomic
def stage_merge(*, record, into, user, correction=None):
    if type(into) is not type(record) or into.pk == record.pk:
        raise StagingRefused("A record merges into another record of the same kind.")
    if record.status != Status.PUBLISHED or into.status != Status.PUBLISHED:
        raise StagingRefused("Both records must be published.")
    return _change(
        action=Change.Action.MERGE,
        record=record,
        user=user,
        correction=correction,
        merge_into=into.public_id,
        reason=f"Merged into {into.public_id} ({stored_label(into)}).",
    )


@transaction.atomic
def stage_firm_response(*, correction, claim, user, stance="", url=""):
    """Stage a right-of-reply correction's text as the firm's response on a claim.

    Once published it is the claim's recorded response (quoted, dated, and
    linked when `url` is given); `stance` (evidence.reply.ResponseStance)
    says whether it denies or acknowledges the claim, which the confidence
    grade follows.
    """
    if not correction.right_of_reply:
        raise StagingRefused(
            "Only a correction from someone speaking for the firm is its response."
        )
    received = timezone.localtime(correction.received_at).date()
    fields = {
        "firm_response": correction.proposed_fix,
        "firm_response_date": received.isoformat(),
        "firm_response_stance": stance,
    }
    if url:
        fields["firm_response_url"] = url
    return stage_edit(record=claim, fields=fields, user=user, correction=correction)


@transaction.atomic
def discard_change(*, change, user):
    # A discarded creation leaves its draft row behind, never public, so
    # that its identifier is not handed out again.
    updated = Change.objects.filter(pk=change.pk, state=Change.State.PENDING).update(
        state=Change.State.DISCARDED
    )
    logger.info("change %s discarded by %s", change.pk, user)
    audit.log("change.discarded", actor=user, change=change.pk, record=change.public_id)
    return bool(updated)


# Publishing --------------------------------------------------------------


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
        )
    except IntegrityError:
        # A concurrent publish with the same key won the race (SQLite has no
        # advisory lock to make us wait for it): answer with its update.
        existing = Update.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing


@transaction.atomic
def _publish(*, change_ids, summary, notes, published_by, idempotency_key):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLISH_LOCK])
    existing = Update.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
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

    number = (Update.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    update = Update.objects.create(
        number=number,
        summary=summary,
        notes=notes,
        published_by=published_by,
        published_at=timezone.now(),
        idempotency_key=idempotency_key,
    )
    # What the changes need is read in bulk once; apply_change finds it on the update.
    update.batch = PublishBatch(pending, update)
    for change in pending:
        apply_change(change, update)
    update.batch.finish()
    del update.batch  # the records read for it are not the caller's to keep
    # What the applied changes did, read once from their diffs in memory; the
    # changes regrading makes or rewrites are added to it.
    impact = UpdateImpact.of_changes(pending)
    to_check = claims_to_check(impact)  # the staged changes', before regrading adds its own
    regraded = regrade_claims(update, pending, published_by, impact=impact)
    # The stored counts of the lists follow what this update changed.
    derived.refresh(impact)
    check_public_invariants(claims=to_check)

    update.added = sum(change.action == Change.Action.CREATE for change in pending)
    update.changed = sum(change.action == Change.Action.EDIT for change in pending)
    update.withdrawn = len(pending) - update.added - update.changed
    update.changed += len(regraded)
    update.save(update_fields=["added", "changed", "withdrawn"])
    _close_answered_corrections(update, pending, published_by)
    answered = answered_corrections(pending)
    # Last: the frozen downloads, read from exactly the state this update makes public.
    package.build_package(update, answered=answered)
    logger.info("update %s published by %s: %s changes", number, published_by, len(pending))
    audit.log("update.published", actor=published_by, update=number, changes=len(pending))
    # Once committed, every app server's cached pages move to the new update's
    # keys, whether this ran in a request, a command or a shell.
    transaction.on_commit(hub_cache.update_published)
    return update


class PublishBatch:
    """What applying many staged changes needs, read in a few queries per model.

    Each model's records, their many-to-many values and the natural keys of
    their relations (values.Snapshots), the natural keys the edits name
    (values.Resolver) and the merge targets are read once for all the changes
    of an update, not several times per change; `apply_change` then applies
    each change from memory and writes its record (alone, or in batches when
    the update has many records of its model: RecordWrites), and `finish`
    writes what waits and then the changes themselves.
    """

    def __init__(self, changes, update):
        self.update = update
        self.now = timezone.now()
        self.applied = []
        self.records, self.snapshots, self.resolvers, self.targets = {}, {}, {}, {}
        self.writes = RecordWrites()
        by_model = {}
        for change in changes:
            model = ContentType.objects.get_for_id(change.content_type_id).model_class()
            by_model.setdefault(model, []).append(change)
        for model, model_changes in by_model.items():
            records = values.fetch(model, [change.object_id for change in model_changes])
            self.records[model] = records
            self.snapshots[model] = snapshots = values.Snapshots(model, records.values())
            edits = [c.proposed for c in model_changes if c.action == Change.Action.EDIT]
            if edits:
                self.resolvers[model] = resolver = values.Resolver(model, edits)
                for name, found in resolver.reverse.items():  # they exist: they were looked up
                    snapshots.keys.get(name, {}).update(found)
            merges = {c.merge_into for c in model_changes if c.action == Change.Action.MERGE}
            self.targets[model] = set(
                model.objects.filter(public_id__in=merges, status=Status.PUBLISHED).values_list(
                    "public_id", flat=True
                )
            )

    def finish(self):
        """Write the records still waiting, then the applied changes: state, update, diff, label.

        One statement sent many times (executemany: psycopg pipelines it):
        bulk_update's CASE expressions cost more to build than the writes.
        """
        fields = [Change._meta.get_field(name) for name in ("state", "update", "diff", "label")]
        quote = connection.ops.quote_name
        sql = (
            f"UPDATE {quote(Change._meta.db_table)} SET "
            + ", ".join(f"{quote(field.column)} = %s" for field in fields)
            + f" WHERE {quote(Change._meta.pk.column)} = %s"
        )
        self.writes.flush()
        rows = [
            [
                *(
                    field.get_db_prep_save(getattr(change, field.attname), connection)
                    for field in fields
                ),
                change.pk,
            ]
            for change in self.applied
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def apply_change(change, update):
    """Apply one staged change to its record and write its exact diff.

    Within a publish, `update.batch` (a PublishBatch of all its changes) holds
    what was read in bulk, and the change itself is written by batch.finish().
    """
    batch = getattr(update, "batch", None)
    alone = batch is None
    if alone:
        batch = PublishBatch([change], update)
    model = ContentType.objects.get_for_id(change.content_type_id).model_class()
    record = batch.records[model].get(change.object_id)
    if record is None:
        raise PublishRefused(f"{change.public_id} no longer exists.")
    snapshots = batch.snapshots[model]
    before = snapshots.of(record)
    status_before = record.status
    columns = {"last_update", "updated_at"}
    many = {}
    if change.action == Change.Action.CREATE:
        if record.status != Status.DRAFT:
            raise PublishRefused(f"{record.public_id} is no longer a draft.")
        record.status = Status.PUBLISHED
        columns.add("status")
        diff = [
            {"field": name, "before": None, "after": value}
            for name, value in before.items()
            if value not in (None, "", [])
        ]
    else:
        if record.status != Status.PUBLISHED:
            raise PublishRefused(f"{record.public_id} is not published any more.")
        diff = []
        if change.action == Change.Action.EDIT:
            resolver = batch.resolvers[model]
            try:
                many = resolver.assign(record, change.proposed)
            except (LookupError, ValueError, ValidationError) as error:
                raise PublishRefused(f"{record.public_id}: {error}") from error
            try:
                # full_clean's foreign-key queries only for targets not read in bulk.
                record.full_clean(
                    exclude=snapshots.existing_foreign_keys(record),
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                raise PublishRefused(f"{record.public_id}: {_describe(error)}") from error
            fields = values.editable_fields(model)
            columns |= {fields[name].attname for name in change.proposed if name not in many}
        else:
            if change.action == Change.Action.MERGE:
                if change.merge_into not in batch.targets[model]:
                    raise PublishRefused(
                        f"{change.merge_into} is not published; cannot merge into it."
                    )
                record.merged_into = change.merge_into
                diff.append({"field": "merged_into", "before": "", "after": change.merge_into})
            record.status = Status.WITHDRAWN
            record.withdrawn_reason = change.reason
            record.withdrawn_at = update.published_at
            batch.targets[model].discard(record.public_id)  # no longer a merge target
            columns |= {"status", "withdrawn_reason", "withdrawn_at", "merged_into"}
            diff.append({"field": "withdrawn_reason", "before": "", "after": change.reason})
    record.last_update = update.number
    record.updated_at = batch.now
    if hasattr(record, "NAME_LANGUAGES"):
        # What search finds a non-Latin name by (hub.search): derived here, where
        # every published name passes, so it always follows the names.
        record.latin_names = transliteration.latin_names(record)
        columns.add("latin_names")
    if many or len(batch.records[model]) < RecordWrites.LARGE:
        _write_record(record, columns, many)
    else:
        batch.writes.add(record, columns)
    if change.action == Change.Action.EDIT:
        after = snapshots.after(record, many, batch.resolvers[model])
        diff = [
            {"field": name, "before": before[name], "after": after[name]}
            for name in change.proposed
            if before[name] != after[name]
        ]
    if record.status != status_before:
        diff.insert(0, {"field": "status", "before": status_before, "after": record.status})
    change.state = Change.State.PUBLISHED
    change.update = update
    change.diff = diff
    change.label = stored_label(record)
    batch.applied.append(change)
    if alone:
        batch.finish()


_UPDATES = {}


def _write_record(record, columns, many):
    """One UPDATE of the columns the change sets; an IntegrityError refuses the publish.

    One statement per record (not bulk_update's one per batch): the statement
    is all a record costs now, and a failure between two records stays a
    failure between two statements (tests/ops/test_publish_faults).
    """
    model = type(record)
    names = tuple(sorted(columns))
    key = (model, names, connection.vendor)
    if key not in _UPDATES:
        quote = connection.ops.quote_name
        fields = {field.attname: field for field in model._meta.concrete_fields}
        assignments = ", ".join(f"{quote(fields[name].column)} = %s" for name in names)
        _UPDATES[key] = (
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} "
            f"WHERE {quote(model._meta.pk.column)} = %s",
            [fields[name] for name in names],
        )
    sql, fields = _UPDATES[key]
    params = [
        field.get_db_prep_save(getattr(record, field.attname), connection) for field in fields
    ]
    try:
        # No savepoint per record: a failure here ends the whole publish, which rolls back.
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, record.pk])
        for name, pks in many.items():
            getattr(record, name).set(pks)
    except IntegrityError as error:
        raise PublishRefused(f"{record.public_id}: {error}") from error


class RecordWrites:
    """Records of a large publish, written some hundreds to an UPDATE ... FROM (VALUES ...).

    On PostgreSQL, for a model with at least LARGE records in the update: a
    row costs about half as much written in a batch as alone. An update of a
    few records writes each on its own (_write_record), as does SQLite. A
    batch that breaks a constraint is written again record by record, in a
    savepoint, to name the record that breaks it.
    """

    LARGE = 200
    ROWS = 500

    def __init__(self):
        self.pending = {}  # (model, column names) -> [record]
        self.pks = {}  # model -> pks waiting (a record is never twice in one statement)

    def add(self, record, columns):
        model = type(record)
        if connection.vendor != "postgresql":
            _write_record(record, columns, {})
            return
        if record.pk in self.pks.get(model, ()):
            self.flush(model)
        key = (model, tuple(sorted(columns)))
        self.pending.setdefault(key, []).append(record)
        self.pks.setdefault(model, set()).add(record.pk)
        if len(self.pending[key]) >= self.ROWS:
            self._write(key, self.pending.pop(key))
            self.pks[model] = {
                r.pk for (m, _), rs in self.pending.items() if m is model for r in rs
            }

    def flush(self, model=None):
        for key in [key for key in self.pending if model is None or key[0] is model]:
            self._write(key, self.pending.pop(key))
        if model is None:
            self.pks = {}
        else:
            self.pks.pop(model, None)

    def _write(self, key, records):
        model, names = key
        quote = connection.ops.quote_name
        fields = {field.attname: field for field in model._meta.concrete_fields}
        columns = [fields[name] for name in names]
        pk = model._meta.pk
        row = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in [*columns, pk]) + ")"
        sql = (
            f"UPDATE {quote(model._meta.db_table)} AS t SET "
            + ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in columns)
            + f" FROM (VALUES {', '.join([row] * len(records))}) AS v ("
            + ", ".join(quote(field.column) for field in [*columns, pk])
            + f") WHERE t.{quote(pk.column)} = v.{quote(pk.column)}"
        )
        params = [
            value
            for record in records
            for value in (
                *(
                    field.get_db_prep_save(getattr(record, field.attname), connection)
                    for field in columns
                ),
                record.pk,
            )
        ]
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
        except IntegrityError:
            with transaction.atomic():  # find the record, for the refusal's message
                for record in records:
                    _write_record(record, set(names), {})
            raise


def answered_corrections(changes):
    """{record id: [references of the corrections its changes answer]}, in publishing order."""
    answered = {}
    for change in changes:
        if change.correction_id:
            answered.setdefault(change.public_id, []).append(change.correction.reference)
    return answered


def claims_to_check(impact):
    """Pks of the claims whose located citation an update (`impact`) can take away (or give).

    Whether a published claim has a public citation with a locator depends on
    the claim's status, its citations (their status, locator, claim and
    source) and their sources' status. Published records change only through
    an update, and every update leaves every published claim with one (this
    check, or the full one of generate_synthetic); so a claim none of these
    changed keeps it, and only the claims returned here need checking.
    """
    from evidence.models import Citation, Claim, Source

    claims = impact.touched(Claim)
    citations = impact.touched(Citation)
    moved_from = impact.moved_away(Citation, "claim")
    sources = impact.status_changed(Source)
    for chunk in values._chunks(citations):
        claims |= set(Citation.objects.filter(pk__in=chunk).values_list("claim_id", flat=True))
    for chunk in values._chunks(sources):
        claims |= set(Citation.objects.filter(source__in=chunk).values_list("claim_id", flat=True))
    for chunk in values._chunks(moved_from):
        claims |= set(Claim.objects.filter(public_id__in=chunk).values_list("pk", flat=True))
    claims.discard(None)
    return claims


def check_public_invariants(*, claims=None):
    """Refuse (roll back) a publish that leaves a published claim without a located citation.

    `claims`: the pks to check (claims_to_check); None checks every published claim.
    """
    from evidence.models import Citation, Claim

    if claims is None:
        cited = Citation.objects.public().filter(claim=OuterRef("pk")).exclude(locator="")
        uncited = list(
            Claim.objects.public().filter(~Exists(cited)).values_list("public_id", flat=True)[:20]
        )
    else:
        # The same test for a few claims, through the citations' claim index.
        uncited = []
        for chunk in values._chunks(sorted(claims)):
            located = set(
                Citation.objects.public()
                .filter(claim__in=chunk)
                .exclude(locator="")
                .values_list("claim_id", flat=True)
            )
            published = Claim.objects.public().filter(pk__in=chunk).values_list("pk", "public_id")
            uncited += [public_id for pk, public_id in published if pk not in located]
        uncited = sorted(uncited)[:20]
    if uncited:
        raise PublishRefused(
            "These claims would be published without a citation that says where in the source "
            f"they come from: {', '.join(uncited)}. Stage a citation with a locator first."
        )
    check_archived_sources()


# Confidence grades and archived sources (issue 9) ---------------------------


def regrade_claims(update, changes, actor, *, impact=None):
    """Store the confidence grade of every published claim the changes may affect.

    A claim's grade is its override, if the editors set one with a reason,
    else the grade its evidence gives (evidence.confidence). Where the stored
    grade changes, the changelog says so: in the claim's own change of this
    update, or in a change of its own. Returns those new changes, which are
    added to `impact` (the changes' UpdateImpact) with the rewritten ones.
    """
    from evidence import confidence
    from evidence.models import Citation, Claim, Source

    if impact is None:
        impact = UpdateImpact.of_changes(changes)
    claim_pks = impact.touched(Claim)
    citations = impact.touched(Citation)
    claim_pks |= set(
        Citation.objects.filter(pk__in=citations, claim__isnull=False).values_list(
            "claim_id", flat=True
        )
    )
    # A citation moved to another claim leaves its old claim with less evidence.
    moved_from = impact.moved_away(Citation, "claim")
    if moved_from:
        claim_pks |= set(
            Claim.objects.filter(public_id__in=moved_from).values_list("pk", flat=True)
        )
    sources = impact.touched(Source)
    if sources:
        claim_pks |= confidence.claims_affected_by_sources(sources)
    claims = (
        Claim.objects.public()
        .filter(pk__in=claim_pks)
        .only("pk", "public_id", "confidence", "confidence_override")
    )
    computed = confidence.computed_grades([claim.pk for claim in claims])
    own_change = {
        change.object_id: change for change in changes if change.content_type.model_class() is Claim
    }
    made = []
    for claim in claims:
        new = claim.confidence_override or computed[claim.pk][0].value
        if new == claim.confidence:
            continue
        before = claim.confidence
        Claim.objects.filter(pk=claim.pk).update(
            confidence=new, last_update=update.number, updated_at=timezone.now()
        )
        change = own_change.get(claim.pk)
        if change is None:
            claim.confidence = new
            change = _change(
                action=Change.Action.EDIT,
                record=claim,
                user=actor,
                correction=None,
                proposed={"confidence": new},
                reason="Confidence grade recomputed from the evidence.",
                state=Change.State.PUBLISHED,
                update=update,
            )
            made.append(change)
        impact.regraded(change, before, new)  # writes the grade into the change's diff
        change.save(update_fields=["diff"])
    return made


def unarchived_sources_of_public_claims():
    """Public ids of the published claims, and of their sources, that hold no archived copy."""
    from evidence.models import Citation, Source

    missing = Source.objects.public().missing_archive()
    rows = (
        Citation.objects.public()
        .filter(claim__status=Status.PUBLISHED, source__in=missing)
        .order_by("claim__public_id", "source__public_id")
        .values_list("claim__public_id", "source__public_id")[:200]
    )
    claims, sources = {}, {}
    for claim, source in rows:
        claims[claim] = sources[source] = True
    return list(claims), sorted(sources)


def check_archived_sources():
    """Refuse (roll back) a publish that leaves a published claim citing an unarchived source.

    The rule (evidence.archiving.archive_state): a cited source must be archived,
    exempt with a stated reason, or have a failed last attempt; one whose
    attempt is still queued, or that has nothing, blocks the publish.
    """
    from evidence.archiving import ArchiveState, archive_state_expression
    from evidence.models import Source

    claims, sources = unarchived_sources_of_public_claims()
    if claims:
        states = dict(
            Source.objects.filter(public_id__in=sources[:20])
            .annotate(state=archive_state_expression())
            .values_list("public_id", "state")
        )
        queued = [source for source in sources[:20] if states.get(source) == ArchiveState.QUEUED]
        waiting = (
            f" The archiver has not yet tried {', '.join(queued)}: let the task worker "
            "(manage.py db_worker) run, or archive them now with "
            "manage.py archive_sources --now, then publish again."
            if queued
            else ""
        )
        raise PublishRefused(
            "These claims would be published citing sources with no archived copy: "
            f"{', '.join(claims[:20])} (sources {', '.join(sources[:20])}). Give each source "
            f"a snapshot, an archive URL, or the reason why it has neither.{waiting}"
        )


def _close_answered_corrections(update, changes, actor):
    corrections = {change.correction_id for change in changes if change.correction_id}
    answered = Correction.objects.filter(pk__in=corrections).select_related("contact")
    for correction in answered:
        from_status = correction.status
        correction.status = Correction.Status.PUBLISHED
        correction.published_in = update
        correction.decided_at = correction.decided_at or update.published_at
        correction.save(update_fields=["status", "published_in", "decided_at"])
        Transition.objects.create(
            correction=correction, from_status=from_status, to_status=correction.status, actor=actor
        )
        email = getattr(getattr(correction, "contact", None), "email", "")
        if email:
            # After the commit: a publish that rolls back tells nobody. robust: a
            # queue that fails then must not turn the published update into an
            # error page; the failure is logged.
            transaction.on_commit(lambda c=correction: _notify(c, update.number), robust=True)


def _notify(correction, number):
    """Queue the submitter's notice (editorial.tasks): the mail is sent by the worker, not here."""
    from . import tasks

    tasks.notify_correction_published.enqueue(correction.pk, number)
