"""Archived copies of sources, and the record of checking their original URLs.

A `SourceSnapshot` is a file the hub holds: stored once under its SHA-256
(content-addressed, never overwritten), outside any URL the web server
serves. It becomes public only when a published source points at it
(`Source.snapshot`, a field staged and published like any other), and it is
then served only as a download that cannot run in the hub's origin
(`evidence.views.source_snapshot`).

A `SourceCheck` is one request to a source's original URL made by
`manage.py check_sources`: its status code, time and any redirect.

An `ArchiveAttempt` is one try by the hub to make a copy itself
(`evidence.archiver.archive_source`): it fetches the URL safely (evidence.fetching), writes the
requests and responses as a WARC file, stores that as a snapshot, and stages
the snapshot onto the source so that it is published like any other change.
Attempts are queued (`evidence.archiver.request_archive`, run by the task worker: evidence.tasks)
or made at once (`manage.py archive_sources --now`).

A source's archive state (`archive_state`, and `archive_state_expression` for
querysets) is the one rule for what the pages show and what publishing
accepts: `archived`, `exempt` or `failed` may be cited by a published claim;
`queued` and `none` may not.
"""

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import models, transaction
from django.db.models import Case, CharField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
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


# Attempts to archive a source -------------------------------------------------


class ArchiveAttemptQuerySet(models.QuerySet):
    def latest_per_source(self):
        """The newest attempt of each source (one query; portable, no DISTINCT ON)."""
        newest = (
            ArchiveAttempt.objects.filter(source=OuterRef("source"))
            .order_by("-requested_at", "-pk")
            .values("pk")[:1]
        )
        return self.filter(pk=Subquery(newest))


class ArchiveAttemptManager(models.Manager.from_queryset(ArchiveAttemptQuerySet)):
    def state(self):
        """The archive state of the source whose attempts these are.

        Read as `source.archive_attempts.state` (a template can call no
        function with an argument): the related manager knows its source.
        """
        source = getattr(self, "instance", None)
        if source is None:
            raise TypeError("Read the state through a source: source.archive_attempts.state")
        return archive_state(source)


class ArchiveAttempt(models.Model):
    """One try by the hub to make its own archived copy of a source's URL."""

    class Outcome(models.TextChoices):
        QUEUED = "queued", _("queued")
        ARCHIVED = "archived", _("archived")
        FAILED = "failed", _("failed")

    source = models.ForeignKey(
        "evidence.Source", on_delete=models.CASCADE, related_name="archive_attempts"
    )
    url = models.URLField(max_length=1000)
    requested_at = models.DateTimeField()
    # Who asked: the staged edit that publishes the snapshot is theirs.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    tried_at = models.DateTimeField(null=True, blank=True)  # null while queued
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.QUEUED)
    # Why it failed, in one sentence: shown on the public source page.
    error = models.CharField(max_length=500, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(max_length=1000, blank=True)
    snapshot = models.ForeignKey(
        SourceSnapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="archive_attempts",
    )
    # What became of the copy: staged for the next update, set on a draft, or
    # why neither (staff read it; the public sees the snapshot once published).
    note = models.CharField(max_length=300, blank=True)
    # HUB_ARCHIVE_INTERNET_ARCHIVE: the Wayback Machine's copy, or why there is none.
    internet_archive_url = models.URLField(max_length=1000, blank=True)
    internet_archive_error = models.CharField(max_length=500, blank=True)

    objects = ArchiveAttemptManager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["source", "-requested_at"], name="archiveattempt_latest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["queued", "archived", "failed"]),
                name="archiveattempt_outcome_valid",
            ),
            # Queued exactly while not yet tried.
            models.CheckConstraint(
                condition=Q(outcome="queued", tried_at__isnull=True)
                | (~Q(outcome="queued") & Q(tried_at__isnull=False)),
                name="archiveattempt_queued_until_tried",
            ),
            # A success holds its copy; a failure says why.
            models.CheckConstraint(
                condition=~Q(outcome="archived") | Q(snapshot__isnull=False),
                name="archiveattempt_archived_has_snapshot",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="failed") | ~Q(error=""),
                name="archiveattempt_failed_has_error",
            ),
        ]

    def __str__(self):
        return f"{self.url}: {self.outcome}"

    @property
    def succeeded(self):
        """True, False, or None while queued."""
        if self.outcome == self.Outcome.QUEUED:
            return None
        return self.outcome == self.Outcome.ARCHIVED


