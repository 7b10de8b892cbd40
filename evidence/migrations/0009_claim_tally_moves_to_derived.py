# ClaimTally belongs to the derived app now (derived/models.py), which keeps its
# table: this app forgets it, the database is untouched.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('evidence', '0008_archive_attempts'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ClaimTally')],
            database_operations=[],
        ),
    ]
