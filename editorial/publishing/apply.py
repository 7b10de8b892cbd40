"""Applying staged changes to their records, with each change's exact diff.

A publish reads what all its changes need in bulk once (PublishBatch), then
applies each change from memory (apply_change), and finally writes what
waits (PublishBatch.finish). The hand-built SQL that writes the records and
the changes lives in publishing.sqlwrite.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from editorial import publishing
from hub import transliteration
from hub.models import Status

from .. import values
from ..models import Change
from ..staging import describe, stored_label
from .sqlwrite import RecordWrites, write_changes, write_record


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
        """Write the records still waiting, then the applied changes: state, update, diff, label."""
        self.writes.flush()
        write_changes(self.applied)


def apply_change(change, *, batch):
    """Apply one staged change of `batch` (a PublishBatch) to its record and note its exact diff.

    The record is written now or by batch.finish(), the change itself by
    batch.finish().
    """
    update = batch.update
    model = ContentType.objects.get_for_id(change.content_type_id).model_class()
    record = batch.records[model].get(change.object_id)
    if record is None:
        raise publishing.PublishRefused(f"{change.public_id} no longer exists.")
    snapshots = batch.snapshots[model]
    before = snapshots.of(record)
    status_before = record.status
    columns = {"last_update", "updated_at"}
    many = {}
    if change.action == Change.Action.CREATE:
        if record.status != Status.DRAFT:
            raise publishing.PublishRefused(f"{record.public_id} is no longer a draft.")
        record.status = Status.PUBLISHED
        columns.add("status")
        diff = [
            {"field": name, "before": None, "after": value}
            for name, value in before.items()
            if value not in (None, "", [])
        ]
    else:
        if record.status != Status.PUBLISHED:
            raise publishing.PublishRefused(f"{record.public_id} is not published any more.")
        diff = []
        if change.action == Change.Action.EDIT:
            resolver = batch.resolvers[model]
            try:
                many = resolver.assign(record, change.proposed)
            except (LookupError, ValueError, ValidationError) as error:
                raise publishing.PublishRefused(f"{record.public_id}: {error}") from error
            try:
                # full_clean's foreign-key queries only for targets not read in bulk.
                record.full_clean(
                    exclude=snapshots.existing_foreign_keys(record),
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                raise publishing.PublishRefused(f"{record.public_id}: {describe(error)}") from error
            fields = values.editable_fields(model)
            columns |= {fields[name].attname for name in change.proposed if name not in many}
        else:
            if change.action == Change.Action.MERGE:
                if change.merge_into not in batch.targets[model]:
                    raise publishing.PublishRefused(
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
        write_record(record, columns, many)
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
