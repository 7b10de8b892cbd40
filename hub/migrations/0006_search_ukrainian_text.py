"""Search also reads the hub's Ukrainian text: statements and descriptions weigh as their English.

Each searchable table's stored ``search_vector`` (0003) is generated again
with the Ukrainian twin of its text at weight C beside the English: a
claim's ``statement_uk``, the ``description_uk`` of firms, sites and
sources. PostgreSQL cannot change a generated column's expression before
version 17, so the column is dropped (its GIN index with it) and added
again, and the index rebuilt under its old name. The names matched by
substring and trigrams (``search_names``) do not change: the Ukrainian
names were there already. The expressions are written out here, as in
0001-0003, so that this migration keeps its meaning. Nothing happens on
SQLite, whose search folds the columns hub.search names per query.
Reversing restores 0003's vectors.
"""

import importlib

from django.db import migrations

search_0001 = importlib.import_module("hub.migrations.0001_search")
search_0003 = importlib.import_module("hub.migrations.0003_stored_search_columns")

# table: (weights, name columns), as 0003 left them but for the Ukrainian text at weight C.
TABLES = {
    "entities_firm": (
        (
            ("name_en", "name_zh", "name_ru", "name_uk", "short_name"),
            ("aliases", "ticker", "latin_names"),
            ("description", "description_uk"),
            (),
        ),
        search_0003.TABLES["entities_firm"][1],
    ),
    "entities_site": (
        (
            ("name_en", "name_uk", "name_ru"),
            ("aliases", "locality", "latin_names"),
            ("description", "description_uk"),
            (),
        ),
        search_0003.TABLES["entities_site"][1],
    ),
    "evidence_claim": (
        (("public_id",), (), ("statement", "statement_uk"), ("firm_response",)),
        search_0003.TABLES["evidence_claim"][1],
    ),
    "evidence_source": (
        (("title",), ("publisher", "author"), ("description", "description_uk"), ()),
        search_0003.TABLES["evidence_source"][1],
    ),
}


def vectors(tables):
    for table, (weights, _names) in tables.items():
        yield f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector"  # and its index
        yield (
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({search_0001.vector(weights)}) STORED"
        )
        yield f"CREATE INDEX {table}_search_fts ON {table} USING gin (search_vector)"


def forwards():
    return vectors(TABLES)


def backwards():
    return vectors(search_0003.TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0005_claim_han_grams"),
        ("entities", "0014_facts_and_ukrainian_text"),
        ("evidence", "0010_facts_and_ukrainian_text"),
    ]

    operations = [
        migrations.RunPython(search_0001.run(forwards), search_0001.run(backwards), elidable=False),
    ]
