"""Load the reviewable data files in seeds/ and publish them as an update.

One JSON file per table; records refer to each other by public identifier.
Every new or changed record is staged and the lot is published through
`editorial.services.publish_update`, like any other change: on an empty
database the seed becomes update 1. The whole load is one transaction (a
bad row anywhere loads nothing) and idempotent: when the database already
holds the files' values, nothing is staged and no update is made.
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from editorial import services, values
from editorial.models import Update
from entities.models import Firm, Relationship, SanctionsDesignation, Sector, Site
from evidence.models import Citation, Claim, Source

# In dependency order: a table only refers to tables above it.
TABLES = [
    ("sectors.json", Sector),
    ("sources.json", Source),
    ("firms.json", Firm),
    ("sanctions.json", SanctionsDesignation),
    ("relationships.json", Relationship),
    ("sites.json", Site),
    ("claims.json", Claim),
    ("citations.json", Citation),
]
LOAD_ERRORS = (
    ValidationError,
    IntegrityError,
    LookupError,
    ValueError,
    TypeError,
    services.StagingRefused,
)


class SeedError(Exception):
    pass


class Command(BaseCommand):
    help = "Load seeds/*.json and publish what is new or changed as the next update."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            default=str(Path(settings.BASE_DIR) / "seeds"),
            help="Folder holding the seed files (default: seeds/).",
        )

    def handle(self, *args, directory, **options):
        folder = Path(directory)
        try:
            with transaction.atomic():
                totals, changes = [], []
                for name, model in TABLES:
                    totals.append(self.load_table(folder / name, model, changes))
                update = self.publish(folder, changes)
        except (SeedError, services.PublishRefused) as error:
            raise CommandError(f"Nothing was loaded: {error}") from error
        for (name, _model), (created, updated, unchanged) in zip(TABLES, totals, strict=True):
            self.stdout.write(
                f"{name}: {created} created, {updated} updated, {unchanged} unchanged"
            )
        if update is None:
            self.stdout.write("Nothing new: no update published.")
        else:
            self.stdout.write(f"Published update {update.number}: {update.summary}")

    def load_table(self, path, model, changes):
        if not path.exists():
            raise SeedError(f"{path} is missing")
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise SeedError(f"{path.name} is not valid JSON: {error}") from error
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        key = values.natural_key_name(model)
        for number, row in enumerate(rows, start=1):
            try:
                with transaction.atomic():
                    outcome = self.load_row(model, key, dict(row), changes)
            except LOAD_ERRORS as error:
                raise SeedError(
                    f"{path.name}, record {number} ({row.get(key)!r}): {error}"
                ) from error
            counts[outcome] += 1
        return counts["created"], counts["updated"], counts["unchanged"]

    def load_row(self, model, key, row, changes):
        identifier = row.pop(key)
        existing = model.objects.filter(**{key: identifier}).first()
        if model is Sector:  # vocabulary, not a public record: written directly
            if existing and existing.name == row["name"]:
                return "unchanged"
            Sector.objects.update_or_create(slug=identifier, defaults=row)
            return "updated" if existing else "created"
        if existing is None:
            changes.append(
                services.stage_new(model=model, fields=row, user=None, public_id=identifier)
            )
            return "created"
        proposed = values.normalise(model, row)
        current = values.snapshot(existing)
        if all(current.get(name) == value for name, value in proposed.items()):
            return "unchanged"
        changes.append(services.stage_edit(record=existing, fields=row, user=None))
        return "updated"

    def publish(self, folder, changes):
        if not changes:
            return None
        digest = hashlib.sha256()
        for name, _model in TABLES:
            digest.update((folder / name).read_bytes())
        first = not Update.objects.exists()
        return services.publish_update(
            change_ids=[change.pk for change in changes],
            summary="Seed dataset: the records of the seed article"
            if first
            else "Seed files revised",
            notes="Loaded from the reviewable files in seeds/ by `manage.py load_seeds`.",
            idempotency_key=f"seeds-{digest.hexdigest()[:48]}",
        )
