"""Indexes for reading the claims of one firm or site at scale.

Django indexes an automatic many-to-many table by each column alone. A
profile reads the claims of one firm or site: with (firm_id, claim_id) the
database finds them from the index alone (an index-only scan) instead of
visiting link rows scattered over the table. The partial index of published
claims, carrying the columns a profile sorts by, then answers "is this claim
published, and where does it sort" without reading the claim rows, so that
only the page's own claims are read in full.
"""

from django.db import migrations

LINKS = [
    ("evidence_claim_firms_firm_claim", "evidence_claim_firms", "firm_id, claim_id"),
    ("evidence_claim_sites_site_claim", "evidence_claim_sites", "site_id, claim_id"),
]
PUBLISHED = "evidence_claim_published_order"
SORT_COLUMNS = "claim_type, date_start, public_id"


def published_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        columns = f"id) INCLUDE ({SORT_COLUMNS}"
    else:  # SQLite has no INCLUDE: the columns go into the key
        columns = f"id, {SORT_COLUMNS}"
    schema_editor.execute(
        f"CREATE INDEX {PUBLISHED} ON evidence_claim ({columns}) WHERE status = 'published'"
    )


def drop_published_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {PUBLISHED}")


class Migration(migrations.Migration):
    dependencies = [("evidence", "0002_evidence_standards")]

    operations = [
        *(
            migrations.RunSQL(
                f"CREATE INDEX {name} ON {table} ({columns})", reverse_sql=f"DROP INDEX {name}"
            )
            for name, table, columns in LINKS
        ),
        migrations.RunPython(published_index, drop_published_index),
    ]
