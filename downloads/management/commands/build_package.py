"""Write, or check, the data package of the latest update.

    manage.py build_package N            write update N's package if it has none
    manage.py build_package N --full     ... with the full build, not from N-1's
    manage.py build_package N --compare  build N in full into a scratch folder and
                                         compare it, file by file, with the published one

Only the latest update can be built: the package is read from the live rows,
which are the latest update's state. --compare exits non-zero when a file
differs; it never writes into the update's own folder.
"""

import filecmp
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max

from downloads import package
from downloads.incremental import INDEX
from editorial.models import Change, Update
from editorial.publishing import APPLY_ORDER
from editorial.publishing.rules import answered_corrections


class Command(BaseCommand):
    help = "Write update N's data package, or compare it with a full rebuild (--compare)."

    def add_arguments(self, parser):
        parser.add_argument("number", type=int)
        parser.add_argument("--full", action="store_true", help="the full build")
        parser.add_argument(
            "--compare", action="store_true", help="rebuild in full elsewhere and compare"
        )
        parser.add_argument("--force", action="store_true", help="replace an existing package")

    def handle(self, number, full, compare, force, **options):
        update = Update.objects.filter(number=number).first()
        if update is None:
            raise CommandError(f"There is no update {number}.")
        if number != Update.objects.aggregate(n=Max("number"))["n"]:
            raise CommandError(f"Update {number} is not the latest: its state is gone.")
        changes = sorted(
            Change.objects.filter(update=update).select_related("correction"),
            key=lambda change: (APPLY_ORDER[change.action], change.pk),
        )
        answered = answered_corrections(changes)
        if compare:
            with tempfile.TemporaryDirectory(dir=package.root()) as scratch:
                with transaction.atomic():
                    rebuilt = package.build_package(
                        update, answered=answered, full=True, folder=Path(scratch) / "full"
                    )
                differences = compare_folders(package.directory(number), rebuilt)
            for line in differences:
                self.stdout.write(line)
            if differences:
                raise CommandError(f"Update {number}'s package differs from a full rebuild.")
            self.stdout.write(f"Update {number}'s package equals a full rebuild, byte for byte.")
            return
        if (package.directory(number) / "manifest.json").is_file() and not force:
            raise CommandError(f"Update {number} has a package; --force to replace it.")
        with transaction.atomic():
            folder = package.build_package(update, answered=answered, full=full)
        self.stdout.write(f"Wrote {folder}.")


def compare_folders(published, rebuilt):
    """Lines naming each file that differs or is missing (the row index aside)."""
    names = {
        path.name for folder in (published, rebuilt) if folder.is_dir() for path in folder.iterdir()
    } - {INDEX}
    lines = []
    for name in sorted(names):
        a, b = published / name, rebuilt / name
        if not a.is_file() or not b.is_file():
            lines.append(f"{name}: only in {'the rebuild' if b.is_file() else 'the package'}")
        elif not filecmp.cmp(a, b, shallow=False):
            lines.append(f"{name}: differs")
    return lines
