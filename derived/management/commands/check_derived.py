"""Compare every stored count with what rebuilding it from the records gives.

    python manage.py check_derived [--fix]

Rebuilds every store of the derived app (firm claim facts and sites, the
claim tally, the claim counts of firms, sites and sources) in a savepoint
that is rolled back, and prints each difference: the store, the row's key,
the stored and the rebuilt number. Exits non-zero when there are any.
With --fix, rebuilds every store for real (derived.rebuild_all) after
reporting, and checks again.
"""

from django.core.management.base import BaseCommand, CommandError

import derived
from derived.check import differences


class Command(BaseCommand):
    help = "Report where the stored counts differ from a rebuild; --fix rebuilds them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Rebuild every store when any differs."
        )

    def handle(self, *args, fix, **options):
        found = differences()
        for difference in found:
            self.stdout.write(str(difference))
        if not found:
            self.stdout.write("Every stored count equals its rebuild.")
            return
        summary = f"{len(found)} difference{'s' if len(found) != 1 else ''}"
        if not fix:
            raise CommandError(f"{summary}; run check_derived --fix to rebuild.", returncode=1)
        derived.rebuild_all()
        left = differences()
        if left:
            raise CommandError(f"{summary}; {len(left)} left after rebuilding.", returncode=1)
        self.stdout.write(f"{summary}, repaired: every store rebuilt.")
