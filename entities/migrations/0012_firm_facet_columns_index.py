"""A covering index of the public firms' facet columns (PostgreSQL only).

The firm list counts its facets over the public firms: their stage, kind,
ownership, country and European presence, grouped at once, and their ids
for the facets counted through claims and sectors. A firm's row is wide
(names in four scripts, a description, the stored search columns), so
reading 20,000 of them took about 10 ms a query; this index answers those
reads alone (an index-only scan). SQLite has no INCLUDE: nothing happens
there. Not declared on the model for that reason (Django would warn on
SQLite).
"""

from django.db import migrations

COLUMNS = "id, stage, kind, ownership, country, european_presence"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS firm_facet_columns ON entities_firm (status) "
            f"INCLUDE ({COLUMNS})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS firm_facet_columns")


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0011_sector_names_in_ukrainian"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