# The archive state of a source: the one rule -----------------------------------


class ArchiveState(models.TextChoices):
    ARCHIVED = "archived", _("Archived")
    QUEUED = "queued", _("Archiving queued")
    FAILED = "failed", _("Archiving failed")
    EXEMPT = "exempt", _("Exempt from archiving")
    NONE = "none", _("No archived copy")


# What a published claim may cite (editorial.publishing.rules.check_archived_sources):
# a copy; a stated reason why there is none; or a failed attempt, which the
# source page reports with why and when (the hub tried and says so). A queued
# attempt is not yet an answer, and nothing at all is not one either.
PUBLISHABLE_STATES = frozenset({ArchiveState.ARCHIVED, ArchiveState.EXEMPT, ArchiveState.FAILED})

_UNREAD = object()


@dataclass(frozen=True)
class ArchiveStatus:
    state: str
    source: object
    attempt: ArchiveAttempt | None  # the newest attempt, when it was read

    @property
    def publishable(self):
        return self.state in PUBLISHABLE_STATES

    @property
    def label(self):
        return ArchiveState(self.state).label

    @property
    def snapshot(self):
        return self.source.snapshot if self.source.snapshot_id else None

    @property
    def external_url(self):
        return self.source.archived_url

    @property
    def exemption(self):
        return self.source.archive_exemption.strip()


def _has_exemption(source):
    return bool(source.archive_exemption.strip())


def archive_state(source, *, latest=_UNREAD):
    """The archive state of `source` (an ArchiveStatus), in this order:

    - archived: the hub holds a snapshot, or the source names a copy in a public
      web archive (`archived_url`);
    - exempt: no copy, and `archive_exemption` says why (a stated reason is an
      answer, whatever attempts are pending);
    - queued: the newest attempt is waiting for the worker;
    - failed: the newest attempt failed (its error and time are shown);
    - none: nothing of the above (a copy made but not yet published counts as
      none: the public sees it once an update publishes it).

    `latest`: the newest ArchiveAttempt (or None) when the caller read it;
    otherwise it is read here, one query, only when the state depends on it.
    `archive_state_expression` is the same rule in SQL: keep the two together.
    """
    if source.snapshot_id or source.archived_url:
        return ArchiveStatus(ArchiveState.ARCHIVED, source, None if latest is _UNREAD else latest)
    if latest is _UNREAD:
        latest = (
            ArchiveAttempt.objects.filter(source_id=source.pk)
            .order_by("-requested_at", "-pk")
            .first()
            if source.pk
            else None
        )
    if _has_exemption(source):
        return ArchiveStatus(ArchiveState.EXEMPT, source, latest)
    outcome = latest.outcome if latest is not None else None
    state = {
        ArchiveAttempt.Outcome.QUEUED: ArchiveState.QUEUED,
        ArchiveAttempt.Outcome.FAILED: ArchiveState.FAILED,
    }.get(outcome, ArchiveState.NONE)
    return ArchiveStatus(state, source, latest)


def archive_state_expression():
    """`archive_state` as an SQL expression over sources: annotate a list with it.

    `Source.objects.annotate(archive_state=archive_state_expression())`;
    `SourceQuerySet.missing_archive()` filters on it.
    """
    blank_exemption = Q(archive_exemption="") | Q(archive_exemption__regex=r"^\s*$")
    newest = (
        ArchiveAttempt.objects.filter(source=OuterRef("pk"))
        .order_by("-requested_at", "-pk")
        .annotate(
            as_state=Case(
                When(outcome=ArchiveAttempt.Outcome.QUEUED, then=Value(ArchiveState.QUEUED.value)),
                When(outcome=ArchiveAttempt.Outcome.FAILED, then=Value(ArchiveState.FAILED.value)),
                default=Value(ArchiveState.NONE.value),
                output_field=CharField(),
            )
        )
        .values("as_state")[:1]
    )
    return Case(
        When(
            Q(snapshot__isnull=False) | ~Q(archived_url=""),
            then=Value(ArchiveState.ARCHIVED.value),
        ),
        When(~blank_exemption, then=Value(ArchiveState.EXEMPT.value)),
        default=Coalesce(
            Subquery(newest, output_field=CharField()), Value(ArchiveState.NONE.value)
        ),
        output_field=CharField(),
    )


# Making a copy -------------------------------------------------------------------
