"""The search lists claims newest first: a partial index of published claims in that order.

hub.search.ranked orders claims by date_start DESC NULLS LAST, then public
identifier, then primary key. With this index the database walks the
published claims from the newest and stops at the first ten that match,
instead of reading and sorting every match (58,000 claims for a common
name: 240 ms, now 2 ms). PostgreSQL only, like the other search indexes;
nothing happens on SQLite.
"""

import importlib

from django.db import migrations

search_0001 = importlib.import_module("hub.migrations.0001_search")


def forwards():
    yield (
        "CREATE INDEX IF NOT EXISTS claim_search_newest ON evidence_claim "
        "(date_start DESC NULLS LAST, public_id, id) WHERE status = 'published'"
    )


def backwards():
    yield "DROP INDEX IF EXISTS claim_search_newest"


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0003_stored_search_columns"),
    ]

    operations = [
        migrations.RunPython(search_0001.run(forwards), search_0001.run(backwards), elidable=False),
    ]
