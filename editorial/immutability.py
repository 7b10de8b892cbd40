"""Published data changes only inside a publish: the database refuses anything else.

Triggers on every public table (the PublicRecord models and the link tables
of their many-to-many fields), on the updates and on their changes:

- a published update is never updated or deleted, except its own row by the
  publish that is creating it (the counts written at its end);
- a published change (a changelog line) is never updated or deleted, and a
  change becomes published only in the publish of its update;
- a public row (status published or withdrawn: a record, a citation, a link
  of a public record) is inserted, updated or deleted only inside a publish.
  Drafts are free: staging writes them.

"Inside a publish" is a transaction-local mark that only `publishing(number)`
sets. On PostgreSQL it is the setting `hub.publishing` (set_config(..., true):
it ends with the transaction, and a rolled-back savepoint takes it back);
on SQLite a function `hub_publishing()` registered on each of the hub's own
connections, answering from the connection. So history cannot be bypassed:
every change to public data is a change row of an update.

Writes that are not a publish and yet touch public tables are allowed by name:
the stored counts (derived.claim_counts writes `claim_count`, derived data
with no history of its own) are exempt columns; the synthetic benchmark data
and the test factories enter `publishing()` explicitly, saying why.

SQLite goes as far as its triggers go (README "Immutable releases"): anyone
writing to the file with a connection that defines `hub_publishing()`, or
dropping the triggers, is not stopped; TRUNCATE on PostgreSQL is not a row
write and fires no row trigger (it needs the table owner's rights).

The triggers are (re)installed after every `migrate` (post_migrate), not in a
migration: SQLite rebuilds a table to alter it, dropping its triggers, and
the column lists follow the models. On an existing database they are in place
while later migrations run: a data migration that writes public rows does so
inside `publishing(...)` too, saying why.
"""

import contextlib
import threading

from django.apps import apps
from django.db import connection as default_connection

from hub.models import PublicRecord

SETTING = "hub.publishing"
# Columns a write outside a publish may change on a public row: derived data,
# owned and rebuilt by the derived app, not part of any record's history.
EXEMPT = {"claim_count"}
REFUSED = "published data changes only through publishing an update"
# The mark of Django's flush, which empties every table (between transactional
# tests): on SQLite a DELETE per table, which the row triggers would refuse.
# (PostgreSQL's flush is a TRUNCATE, which fires no row trigger.)
EMPTYING = -1

_local = threading.local()


@contextlib.contextmanager
def publishing(number, *, using=None):
    """Mark the current transaction as the publish of update `number` while the block runs.

    Must run inside a transaction (transaction.atomic): on PostgreSQL the
    mark is transaction-local and taken back with a rolled-back savepoint.
    """
    from django.db import connections

    conn = connections[using] if using else default_connection
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute("SELECT current_setting(%s, true)", [SETTING])
            previous = cursor.fetchone()[0] or ""
            cursor.execute("SELECT set_config(%s, %s, true)", [SETTING, str(number)])
        yield
        # Reached only when the block succeeded; on an error the rollback takes the mark back.
        with conn.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [SETTING, previous])
        return
    previous = getattr(conn, "hub_publishing", None)
    conn.hub_publishing = number
    try:
        yield
    finally:
        conn.hub_publishing = previous


def register_sqlite_function(sender, connection, **kwargs):
    """connection_created: give each of the hub's SQLite connections `hub_publishing()`."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        "hub_publishing", 0, lambda: getattr(connection, "hub_publishing", None)
    )


def public_models():
    return [model for model in apps.get_models() if issubclass(model, PublicRecord)]


def link_tables():
    """(link table, its column naming the owning record, the owner's table) of every public m2m."""
    links = []
    for model in public_models():
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                owner = field.m2m_column_name()
                links.append((through._meta.db_table, owner, model._meta.db_table))
    return links


def install(sender=None, using="default", **kwargs):
    """post_migrate: (re)create the triggers on the database `using`."""
    from django.db import connections

    from .models import Change, Update

    conn = connections[using]
    if conn.vendor not in ("postgresql", "sqlite"):
        return
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            statements = _postgresql(Update._meta.db_table, Change._meta.db_table, cursor)
        else:
            statements = _sqlite(Update._meta.db_table, Change._meta.db_table)
        for sql in list(statements):
            cursor.execute(sql)


def _guarded_columns(model):
    return [f.column for f in model._meta.concrete_fields if f.column not in EXEMPT]


def _generated_columns(cursor, table):
    """PostgreSQL's stored generated columns (the search columns): NULL in a BEFORE trigger's NEW."""
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attgenerated = 's'",
        [table],
    )
    return {row[0] for row in cursor.fetchall()}


