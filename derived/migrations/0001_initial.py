# The stored counts move here from the entities and evidence apps with their
# tables as they are (db_table): only Django's record of which app holds them
# changes, and no row is copied. Their content types (and the permissions that
# point at them) follow them.

import django.db.models.deletion
from django.db import migrations, models

MOVED = [
    ('entities', 'firmclaimfact'),
    ('entities', 'firmsite'),
    ('evidence', 'claimtally'),
]


def _move_content_types(apps, to_derived):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    for app_label, model in MOVED:
        old, new = (app_label, 'derived') if to_derived else ('derived', app_label)
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    _move_content_types(apps, to_derived=True)


def backwards(apps, schema_editor):
    _move_content_types(apps, to_derived=False)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('entities', '0013_firm_facts_move_to_derived'),
        ('evidence', '0009_claim_tally_moves_to_derived'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ClaimTally',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('claim_type', models.CharField(choices=[('equipment_supply', 'Equipment supply'), ('servicing', 'Servicing'), ('finance', 'Finance and payments'), ('telecom', 'Telecom'), ('investment', 'Investment or partnership'), ('network', 'Network membership'), ('logistics', 'Logistics and transit'), ('presence', 'Presence')], max_length=20)),
                        ('confidence', models.CharField(choices=[('confirmed', 'Confirmed'), ('single_source', 'Reported'), ('hub_finding', 'Hub finding, not independently confirmed'), ('alleged', 'Alleged'), ('disputed', 'Disputed')], max_length=16)),
                        ('stage', models.PositiveSmallIntegerField(choices=[(1, 'Stage 1 · private equipment suppliers'), (2, 'Stage 2 · Belt and Road para-diplomatic and academic networks'), (3, 'Stage 3 · state capital')], null=True)),
                        ('region', models.CharField(blank=True, choices=[('crimea', 'Autonomous Republic of Crimea'), ('sevastopol', 'Sevastopol'), ('donetsk', 'Donetsk oblast'), ('luhansk', 'Luhansk oblast'), ('zaporizhzhia', 'Zaporizhzhia oblast'), ('kherson', 'Kherson oblast'), ('several', 'Several occupied regions')], max_length=20)),
                        ('year', models.PositiveSmallIntegerField(null=True)),
                        ('claims', models.PositiveIntegerField()),
                    ],
                    options={
                        'db_table': 'evidence_claimtally',
                    },
                ),
                migrations.CreateModel(
                    name='FirmClaimFact',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('facet', models.CharField(choices=[('region', 'region'), ('claim_type', 'claim type'), ('confidence', 'confidence'), ('reply', 'reply')], max_length=16)),
                        ('value', models.CharField(max_length=32)),
                        ('claims', models.PositiveIntegerField()),
                        ('firm', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='claim_facts', to='entities.firm')),
                    ],
                    options={
                        'db_table': 'entities_firmclaimfact',
                        'indexes': [models.Index(fields=['facet', 'value', 'firm'], name='entities_fi_facet_f20e7d_idx')],
                        'constraints': [models.UniqueConstraint(fields=('firm', 'facet', 'value'), name='firm_claim_fact_once'), models.CheckConstraint(condition=models.Q(('claims__gt', 0)), name='firm_claim_fact_counts')],
                    },
                ),
                migrations.CreateModel(
                    name='FirmSite',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('claims', models.PositiveIntegerField()),
                        ('firm', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='site_facts', to='entities.firm')),
                        ('site', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='firm_facts', to='entities.site')),
                    ],
                    options={
                        'db_table': 'entities_firmsite',
                        'constraints': [models.UniqueConstraint(fields=('firm', 'site'), name='firm_site_once'), models.CheckConstraint(condition=models.Q(('claims__gt', 0)), name='firm_site_counts')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
