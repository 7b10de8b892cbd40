"""Re-hash every published package file against its manifest.

    manage.py verify_packages       report each difference; exit non-zero if any

Every update's folder is checked: each file the manifest lists against its
SHA-256, the zip against its `.sha256`, the manifest against its copy in the
zip. Folders belonging to no update (a publish that never committed) are
removed, and named.
"""

from django.core.management.base import BaseCommand, CommandError

from downloads import integrity, package
from editorial.models import Update


class Command(BaseCommand):
    help = (
        "Re-hash every published package file against its manifest; exit non-zero on a difference."
    )

    def handle(self, **options):
        updates = list(Update.objects.order_by("number"))
        for name in integrity.sweep_orphans(package.root(), {u.number for u in updates}):
            self.stdout.write(f"removed {name}: a package folder without its update")
        found = []
        for update in updates:
            if update.is_synthetic and not package.directory(update.number).exists():
                continue  # generate_synthetic --no-package publishes no files
            found += integrity.problems(package.directory(update.number), package.zip_name(update))
        for line in found:
            self.stdout.write(line)
        if found:
            raise CommandError(f"{len(found)} published file(s) differ from their manifests.")
        self.stdout.write(f"{len(updates)} update(s): every file matches its manifest.")