def _postgresql(update_table, change_table, cursor):
    yield f"""
CREATE OR REPLACE FUNCTION hub_publishing() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT NULLIF(current_setting('{SETTING}', true), '') $$"""
    yield f"""
CREATE OR REPLACE FUNCTION hub_refuse(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{REFUSED}: %', what USING ERRCODE = 'integrity_constraint_violation';
END $$"""
    # Arguments: the columns a write outside a publish may change (derived data,
    # and the generated columns, which follow the others).
    yield """
CREATE OR REPLACE FUNCTION hub_guard_public_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF hub_publishing() IS NOT NULL THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.status = 'draft' THEN RETURN NEW; END IF;
    PERFORM hub_refuse(format('insert of public row %s into %s', NEW.public_id, TG_TABLE_NAME));
  ELSIF TG_OP = 'DELETE' THEN
    IF OLD.status = 'draft' THEN RETURN OLD; END IF;
    PERFORM hub_refuse(format('delete of %s from %s', OLD.public_id, TG_TABLE_NAME));
  END IF;
  IF (OLD.status = 'draft' AND NEW.status = 'draft')
     OR (to_jsonb(NEW) - TG_ARGV) = (to_jsonb(OLD) - TG_ARGV) THEN
    RETURN NEW;
  END IF;
  PERFORM hub_refuse(format('update of %s in %s', OLD.public_id, TG_TABLE_NAME));
  RETURN NULL;
END $$"""
    # Arguments: the owner's table and the link table's column naming the owner.
    yield """
CREATE OR REPLACE FUNCTION hub_guard_public_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner_status text;
  link jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
BEGIN
  IF hub_publishing() IS NULL THEN
    EXECUTE format('SELECT status FROM %I WHERE id = $1', TG_ARGV[0])
      INTO owner_status USING (link ->> TG_ARGV[1])::bigint;
    IF owner_status IS DISTINCT FROM 'draft' AND owner_status IS NOT NULL THEN
      PERFORM hub_refuse(format('%s of a link of a public record in %s', TG_OP, TG_TABLE_NAME));
    END IF;
    IF TG_OP = 'UPDATE' THEN
      EXECUTE format('SELECT status FROM %I WHERE id = $1', TG_ARGV[0])
        INTO owner_status USING (to_jsonb(OLD) ->> TG_ARGV[1])::bigint;
      IF owner_status IS DISTINCT FROM 'draft' AND owner_status IS NOT NULL THEN
        PERFORM hub_refuse(format('update of a link of a public record in %s', TG_TABLE_NAME));
      END IF;
    END IF;
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$"""
    yield """
CREATE OR REPLACE FUNCTION hub_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND hub_publishing() = OLD.number::text AND NEW.number = OLD.number THEN
    RETURN NEW;
  END IF;
  PERFORM hub_refuse(format('%s of update %s', TG_OP, OLD.number));
  RETURN NULL;
END $$"""
    yield f"""
CREATE OR REPLACE FUNCTION hub_guard_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A published change is final once its update's publish has ended (which
  -- may still write the grade its regrading moved into the change's diff).
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state = 'published' AND NOT (
    TG_OP = 'UPDATE' AND NEW.update_id = OLD.update_id AND NEW.state = OLD.state
    AND hub_publishing() = (SELECT number::text FROM {update_table} WHERE id = OLD.update_id)
  ) THEN
    PERFORM hub_refuse(format('%s of a published change of %s', TG_OP, OLD.public_id));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.state = 'published' AND hub_publishing()
     IS DISTINCT FROM (SELECT number::text FROM {update_table} WHERE id = NEW.update_id) THEN
    PERFORM hub_refuse(format('change of %s published outside its update', NEW.public_id));
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$"""
    for model in public_models():
        table = model._meta.db_table
        skipped = EXEMPT | _generated_columns(cursor, table)  # computed from the others
        exempt = ", ".join(f"'{column}'" for column in sorted(skipped))
        yield f"DROP TRIGGER IF EXISTS hub_guard ON {table}"
        yield (
            f"CREATE TRIGGER hub_guard BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION hub_guard_public_row({exempt})"
        )
    for table, owner_column, owner_table in link_tables():
        yield f"DROP TRIGGER IF EXISTS hub_guard ON {table}"
        yield (
            f"CREATE TRIGGER hub_guard BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION hub_guard_public_link('{owner_table}', '{owner_column}')"
        )
    for table, function in ((update_table, "hub_guard_update"), (change_table, "hub_guard_change")):
        events = "UPDATE OR DELETE" if table == update_table else "INSERT OR UPDATE OR DELETE"
        yield f"DROP TRIGGER IF EXISTS hub_guard ON {table}"
        yield (
            f"CREATE TRIGGER hub_guard BEFORE {events} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )


def _sqlite(update_table, change_table):
    def trigger(name, when, table, condition, what):
        yield f"DROP TRIGGER IF EXISTS {name}"
        yield (
            f"CREATE TRIGGER {name} BEFORE {when} ON {table} WHEN {condition} "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: {what}'); END"
        )

    outside = "hub_publishing() IS NULL"
    for model in public_models():
        table = model._meta.db_table
        changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in _guarded_columns(model))
        yield from trigger(
            f"hub_guard_{table}_insert",
            "INSERT",
            table,
            f"NEW.status <> 'draft' AND {outside}",
            f"insert of a public row into {table}",
        )
        yield from trigger(
            f"hub_guard_{table}_update",
            "UPDATE",
            table,
            f"(OLD.status <> 'draft' OR NEW.status <> 'draft') AND {outside} AND ({changed})",
            f"update of a public row of {table}",
        )
        yield from trigger(
            f"hub_guard_{table}_delete",
            "DELETE",
            table,
            f"OLD.status <> 'draft' AND {outside}",
            f"delete of a public row of {table}",
        )
    for table, column, owner in link_tables():
        for when, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            status = f'(SELECT status FROM {owner} WHERE id = {row}."{column}")'
            yield from trigger(
                f"hub_guard_{table}_{when.lower()}",
                when,
                table,
                f"COALESCE({status}, 'draft') <> 'draft' AND {outside}",
                f"{when.lower()} of a link of a public record in {table}",
            )
    yield from trigger(
        f"hub_guard_{update_table}_update",
        "UPDATE",
        update_table,
        "hub_publishing() IS NOT OLD.number OR NEW.number IS NOT OLD.number",
        "update of a published update",
    )
    yield from trigger(
        f"hub_guard_{update_table}_delete",
        "DELETE",
        update_table,
        f"hub_publishing() IS NOT {EMPTYING}",
        "delete of an update",
    )
    yield from trigger(
        f"hub_guard_{change_table}_update",
        "UPDATE",
        change_table,
        "(OLD.state = 'published' AND (NEW.update_id IS NOT OLD.update_id OR NEW.state IS NOT "
        "OLD.state OR hub_publishing() IS NOT "
        f"(SELECT number FROM {update_table} WHERE id = OLD.update_id))) "
        "OR (NEW.state = 'published' AND hub_publishing() IS NOT "
        f"(SELECT number FROM {update_table} WHERE id = NEW.update_id))",
        "update of a published change",
    )
    yield from trigger(
        f"hub_guard_{change_table}_insert",
        "INSERT",
        change_table,
        "NEW.state = 'published' AND hub_publishing() IS NOT "
        f"(SELECT number FROM {update_table} WHERE id = NEW.update_id)",
        "insert of a published change",
    )
    yield from trigger(
        f"hub_guard_{change_table}_delete",
        "DELETE",
        change_table,
        f"OLD.state = 'published' AND hub_publishing() IS NOT {EMPTYING}",
        "delete of a published change",
    )
