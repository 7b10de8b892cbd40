"""Search reads stored columns on PostgreSQL: each record's weighted vector and folded names.

Until now the GIN indexes of 0001/0002 were built on expressions, so every
row an index found was checked again, and every hit ranked, by computing its
vector from its texts once more: at a million claims and twenty thousand
firms that recomputation was most of a search's time. Here each
searchable table gets two generated columns, kept by the database itself
whenever a row is written:

* ``search_vector``: the weighted full-text vector (0002's expressions);
* ``search_names``: the folded names matched by substring and trigrams
  (firms, sites and sources; a claim's "names" are its statement, which
  would be stored twice, so claims keep 0001's expression index for that).

and the GIN indexes move onto them (same names). The models do not declare
these columns: only hub.search reads them, and only on PostgreSQL. Nothing
happens on SQLite. Reversing drops the columns and rebuilds 0002's indexes.
"""

import importlib

from django.db import migrations

search_0001 = importlib.import_module("hub.migrations.0001_search")
search_0002 = importlib.import_module("hub.migrations.0002_search_transliterations")

# table: (weights, name columns), as 0002 left them.
TABLES = {**search_0001.TABLES, **search_0002.TABLES}
# Tables whose folded names get a stored column (see above).
STORED_NAMES = ["entities_firm", "entities_site", "evidence_source"]


def forwards():
    for table, (weights, names) in TABLES.items():
        yield f"DROP INDEX IF EXISTS {table}_search_fts"
        yield (
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({search_0001.vector(weights)}) STORED"
        )
        yield f"CREATE INDEX {table}_search_fts ON {table} USING gin (search_vector)"
        if table in STORED_NAMES:
            yield f"DROP INDEX IF EXISTS {table}_search_trgm"
            yield (
                f"ALTER TABLE {table} ADD COLUMN search_names text "
                f"GENERATED ALWAYS AS ({search_0001.folded(names)}) STORED"
            )
            yield (
                f"CREATE INDEX {table}_search_trgm ON {table} "
                "USING gin (search_names public.gin_trgm_ops)"
            )


def backwards():
    for table in TABLES:
        yield f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector"
        if table in STORED_NAMES:
            yield f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_names"
    # Dropping the columns dropped their indexes: 0002's, on the expressions, again.
    yield from search_0002.indexes(TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0002_search_transliterations"),
    ]

    operations = [
        migrations.RunPython(search_0001.run(forwards), search_0001.run(backwards), elidable=False),
    ]
