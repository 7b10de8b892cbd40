"""Remove submitters' contact details once they are no longer needed.

    python manage.py purge_contact_data [--days N] [--dry-run]

- contact details (name, email, IP hash) of corrections received more than
  HUB_CONTACT_RETENTION_DAYS ago (or --days) are deleted;
- IP hashes whose `ip_hash_expires_at` has passed are emptied.

Run it daily (cron or a systemd timer). It prints counts, never the details.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from editorial.models import CorrectionContact
from hub import audit


class Command(BaseCommand):
    help = "Delete contact details older than the retention period and expired IP hashes."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, days, dry_run, **options):
        days = settings.HUB_CONTACT_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days cannot be negative.")
        now = timezone.now()
        old = CorrectionContact.objects.filter(created_at__lt=now - timedelta(days=days))
        expired = CorrectionContact.objects.filter(ip_hash_expires_at__lt=now).exclude(ip_hash="")
        with transaction.atomic():
            if dry_run:
                deleted, hashes = old.count(), expired.exclude(pk__in=old).count()
            else:
                deleted = old.delete()[0]
                hashes = expired.update(ip_hash="", ip_hash_expires_at=None)
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(
            f"{verb} the contact details of {deleted} correction(s) older than {days} days "
            f"and {hashes} expired IP hash(es)"
        )
        if not dry_run:
            audit.log("contact_data.purged", actor="manage.py", contacts=deleted, ip_hashes=hashes)
