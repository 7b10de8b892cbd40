"""Request every published source's original URL and record the answer.

    python manage.py check_sources [--timeout 10] [--queue] [SRC0001 ...]

Each answer (status code, time, final URL after redirects, or the error)
is stored as a SourceCheck; the dead ones are listed for staff at
/staff/sources/dead/. Nothing public changes. With --queue each check is a
task for the worker (manage.py db_worker) instead of being made here.
"""

from django.core.management.base import BaseCommand, CommandError

from evidence import tasks
from evidence.linkcheck import check_source
from evidence.models import Source


class Command(BaseCommand):
    help = "Check the original URL of each published source and record status and time."

    def add_arguments(self, parser):
        parser.add_argument("public_ids", nargs="*", help="Only these sources (default: all).")
        parser.add_argument("--timeout", type=float, default=10.0, help="Seconds per request.")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Enqueue one task per source for the task worker instead of checking here.",
        )

    def handle(self, *args, public_ids, timeout, queue, **options):
        if timeout <= 0:
            raise CommandError("--timeout must be a positive number of seconds.")
        sources = Source.objects.public().exclude(url="").order_by("public_id")
        if public_ids:
            sources = sources.filter(public_id__in=public_ids)
            missing = set(public_ids) - set(sources.values_list("public_id", flat=True))
            if missing:
                raise CommandError(f"No published source with a URL: {', '.join(sorted(missing))}")
        if queue:
            queued = 0
            for source in sources.iterator():
                tasks.check_link.enqueue(source.pk, timeout)
                self.stdout.write(f"{source.public_id} queued")
                queued += 1
            self.stdout.write(f"{queued} check{'s' if queued != 1 else ''} queued.")
            return
        dead = 0
        for source in sources.iterator():
            check = check_source(source, timeout=timeout)
            result = f"HTTP {check.status_code}" if check.status_code else check.error
            if check.redirected:
                result += f" (redirected to {check.final_url})"
            self.stdout.write(f"{source.public_id} {result} {check.elapsed_ms} ms")
            dead += check.is_dead
        self.stdout.write(f"{dead} dead link{'s' if dead != 1 else ''}.")
