"""Import one table from a CSV or .xlsx file from the shell, for large files.

    python manage.py import_records --table claims claims.csv            # dry run
    python manage.py import_records --table claims claims.csv --commit   # stage

The same import as the staff page (editorial.imports): all or nothing, and
only ever staged changes, which a reviewer then publishes. Progress is
printed every 100 rows; the command fails (exit status 1) when a row is bad.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from editorial import imports


class Command(BaseCommand):
    help = "Check (and with --commit, stage) the records of one table from a CSV or .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV (UTF-8) or .xlsx file.")
        parser.add_argument("--table", required=True, choices=list(imports.RESOURCES))
        parser.add_argument(
            "--commit",
            action="store_true",
            help="Stage the changes (without it: a dry run that stages nothing).",
        )
        parser.add_argument("--user", help="Username the staged changes are recorded under.")

    def handle(self, *args, file, table, commit, user, verbosity, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: user})
            actor = actor.first()
            if actor is None:
                raise CommandError(f"There is no user {user!r}.")
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            sheet = imports.read_table(content, path.name)
            imports.check_columns(table, sheet)
        except imports.ImportFileError as error:
            raise CommandError(f"{path.name}: {error}") from error

        def progress(processed, total):
            self.stdout.write(f"{processed}/{total} rows checked")

        report = imports.run_import(
            table=table, sheet=sheet, user=actor, commit=commit, progress=progress
        )
        counts = report["counts"]
        self.stdout.write(
            f"{counts['new']} new, {counts['edit']} edits, {counts['unchanged']} unchanged."
        )
        if verbosity >= 2:
            for row in report["rows"]:
                self.stdout.write(self.describe(row))
        for error in report["errors"]:
            self.stderr.write(f"row {error['row']}: {error['reason']}")
        if report["errors"]:
            bad = len(report["errors"])
            raise CommandError(f"{bad} bad row{'s' if bad > 1 else ''}: nothing was imported.")
        if commit:
            self.stdout.write(
                f"Staged {report['staged']} changes; they go live when a reviewer publishes an update."
            )
        else:
            self.stdout.write("Dry run: nothing was staged. Run again with --commit to stage.")

    @staticmethod
    def describe(row):
        if row["action"] == "new":
            return f"row {row['row']}: new {row['public_id']}"
        if row["action"] == "unchanged":
            return f"row {row['row']}: {row['public_id']} unchanged"
        fields = "; ".join(
            f"{change['field']}: {change['before']!r} -> {change['after']!r}"
            for change in row["changes"]
        )
        return f"row {row['row']}: edit of {row['public_id']}: {fields}"
