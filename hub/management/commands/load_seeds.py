"""Load the reviewable data files in seeds/ and publish them as an update.

One JSON file per table; records refer to each other by public identifier.
Every new or changed record is staged and the lot is published through
`editorial.services.publish_update`, like any other change: on an empty
database the seed becomes update 1. The whole load is one transaction (a
bad row anywhere loads nothing) and idempotent: when the database already
holds the files' values, nothing is staged and no update is made.
"""

import datetime
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
from evidence.archiving import store_snapshot
from evidence.models import Citation, Claim, Source
from hub.models import Status

# In dependency order: a table only refers to tables above it.
TABLES = [
    ("sectors.json", Sector),
    ("firms.json", Firm),  # before sources: a source may be issued by a firm
    ("sources.json", Source),
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


def self_links(model):
    """Many-to-many fields of `model` that point at `model` itself (a source's derived_from)."""
    return [
        field.name
        for field in model._meta.many_to_many
        if field.related_model is model and not field.auto_created
    ]


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
        later = []  # links to records of the same table, set once all of them exist
        for number, row in enumerate(rows, start=1):
            row = dict(row)
            identifier = row.get(key)
            links = {name: row.pop(name) for name in self_links(model) if name in row}
            try:
                with transaction.atomic():
                    if model is Source:
                        self.load_snapshot(path.parent, row)
                    outcome = self.load_row(model, key, row, changes)
            except LOAD_ERRORS as error:
                raise SeedError(
                    f"{path.name}, record {number} ({row.get(key)!r}): {error}"
                ) from error
            counts[outcome] += 1
            if links:
                later.append((number, identifier, outcome, links))
        for number, identifier, outcome, links in later:
            try:
                with transaction.atomic():
                    linked = self.load_links(model, key, identifier, links, changes)
            except LOAD_ERRORS as error:
                raise SeedError(
                    f"{path.name}, record {number} ({identifier!r}): {error}"
                ) from error
            if linked and outcome == "unchanged":
                counts["unchanged"] -= 1
                counts["updated"] += 1
        return counts["created"], counts["updated"], counts["unchanged"]

    def load_links(self, model, key, identifier, links, changes):
        """Set self-referencing many-to-many `links` of one record; True if a change was staged."""
        record = model.objects.get(**{key: identifier})
        if record.status == Status.DRAFT:  # created by this load: staged already
            for name, pks in values.assign(record, links).items():
                getattr(record, name).set(pks)
            return False
        proposed = values.normalise(model, links)
        current = values.snapshot(record)
        if all(current.get(name) == value for name, value in proposed.items()):
            return False
        changes.append(services.stage_edit(record=record, fields=links, user=None))
        return True

    def load_snapshot(self, folder, row):
        """A source's `snapshot` given as a file beside the seeds: store it, name it by hash."""
        spec = row.get("snapshot")
        if not isinstance(spec, dict):
            return
        content = (folder / spec["file"]).read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        if digest != spec["sha256"]:
            raise ValueError(f"snapshot {spec['file']} has SHA-256 {digest}, not {spec['sha256']}")
        store_snapshot(
            content=content,
            media_type=spec["media_type"],
            retrieved_at=datetime.datetime.fromisoformat(spec["retrieved_at"]),
            original_name=spec["file"],
        )
        row["snapshot"] = digest

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
