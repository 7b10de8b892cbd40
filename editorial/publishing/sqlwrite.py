"""Hand-built SQL UPDATEs for publishing: the records and the changes of an update.

Why they exist: a bulk publish, 10,000 staged edits at a million claims
(`make bench`, README "Performance", goal 30 s), is mostly writing rows, and
the ORM's ways of writing them cost more than the writes: save() per record,
or bulk_update()'s CASE expressions per column. These writers send a plain
`UPDATE ... SET ... WHERE pk = %s` per record, or on PostgreSQL one
`UPDATE ... FROM (VALUES ...)` per few hundred records of a model (a row
then costs about half as much), and the changes as one statement sent many
times (executemany).

What they must keep equal to the ORM path: the values written are each
field's `get_db_prep_save()`, exactly what save() would send; only the
columns the change sets are written (plus last_update, updated_at and the
derived ones apply_change names), so a column it does not set keeps its
value; many-to-many values are set through the ORM (`.set()`), as save()
leaves them; and a constraint that breaks refuses the publish naming the
record, as a failed save() would (tests/editorial/test_publish_bulk.py
compares a batched publish with one written record by record, and
tests/ops/test_publish_faults.py kills a publish between two statements).
Nothing else in the hub writes published rows with raw SQL.
"""

from django.db import IntegrityError, connection, transaction

from editorial import publishing

from ..models import Change

_UPDATES = {}  # (model, column names, vendor) -> (sql, fields): built once per shape


def write_record(record, columns, many):
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
        raise publishing.PublishRefused(f"{record.public_id}: {error}") from error


class RecordWrites:
    """Records of a large publish, written some hundreds to an UPDATE ... FROM (VALUES ...).

    On PostgreSQL, for a model with at least LARGE records in the update: a
    row costs about half as much written in a batch as alone. An update of a
    few records writes each on its own (write_record), as does SQLite. A
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
            write_record(record, columns, {})
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
                    write_record(record, set(names), {})
            raise


def write_changes(changes):
    """Write the applied changes: state, update, diff, label.

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
    rows = [
        [
            *(
                field.get_db_prep_save(getattr(change, field.attname), connection)
                for field in fields
            ),
            change.pk,
        ]
        for change in changes
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
