"""Search also finds a firm or site by the transliterations of its names (latin_names).

Rebuilds the firm and site search indexes of 0001_search with the new column
among the aliases (weight B, and the trigram index of names). The expressions
are written out here, as in 0001, so that this migration keeps its meaning.
"""

import importlib

from django.db import migrations

search_0001 = importlib.import_module("hub.migrations.0001_search")

TABLES = {
    "entities_firm": (
        (
            ("name_en", "name_zh", "name_ru", "name_uk", "short_name"),
            ("aliases", "ticker", "latin_names"),
            ("description",),
            (),
        ),
        (
            "name_en",
            "name_zh",
            "name_ru",
            "name_uk",
            "short_name",
            "aliases",
            "ticker",
            "latin_names",
        ),
    ),
    "entities_site": (
        (("name_en", "name_uk", "name_ru"), ("aliases", "locality", "latin_names"), ("description",), ()),
        ("name_en", "name_uk", "name_ru", "aliases", "locality", "latin_names"),
    ),
}


def indexes(tables):
    for table, (weights, names) in tables.items():
        yield f"DROP INDEX IF EXISTS {table}_search_fts"
        yield f"DROP INDEX IF EXISTS {table}_search_trgm"
        yield (
            f"CREATE INDEX {table}_search_fts ON {table} "
            f"USING gin ({search_0001.vector(weights)})"
        )
        yield (
            f"CREATE INDEX {table}_search_trgm ON {table} "
            f"USING gin ({search_0001.folded(names)} public.gin_trgm_ops)"
        )


def forwards():
    return indexes(TABLES)


def backwards():
    return indexes({table: search_0001.TABLES[table] for table in TABLES})


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0001_search"),
        ("entities", "0005_transliterated_names"),
    ]

    operations = [
        migrations.RunPython(search_0001.run(forwards), search_0001.run(backwards), elidable=False),
    ]
