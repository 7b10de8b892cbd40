"""Archived copies of sources, and the record of checking their original URLs.

A `SourceSnapshot` is a file the hub holds: stored once under its SHA-256
(content-addressed, never overwritten), outside any URL the web server
serves. It becomes public only when a published source points at it
(`Source.snapshot`, a field staged and published like any other), and it is
then served only as a download that cannot run in the hub's origin
(`evidence.views.source_snapshot`).

A `SourceCheck` is one request to a source's original URL made by
`manage.py check_sources`: its status code, time and any redirect.
"""

import hashlib
import mimetypes
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SnapshotStorage(FileSystemStorage):
    """The file system under HUB_SNAPSHOTS_ROOT.

    No URL route serves this folder: a snapshot leaves the hub only through
    the download view. Read from the settings at each use, not once, so that
    a changed setting (a test's own folder) takes effect.
    """

    @property
    def base_location(self):
        return str(settings.HUB_SNAPSHOTS_ROOT)

    @property
    def location(self):
        return str(Path(self.base_location).resolve())


snapshot_storage = SnapshotStorage()


def snapshot_name(digest):
    return f"snapshots/{digest[:2]}/{digest}"


class SourceSnapshot(models.Model):
    """One archived copy of a source (a PDF, an HTML page, an image, a text)."""

    # Staged changes and seed files name a snapshot by its hash (editorial.values).
    NATURAL_KEY = "sha256"

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    file = models.FileField(storage=snapshot_storage, max_length=200)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    media_type = models.CharField(_("media type"), max_length=100)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    retrieved_at = models.DateTimeField(_("retrieved"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-retrieved_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="snapshot_sha256_hex"
            ),
            models.CheckConstraint(condition=~Q(media_type=""), name="snapshot_has_media_type"),
        ]

    def __str__(self):
        return f"{self.sha256[:12]}… ({self.media_type}, {self.size} bytes)"

    @property
    def extension(self):
        suffix = Path(self.original_name).suffix
        return suffix or mimetypes.guess_extension(self.media_type) or ""


@transaction.atomic
def store_snapshot(*, content, media_type, retrieved_at, original_name=""):
    """Store `content` (bytes) as a snapshot, or return the one already holding it."""
    digest = hashlib.sha256(content).hexdigest()
    existing = SourceSnapshot.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    name = snapshot_name(digest)
    if not snapshot_storage.exists(name):
        name = snapshot_storage.save(name, ContentFile(content))
    return SourceSnapshot.objects.create(
        sha256=digest,
        file=name,
        size=len(content),
        media_type=media_type,
        original_name=original_name[:255],
        retrieved_at=retrieved_at,
    )


class SourceCheckQuerySet(models.QuerySet):
    def latest_per_source(self):
        """The newest check of each source (one query; portable, no DISTINCT ON)."""
        newest = (
            SourceCheck.objects.filter(source=models.OuterRef("source"))
            .order_by("-checked_at", "-pk")
            .values("pk")[:1]
        )
        return self.filter(pk=models.Subquery(newest))

    def dead(self):
        return self.filter(Q(status_code__isnull=True) | Q(status_code__gte=400))


class SourceCheck(models.Model):
    """One request to a source's original URL."""

    source = models.ForeignKey("evidence.Source", on_delete=models.CASCADE, related_name="checks")
    url = models.URLField(max_length=1000)
    checked_at = models.DateTimeField()
    method = models.CharField(max_length=4)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(max_length=1000, blank=True)
    elapsed_ms = models.PositiveIntegerField()
    error = models.CharField(max_length=500, blank=True)

    objects = SourceCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["source", "-checked_at"])]
        constraints = [
            # Either the server answered with a status, or the request failed with an error.
            models.CheckConstraint(
                condition=Q(status_code__isnull=False) | ~Q(error=""),
                name="sourcecheck_status_or_error",
            )
        ]

    def __str__(self):
        return f"{self.url}: {self.status_code or self.error}"

    @property
    def redirected(self):
        return bool(self.final_url) and self.final_url != self.url

    @property
    def is_dead(self):
        return self.status_code is None or self.status_code >= 400
