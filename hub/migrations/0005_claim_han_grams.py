"""Claims are found by Chinese text through a stored list of their Chinese characters and pairs.

Chinese is written without spaces, so the full-text index finds no word in
it, and a trigram index cannot answer a query shorter than three characters:
Chinese names are often two ("三一", Sany). A search for one or two
characters read every claim's statement (0.9 s at a million claims), and a
common pair (a firm's name in 125,000 statements) took 1.4 s through the
trigram index of the folded statement.

``hub_han_grams(text)`` lists the Chinese characters of a text and each
pair of neighbours within a run of them (NULL for a text without Chinese).
A claim stores it in the generated column ``search_han``, with a GIN index:
a query's pairs (or its single character) are looked up there, and the
candidates checked against the statement. Stored, not an expression index,
so that checking a candidate reads the list instead of computing it again,
and so that ANALYZE keeps statistics of the characters, from which the
planner can tell a rare name (ask the index) from a common one (walk the
newest claims and stop at the first hits).

The trigram index of the claims' folded statements (0001) is dropped: the
pairs replace it, and at a million claims it was the largest index built.
hub.search builds the matching query (``han_grams``, ``HasHanGrams``); the character ranges
are hub.transliteration's ``_HAN``. PostgreSQL only; nothing happens on
SQLite, whose search reads every row anyway. Reversing restores 0001's index.
"""

import importlib

from django.db import migrations

search_0001 = importlib.import_module("hub.migrations.0001_search")

HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"

CREATE_GRAMS = rf"""
CREATE OR REPLACE FUNCTION hub_han_grams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$
SELECT CASE WHEN $1 ~ '{HAN}' THEN (
    SELECT array_agg(DISTINCT substr(run[1], start, size))
    FROM regexp_matches($1, '{HAN}+', 'g') AS run,
         generate_series(1, char_length(run[1])) AS start,
         (VALUES (1), (2)) AS sizes (size)
    WHERE start + size - 1 <= char_length(run[1])
) END
$$
"""


def forwards():
    yield CREATE_GRAMS
    yield (
        "ALTER TABLE evidence_claim ADD COLUMN search_han text[] "
        "GENERATED ALWAYS AS (hub_han_grams(statement)) STORED"
    )
    yield "CREATE INDEX evidence_claim_search_han ON evidence_claim USING gin (search_han)"
    yield "DROP INDEX IF EXISTS evidence_claim_search_trgm"


def backwards():
    yield "ALTER TABLE evidence_claim DROP COLUMN IF EXISTS search_han"  # and its index
    yield "DROP FUNCTION IF EXISTS hub_han_grams(text)"
    table = "evidence_claim"
    names = search_0001.TABLES[table][1]
    yield (
        f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} "
        f"USING gin ({search_0001.folded(names)} public.gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0004_search_newest_claims"),
    ]

    operations = [
        migrations.RunPython(search_0001.run(forwards), search_0001.run(backwards), elidable=False),
    ]
