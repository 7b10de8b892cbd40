"""Writing many rows fast: COPY on PostgreSQL, batched bulk_create elsewhere.

Used by bench.synthetic_data. On PostgreSQL the load drops the foreign keys and the
plain indexes of the tables it fills, and puts them back (checking every row
in one pass, building each index once) before its transaction commits.
"""

from itertools import batched, chain
from operator import itemgetter

from django.db import connection

BATCH = 5_000


class Writer:
    """Writes rows (dicts of column values) of one table; the missing columns get defaults."""

    def __init__(self, model):
        self.model = model
        self.fields = list(model._meta.concrete_fields)

    def columns_and_defaults(self, first):
        given = [field for field in self.fields if field.attname in first]
        # A key left out is the database's to number.
        other = [
            field for field in self.fields if field.attname not in first and not field.primary_key
        ]
        return given, other

    def write(self, rows):
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return 0
        if connection.vendor == "postgresql":
            return self._copy(first, rows)
        return self._bulk_create(first, rows)

    def _copy(self, first, rows):
        from psycopg import sql
        from psycopg.copy import QueuedLibpqWriter

        given, other = self.columns_and_defaults(first)
        names = [field.attname for field in given]
        defaults = tuple(field.get_db_prep_save(field.get_default(), connection) for field in other)
        columns = [field.column for field in [*given, *other]]
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.model._meta.db_table),
            sql.SQL(", ").join(map(sql.Identifier, columns)),
        )
        values = itemgetter(*names)
        count = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor
            # The queued writer sends from a thread: Python makes rows while the server stores them.
            with raw.copy(statement, writer=QueuedLibpqWriter(raw)) as copy:
                for row in chain([first], rows):
                    copy.write_row(values(row) + defaults)
                    count += 1
        return count

    def _bulk_create(self, first, rows):
        count = 0
        for chunk in batched(chain([first], rows), BATCH):
            self.model.objects.bulk_create([self.model(**row) for row in chunk])
            count += len(chunk)
        return count


def foreign_keys(cursor, tables):
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
        [tables],
    )
    return cursor.fetchall()


def without_foreign_keys(tables):
    """Drop the foreign keys touching `tables`; return a function that adds them back.

    A million deferred per-row checks cost more than the load; adding a key
    back checks every row in one join, inside the same transaction.
    """
    from psycopg import sql

    with connection.cursor() as cursor:
        # Run the checks still deferred in this transaction now: a table with
        # pending checks cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        keys = foreign_keys(cursor, tables)
        for table, name, _ in keys:
            cursor.execute(
                sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                    sql.SQL(table), sql.Identifier(name)
                )
            )

    def restore():
        with connection.cursor() as cursor:
            for table, name, definition in keys:
                cursor.execute(
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                        sql.SQL(table), sql.Identifier(name), sql.SQL(definition)
                    )
                )
            # Explicit ids were written: move the identity sequences past them.
            for table in tables:
                cursor.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence({t}, 'id'), "
                        "coalesce((SELECT max(id) FROM {i}), 0) + 1, false)"
                    ).format(t=sql.Literal(table), i=sql.Identifier(table))
                )

    return restore


def without_indexes(tables):
    """Drop the plain indexes of `tables`; return a function that builds them again.

    Building an index once over a million rows is far faster than updating
    it row by row, above all the full-text and trigram indexes of search.
    Indexes that back a constraint (primary keys, unique identifiers) stay.
    Readers of these tables wait until the load commits.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
            "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')

    def restore():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            for _, definition in indexes:
                cursor.execute(definition)

    return restore
