"""What an update did, read once from its changes' diffs: the one reader of `Change.diff`.

Publishing writes each applied change's exact diff (editorial.publishing.apply.apply_change),
and several parts of the hub then need to know what the update touched: the
stored counts (derived.refresh), the claims whose located citation the update
can take away (publishing.rules.claims_to_check), the claims whose confidence grade
may move (publishing.rules.regrade_claims) and the rows of the data package that can
differ from the previous update's (downloads.incremental.affected). Each of
them reads an `UpdateImpact` instead of the diffs, so what a diff means (a
created record lists every field it was given, a status entry is a status
change, a relation's "before" names what the record left) is decided here
only. A test (tests/editorial/test_impact.py) keeps every other module from
reading diffs, except the pages that show them.
"""

from django.contrib.contenttypes.models import ContentType

from hub.chunks import CHUNK_SIZE

from .models import Change

# The relations whose "before" names records that no longer point where they
# did: a claim taken off firms or sites, a citation moved to another claim or
# source. Their counts and rows change as much as those of the new ones.
MOVES = ("claim", "firms", "sites", "source")


class UpdateImpact:
    """The records an update's applied changes touched, and how.

    Built from the applied changes in memory while publishing (`of_changes`),
    or from an update's stored changes afterwards (`of_update`). `add` takes
    one more applied change: publishing adds the changes its regrading makes.
    Records made without a change (test factories) are added as creations by
    `add_created`.
    """

    def __init__(self):
        self._touched = {}  # model -> {pk}
        self._status = {}  # model -> {pk}: created, withdrawn, merged, or an edited status
        self._fields = {}  # model -> {pk: {field names the diffs list}}
        self._moved = {}  # (model, field) -> {public ids named by the field's "before"}

    @classmethod
    def of_changes(cls, changes):
        """The impact of applied changes (their diffs written)."""
        impact = cls()
        for change in changes:
            impact.add(change)
        return impact

    @classmethod
    def of_update(cls, update):
        """The impact of a published update, read from its stored changes."""
        impact = cls()
        rows = Change.objects.filter(update=update).values_list(
            "content_type_id", "object_id", "action", "diff"
        )
        for content_type, pk, action, diff in rows.iterator(chunk_size=CHUNK_SIZE):
            impact._add(_model(content_type), pk, action, diff)
        return impact

    def add(self, change):
        """Note one applied change (again, if its diff was rewritten: notes only add up)."""
        self._add(_model(change.content_type_id), change.object_id, change.action, change.diff)

    def add_created(self, record):
        """Note `record` as made public with every field it has, as publishing its creation would."""
        model = type(record)
        names = {
            field.name
            for field in model._meta.get_fields()
            if field.concrete or (field.many_to_many and not field.auto_created)
        }
        self._record(model, record.pk, status=True, fields=names | {"status"})

    def _add(self, model, pk, action, diff):
        fields = {entry["field"] for entry in diff}
        status = action != Change.Action.EDIT or "status" in fields
        self._record(model, pk, status=status, fields=fields)
        for entry in diff:
            if entry["field"] in MOVES and entry["before"]:
                before = entry["before"]
                moved = self._moved.setdefault((model, entry["field"]), set())
                moved.update(before if isinstance(before, list) else [before])

    def _record(self, model, pk, *, status, fields):
        self._touched.setdefault(model, set()).add(pk)
        if status:
            self._status.setdefault(model, set()).add(pk)
        self._fields.setdefault(model, {}).setdefault(pk, set()).update(fields)

    # Reading -----------------------------------------------------------------

    def touched(self, model):
        """Pks of the `model` records the changes applied to."""
        return set(self._touched.get(model, ()))

    def status_changed(self, model):
        """Pks of the `model` records made public, withdrawn or merged (or whose status was edited)."""
        return set(self._status.get(model, ()))

    def fields(self, model, pk):
        """Names of the fields the changes set on one record (a creation: every field given)."""
        return set(self._fields.get(model, {}).get(pk, ()))

    def changed(self, model, fields):
        """Pks of the `model` records where any of `fields` changed ("status" included)."""
        fields = set(fields)
        return {pk for pk, names in self._fields.get(model, {}).items() if names & fields}

    def moved_away(self, model, field):
        """Public ids that `field` of `model` records named before the update and no longer does.

        `field` is one of MOVES: the firms or sites a claim was taken off,
        the claim or source a citation was moved from.
        """
        if field not in MOVES:
            raise ValueError(f"{field} is not a relation whose moves are noted ({MOVES})")
        return set(self._moved.get((model, field), ()))

    # Writing the regrade into a claim's change ----------------------------------

    def regraded(self, change, before, grade):
        """Write into the claim's `change` of this update that its grade is now `grade`.

        `before` is the grade the claim had when regrading read it. When the
        change already lists the grade (a new claim's, or a grade staged by
        hand), its "before" is what the update started from, so that entry is
        replaced, and dropped when the grade ends where it started. The change
        is noted again. The caller saves it.
        """
        earlier = next((entry for entry in change.diff if entry["field"] == "confidence"), None)
        if earlier is not None:
            before = earlier["before"]
        diff = [entry for entry in change.diff if entry["field"] != "confidence"]
        if before != grade:
            diff.append({"field": "confidence", "before": before, "after": grade})
        change.diff = diff
        self.add(change)


def _model(content_type_id):
    return ContentType.objects.get_for_id(content_type_id).model_class()
