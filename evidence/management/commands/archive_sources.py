"""Make the hub's own archived copy (a WARC file) of sources.

    python manage.py archive_sources SRC0001 SRC0002   # these sources
    python manage.py archive_sources --all             # every source with a URL and no copy
    python manage.py archive_sources --retry-failed    # those whose last attempt failed
    python manage.py archive_sources --all --now       # here and now, not through the queue

Without --now each source gets a queued attempt that the task worker
(manage.py db_worker) makes; with --now the attempt is made here. A copy
made of a published source is staged for the next update, like any edit;
a draft source gets it at once. Withdrawn sources are never archived.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef

from evidence.archiver import archive_source, request_archive
from evidence.archiving import ArchiveAttempt
from evidence.models import Source
from hub.models import Status


class Command(BaseCommand):
    help = "Archive sources' URLs as WARC snapshots, through the task queue or at once (--now)."

    def add_arguments(self, parser):
        parser.add_argument("public_ids", nargs="*", help="These sources, whatever their state.")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="all_sources",
            help="Every source with a URL, no snapshot, and no attempt queued or failed last.",
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Every source with no snapshot whose last attempt failed.",
        )
        parser.add_argument(
            "--now", action="store_true", help="Archive here and now instead of queueing."
        )

    def handle(self, *args, public_ids, all_sources, retry_failed, now, **options):
        if not (public_ids or all_sources or retry_failed):
            raise CommandError("Name the sources, or give --all or --retry-failed.")
        candidates = Source.objects.exclude(status=Status.WITHDRAWN).exclude(url="")
        chosen = set()
        if public_ids:
            named = dict(candidates.filter(public_id__in=public_ids).values_list("public_id", "pk"))
            missing = sorted(set(public_ids) - set(named))
            if missing:
                raise CommandError(f"No draft or published source with a URL: {', '.join(missing)}")
            chosen |= set(named.values())
        latest = ArchiveAttempt.objects.latest_per_source().filter(source=OuterRef("pk"))
        without_copy = candidates.filter(snapshot__isnull=True)
        if all_sources:
            chosen |= set(
                without_copy.exclude(
                    Exists(latest.filter(outcome__in=["queued", "failed"]))
                ).values_list("pk", flat=True)
            )
        if retry_failed:
            chosen |= set(
                without_copy.filter(Exists(latest.filter(outcome="failed"))).values_list(
                    "pk", flat=True
                )
            )
        counts = {"archived": 0, "failed": 0, "queued": 0}
        for source in Source.objects.filter(pk__in=chosen).order_by("public_id"):
            attempt = archive_source(source=source) if now else request_archive(source=source)
            counts[attempt.outcome] += 1
            self.stdout.write(f"{source.public_id} {self.describe(attempt)}")
        total = sum(counts.values())
        summary = ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n)
        self.stdout.write(
            f"{total} source{'s' if total != 1 else ''}" + (f": {summary}." if total else ".")
        )

    @staticmethod
    def describe(attempt):
        if attempt.outcome == ArchiveAttempt.Outcome.QUEUED:
            return f"queued (attempt {attempt.pk})"
        if attempt.outcome == ArchiveAttempt.Outcome.FAILED:
            text = f"failed: {attempt.error}"
        else:
            snapshot = attempt.snapshot
            text = (
                f"archived: WARC {snapshot.sha256[:12]}… ({snapshot.size:,} bytes, "
                f"HTTP {attempt.status_code})"
            )
            if attempt.final_url:
                text += f" from {attempt.final_url}"
        if attempt.note:
            text += f". {attempt.note}"
        if attempt.internet_archive_url:
            text += f" Internet Archive: {attempt.internet_archive_url}"
        elif attempt.internet_archive_error:
            text += f" {attempt.internet_archive_error}"
        return text
