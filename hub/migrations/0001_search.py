"""Search on PostgreSQL: unaccent, pg_trgm, hub_search_fold() and the GIN indexes.

The expressions indexed here are exactly those hub.search builds for its
queries (tests/hub/test_search.py checks that the planner uses them), written
out here so that this migration keeps meaning what it meant when it ran.
Nothing happens on SQLite: hub.search registers its own hub_search_fold() on
each SQLite connection. Reversing drops the indexes and the function; the
extensions stay (other code may have come to use them).
"""

from django.db import migrations

# table: (weight A, B, C, D columns), the name columns matched by substring, trigrams?
TABLES = {
    "entities_firm": (
        (
            ("name_en", "name_zh", "name_ru", "name_uk", "short_name"),
            ("aliases", "ticker"),
            ("description",),
            (),
        ),
        ("name_en", "name_zh", "name_ru", "name_uk", "short_name", "aliases", "ticker"),
    ),
    "entities_site": (
        (("name_en", "name_uk", "name_ru"), ("aliases", "locality"), ("description",), ()),
        ("name_en", "name_uk", "name_ru", "aliases", "locality"),
    ),
    "evidence_claim": (
        (("public_id",), (), ("statement",), ("firm_response",)),
        ("public_id", "statement"),
    ),
    "evidence_source": (
        (("title",), ("publisher", "author"), ("description",), ()),
        ("title", "publisher", "author"),
    ),
}

CREATE_FOLD = """
CREATE OR REPLACE FUNCTION hub_search_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, coalesce($1, ''))) $$
"""


def folded(columns):
    return "hub_search_fold((" + " || ' ' || ".join(columns) + "))"


def vector(weights):
    parts = [
        f"setweight(to_tsvector('simple'::regconfig, {folded(columns)}), '{weight}')"
        for weight, columns in zip("ABCD", weights, strict=True)
        if columns
    ]
    return "(" + " || ".join(parts) + ")"


def statements():
    yield "CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public"
    yield "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"
    yield CREATE_FOLD
    for table, (weights, names) in TABLES.items():
        yield f"CREATE INDEX IF NOT EXISTS {table}_search_fts ON {table} USING gin ({vector(weights)})"
        yield (
            f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} "
            f"USING gin ({folded(names)} public.gin_trgm_ops)"
        )


def reverse_statements():
    for table in TABLES:
        yield f"DROP INDEX IF EXISTS {table}_search_fts"
        yield f"DROP INDEX IF EXISTS {table}_search_trgm"
    yield "DROP FUNCTION IF EXISTS hub_search_fold(text)"


def run(sql_statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in sql_statements():
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0002_initial"),
        ("evidence", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(run(statements), run(reverse_statements), elidable=False),
    ]
