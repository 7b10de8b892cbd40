"""Fill the database with a synthetic data set and publish it as a flagged update.

    python manage.py generate_synthetic --firms 20000 --sites 5000 \
        --sources 50000 --claims 1000000 [--no-package] [--allow-real]

See bench/synthetic_data.py. Refuses a database holding real records unless
--allow-real; every page then says that the site holds synthetic data.
"""

from django.core.management.base import BaseCommand, CommandError

from bench import synthetic_data as synthetic


class Command(BaseCommand):
    help = "Generate a synthetic data set (for load testing) and publish it as its own update."

    def add_arguments(self, parser):
        defaults = synthetic.Sizes()
        for name in ("firms", "sites", "sources", "claims"):
            parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument(
            "--allow-real",
            action="store_true",
            help="Add synthetic records to a database that holds real ones.",
        )
        parser.add_argument(
            "--no-package",
            action="store_true",
            help="Do not write the update's frozen data package (slow at a million claims).",
        )

    def handle(self, *args, firms, sites, sources, claims, seed, allow_real, no_package, **options):
        if min(firms, sources, claims) < 1 or sites < 0:
            raise CommandError("Give at least one firm, source and claim (and no negative sizes).")
        sizes = synthetic.Sizes(firms=firms, sites=sites, sources=sources, claims=claims, seed=seed)
        try:
            update = synthetic.generate(
                sizes=sizes,
                allow_real=allow_real,
                package=not no_package,
                log=lambda line: self.stdout.write(line),
            )
        except synthetic.RealDataPresent as error:
            raise CommandError(f"{error} (--allow-real)") from error
        self.stdout.write(
            self.style.SUCCESS(f"Published synthetic update {update.number}: {update.notes}")
        )
