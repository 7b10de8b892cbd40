"""Load the reviewable data files in seeds/ into the database.

One JSON file per table; records refer to each other by public identifier.
The whole load is one transaction: a bad row anywhere loads nothing. It is
idempotent: a record already holding the file's values is not written again,
so a second run reports everything unchanged.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from entities.models import Firm, Relationship, SanctionsDesignation, Sector, Site
from evidence.models import Citation, Claim, Source
from hub.models import PublicRecord, Status

# In dependency order: a table only refers to tables above it.
TABLES = [
    ("sectors.json", Sector, "slug"),
    ("sources.json", Source, "public_id"),
    ("firms.json", Firm, "public_id"),
    ("sanctions.json", SanctionsDesignation, "public_id"),
    ("relationships.json", Relationship, "public_id"),
    ("sites.json", Site, "public_id"),
    ("claims.json", Claim, "public_id"),
    ("citations.json", Citation, "public_id"),
]
KEY_OF = {model: key for _, model, key in TABLES}


class SeedError(Exception):
    pass


class Command(BaseCommand):
    help = "Load the seed dataset from seeds/*.json (one transaction, idempotent)."

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
                totals = [self.load_table(folder / name, model, key) for name, model, key in TABLES]
        except SeedError as error:
            raise CommandError(f"Nothing was loaded: {error}") from error
        for (name, _model, _key), (created, updated, unchanged) in zip(TABLES, totals, strict=True):
            self.stdout.write(
                f"{name}: {created} created, {updated} updated, {unchanged} unchanged"
            )

    def load_table(self, path, model, key):
        if not path.exists():
            raise SeedError(f"{path} is missing")
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise SeedError(f"{path.name} is not valid JSON: {error}") from error
        created = updated = unchanged = 0
        for number, row in enumerate(rows, start=1):
            try:
                outcome = self.load_row(model, key, row)
            except (ValidationError, IntegrityError, LookupError, ValueError, TypeError) as error:
                raise SeedError(
                    f"{path.name}, record {number} ({row.get(key)!r}): {error}"
                ) from error
            created += outcome == "created"
            updated += outcome == "updated"
            unchanged += outcome == "unchanged"
        return created, updated, unchanged

    def load_row(self, model, key, row):
        row = dict(row)
        if issubclass(model, PublicRecord):
            row.setdefault("status", Status.PUBLISHED)
        many = {}
        values = {}
        for name, raw in row.items():
            field = model._meta.get_field(name)
            if field.many_to_many:
                many[field] = {self.resolve(field.related_model, item) for item in raw}
            elif field.is_relation:
                values[field.attname] = (
                    None if raw is None else self.resolve(field.related_model, raw)
                )
            elif name == "aliases" and isinstance(raw, list):
                values[name] = "\n".join(raw)
            else:
                if isinstance(raw, float):
                    raw = str(raw)  # 47.45361 must not become 47.4536099999...
                values[name] = field.to_python(raw if raw is not None else field.get_default())

        instance = model.objects.filter(**{key: values[key]}).first()
        if instance is None:
            instance = model(**values)
            outcome = "created"
        else:
            changed = [name for name, value in values.items() if getattr(instance, name) != value]
            for name in changed:
                setattr(instance, name, values[name])
            outcome = "updated" if changed else "unchanged"
        if outcome != "unchanged":
            # Field validation here; the constraints are checked by the database
            # itself on save (asking it per row and per constraint is slow).
            instance.full_clean(validate_unique=False, validate_constraints=False)
            with transaction.atomic():
                instance.save()
        for field, pks in many.items():
            manager = getattr(instance, field.name)
            if set(manager.values_list("pk", flat=True)) != pks:
                manager.set(pks)
                outcome = "updated" if outcome == "unchanged" else outcome
        return outcome

    def resolve(self, model, reference):
        """The primary key of the record of `model` that the seed calls `reference`."""
        key = KEY_OF[model]
        pk = model.objects.filter(**{key: reference}).values_list("pk", flat=True).first()
        if pk is None:
            raise LookupError(f"no {model._meta.verbose_name} {reference!r}")
        return pk
