"""Corrections, staged changes and numbered updates.

Nothing here changes published data by itself: `editorial.publishing` is the
only code that does, and it does so only inside `publish_update`, which
applies a set of staged `Change`s in one transaction and records them as
the numbered `Update`'s changelog.

Private data (a submitter's name, email, and a keyed hash of their IP
address; staff notes) lives in its own tables, which no public page,
export or feed reads.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.text import TextRules


class Update(TextRules):
    """A published, numbered release of the dataset. Rows exist only once published."""

    number = models.PositiveIntegerField(unique=True)
    summary = models.CharField(_("summary"), max_length=255)
    notes = models.TextField(_("notes"), blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A client-chosen key: retrying a publish whose outcome is unknown with
    # the same key returns the update already made instead of a second one.
    idempotency_key = models.CharField(max_length=64, unique=True)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    # A generated data set for load testing (`manage.py generate_synthetic`):
    # every page and export showing its records says so.
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-number"]
        permissions = [("publish_update", "Can publish an update")]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="update_number_positive")
        ]

    def __str__(self):
        return f"Update {self.number}"

    def get_absolute_url(self):
        return reverse("editorial:update_detail", args=[self.number])


class Change(TextRules):
    """One staged change to one record; once published, one line of a changelog."""

    class Action(models.TextChoices):
        CREATE = "create", _("Added")
        EDIT = "edit", _("Changed")
        WITHDRAW = "withdraw", _("Withdrawn")
        MERGE = "merge", _("Merged")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")

    action = models.CharField(max_length=10, choices=Action.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    # Denormalised so that a changelog reads without joining every table.
    public_id = models.CharField(max_length=16)
    label = models.CharField(max_length=255, help_text=_("What the record was called."))
    # For an edit: {field: new value} as `editorial.values` serialises them.
    # For a withdrawal or merge: the reason; for a merge, the record it goes into.
    proposed = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    merge_into = models.CharField(max_length=16, blank=True)
    # Filled when published: [{"field", "before", "after"}], the exact diff.
    diff = models.JSONField(default=list, blank=True)
    correction = models.ForeignKey(
        "Correction", on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    update = models.ForeignKey(
        Update, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        permissions = [("stage_change", "Can stage changes to records")]
        indexes = [
            models.Index(fields=["state"]),
            models.Index(fields=["content_type", "object_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(state="published") & Q(update__isnull=False))
                | (~Q(state="published") & Q(update__isnull=True)),
                name="change_published_iff_in_an_update",
            ),
            models.CheckConstraint(
                condition=~Q(action__in=["withdraw", "merge"]) | ~Q(reason=""),
                name="change_withdrawal_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(action="merge") | ~Q(merge_into=""), name="change_merge_has_target"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.public_id}"

    @property
    def readable_diff(self):
        """The diff with field names and values as readers read them (editorial.values)."""
        from . import values

        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        return values.readable_diff(model, self.diff)


def new_tracking_token():
    return secrets.token_urlsafe(32)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class CorrectionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("In review")
    NEEDS_INFO = "needs_info", _("Needs information")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    DUPLICATE = "duplicate", _("Duplicate")
    PUBLISHED = "published", _("Published")


class Correction(TextRules):
    """A suggestion from anyone, about a record or about nothing in particular."""

    Status = CorrectionStatus

    OPEN = [Status.RECEIVED, Status.IN_REVIEW, Status.NEEDS_INFO]
    DECIDED = [Status.ACCEPTED, Status.DECLINED, Status.DUPLICATE, Status.PUBLISHED]

    number = models.PositiveIntegerField(unique=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_public_id = models.CharField(max_length=16, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    what_is_wrong = models.TextField(_("what is wrong"))
    proposed_fix = models.TextField(_("the proposed fix"))
    evidence = models.TextField(_("evidence (URLs)"), blank=True)
    right_of_reply = models.BooleanField(_("I represent the firm concerned"), default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    public_response = models.TextField(_("public response"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Only the hash is stored: the link itself is shown once, to the submitter.
    token_hash = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    published_in = models.ForeignKey(
        Update, on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )

    class Meta:
        ordering = ["-number"]
        permissions = [("moderate_correction", "Can moderate corrections")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CorrectionStatus.values),
                name="correction_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="duplicate") | Q(duplicate_of__isnull=False),
                name="correction_duplicate_names_original",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_in__isnull=False),
                name="correction_published_names_update",
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("editorial:correction_log") + f"#{self.reference}"

    @property
    def reference(self):
        return f"COR-{self.number:05d}"


def ip_hash_expiry():
    """When a submitter's IP hash, stored now, is to be emptied."""
    return timezone.now() + timedelta(days=settings.HUB_IP_HASH_DAYS)


class CorrectionContact(TextRules):
    """A submitter's private details: never shown, exported or logged."""

    correction = models.OneToOneField(Correction, on_delete=models.CASCADE, related_name="contact")
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    # HMAC of the address (hub.clientip.ip_hash), kept until ip_hash_expires_at;
    # purge_contact_data empties it then, and removes the row after
    # HUB_CONTACT_RETENTION_DAYS.
    ip_hash = models.CharField(max_length=64, blank=True)
    ip_hash_expires_at = models.DateTimeField(null=True, blank=True, default=ip_hash_expiry)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        permissions = [("view_contact_details", "Can see submitters' contact details")]
        indexes = [models.Index(fields=["created_at"]), models.Index(fields=["ip_hash_expires_at"])]

    def __str__(self):
        return f"Contact for {self.correction}"


class Transition(models.Model):
    """Every status change of a correction: who, when, from, to."""

    correction = models.ForeignKey(Correction, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.correction}: {self.from_status or '—'} → {self.to_status}"

    def get_to_status_display(self):
        return Correction.Status(self.to_status).label


class StaffNote(TextRules):
    """A private note on a correction, for staff only."""

    correction = models.ForeignKey(Correction, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self):
        return f"Note on {self.correction} by {self.author}"


class ImportJob(models.Model):
    """One spreadsheet import (editorial.imports): its file, its progress and its report.

    A job first runs as a dry run; confirming it runs the same file again
    with `commit` set, which stages the changes. Large files run in a
    background thread, which updates `processed` as it goes.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        CRASHED = "crashed", _("Stopped by an error")

    table = models.CharField(max_length=20)
    filename = models.CharField(max_length=255)
    # The uploaded file, kept so that a dry run can be confirmed without
    # uploading it again; emptied once the committing run has finished.
    data = models.BinaryField(blank=True)
    commit = models.BooleanField(default=False, help_text=_("False: a dry run."))
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    bad_rows = models.PositiveIntegerField(default=0)
    # {"rows": [per-row outcome], "errors": [{"row", "reason"}], "counts": {...}, "staged": n}
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self):
        return f"Import {self.pk} ({self.table}, {self.filename})"
