# FirmClaimFact and FirmSite belong to the derived app now (derived/models.py),
# which keeps their tables: this app forgets them, the database is untouched.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('entities', '0012_firm_facet_columns_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='FirmClaimFact'),
                migrations.DeleteModel(name='FirmSite'),
            ],
            database_operations=[],
        ),
    ]
