"""Load the reviewable data files in seeds/ and publish them as updates.

One JSON file per table is update 1; records refer to each other by public
identifier. Every new or changed record is staged and the lot is published
through `editorial.publishing.publish_update`, like any other change: on an
empty database the seed becomes update 1. Then each file of seeds/updates/
is replayed through the editorial workflow as the next update
(editorial.seed_history): its corrections submitted and decided, its
changes staged and published. The whole load is one transaction (a bad row
anywhere loads nothing) and idempotent: what the database already holds is
not staged or published again.

Once a later update has been published, the table files are history (update
1 as it was published): a change to them is refused, and a change to the
data goes in a new file of seeds/updates/.
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from editorial import publishing, seed_history, staging, values
from editorial.models import Update
from entities.models import Firm, Relationship, SanctionsDesignation, Sector, Site
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
    staging.StagingRefused,
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
        parser.add_argument(
            "--tables-only",
            action="store_true",
            help="Load update 1 (the table files) and not the later updates of seeds/updates/.",
        )

    def handle(self, *args, directory, tables_only=False, **options):
        folder = Path(directory)
        history = [] if tables_only else seed_history.history_files(folder)
        try:
            with transaction.atomic():
                totals, changes, update = None, [], None
                if any(seed_history.replayed(path) for path in history):
                    first = self.published_base(folder)
                else:
                    totals = [self.load_table(folder / name, m, changes) for name, m in TABLES]
                    update = self.publish(folder, changes)
                later = [(path, seed_history.replay(path=path)) for path in history]
        except (SeedError, publishing.PublishRefused, seed_history.HistoryError) as error:
            raise CommandError(f"Nothing was loaded: {error}") from error
        if totals is None:
            self.stdout.write(f"Tables: published as update {first.number}, unchanged.")
        else:
            for (name, _model), (created, updated, same) in zip(TABLES, totals, strict=True):
                self.stdout.write(f"{name}: {created} created, {updated} updated, {same} unchanged")
        published = [update] if update is not None else []
        if update is not None:
            self.stdout.write(f"Published update {update.number}: {update.summary}")
        for path, replayed in later:
            if replayed is not None:
                published.append(replayed)
                self.stdout.write(
                    f"updates/{path.name}: published update {replayed.number}: {replayed.summary}"
                )
        if not published:
            self.stdout.write("Nothing new: no update published.")

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
        changes.append(staging.stage_edit(record=record, fields=links, user=None))
        return True

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
                staging.stage_new(model=model, fields=row, user=None, public_id=identifier)
            )
            return "created"
        proposed = values.normalise(model, row)
        current = values.snapshot(existing)
        if all(current.get(name) == value for name, value in proposed.items()):
            return "unchanged"
        changes.append(staging.stage_edit(record=existing, fields=row, user=None))
        return "updated"

    def published_base(self, folder):
        """The update the table files were published as; refuses files changed since."""
        update = Update.objects.filter(idempotency_key=self.base_key(folder)).first()
        if update is None:
            raise SeedError(
                "the table files in seeds/ differ from the update they were published as, and "
                "later updates from seeds/updates/ are published: put the change in a new file "
                "of seeds/updates/ (see seeds/README.md)"
            )
        return update

    def base_key(self, folder):
        digest = hashlib.sha256()
        for name, _model in TABLES:
            path = folder / name
            if not path.exists():
                raise SeedError(f"{path} is missing")
            digest.update(path.read_bytes())
        return f"seeds-{digest.hexdigest()[:48]}"

    def publish(self, folder, changes):
        if not changes:
            return None
        first = not Update.objects.exists()
        return publishing.publish_update(
            change_ids=[change.pk for change in changes],
            summary="Seed dataset: the records of the seed article"
            if first
            else "Seed files revised",
            notes="Loaded from the reviewable files in seeds/ by `manage.py load_seeds`.",
            idempotency_key=self.base_key(folder),
        )
