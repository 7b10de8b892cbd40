# The hub's own attempts to archive a source (evidence.archiving.ArchiveAttempt).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('evidence', '0007_hub_publications_and_translations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ArchiveAttempt',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.URLField(max_length=1000)),
                ('requested_at', models.DateTimeField()),
                ('tried_at', models.DateTimeField(blank=True, null=True)),
                ('outcome', models.CharField(choices=[('queued', 'queued'), ('archived', 'archived'), ('failed', 'failed')], default='queued', max_length=8)),
                ('error', models.CharField(blank=True, max_length=500)),
                ('status_code', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('final_url', models.URLField(blank=True, max_length=1000)),
                ('note', models.CharField(blank=True, max_length=300)),
                ('internet_archive_url', models.URLField(blank=True, max_length=1000)),
                ('internet_archive_error', models.CharField(blank=True, max_length=500)),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('snapshot', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='archive_attempts', to='evidence.sourcesnapshot')),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='archive_attempts', to='evidence.source')),
            ],
            options={
                'ordering': ['-requested_at', '-pk'],
                'indexes': [models.Index(fields=['source', '-requested_at'], name='archiveattempt_latest')],
                'constraints': [models.CheckConstraint(condition=models.Q(('outcome__in', ['queued', 'archived', 'failed'])), name='archiveattempt_outcome_valid'), models.CheckConstraint(condition=models.Q(models.Q(('outcome', 'queued'), ('tried_at__isnull', True)), models.Q(models.Q(('outcome', 'queued'), _negated=True), ('tried_at__isnull', False)), _connector='OR'), name='archiveattempt_queued_until_tried'), models.CheckConstraint(condition=models.Q(models.Q(('outcome', 'archived'), _negated=True), ('snapshot__isnull', False), _connector='OR'), name='archiveattempt_archived_has_snapshot'), models.CheckConstraint(condition=models.Q(models.Q(('outcome', 'failed'), _negated=True), models.Q(('error', ''), _negated=True), _connector='OR'), name='archiveattempt_failed_has_error')],
            },
        ),
    ]
