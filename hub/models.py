"""What every public record of the hub has in common.

The hub holds its published state in the live rows: a row the public may see
has ``status = published``. New rows start as drafts; a withdrawn row keeps
its identifier and a tombstone, and is never deleted. The abstract base below
gives each public model the same identifier, status and bookkeeping fields,
and its queryset the same ``public()`` entry point, so that no view can
forget the status filter.
"""

import datetime
import functools
import re

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.encoding import force_str
from django.utils.formats import date_format
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .constraint_checks import OneQueryChecks
from .text import TextRules


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DatePrecision(models.TextChoices):
    """How much of a date is known: "2024" is stored as 2024-01-01 + YEAR."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


LOWERCASE_MONTH_LANGUAGES = {"uk"}


def ukrainian_text(verbose_name):
    """The hub's Ukrainian text beside an English field (`<field>_uk`), read by `{% translated %}`."""
    return models.TextField(
        verbose_name,
        blank=True,
        help_text=_(
            "The hub's Ukrainian text; empty shows the English, marked as not yet translated."
        ),
    )


def format_partial_date(value, precision):
    """Render a date only as precisely as it is known, in the active language.

    "2024", "March 2024" (березень 2024), "12 March 2024" (12 березня 2024 р.).
    """
    if value is None:
        return ""
    if type(value) is not datetime.date:
        # Not remembered: aware datetimes compare equal as instants, yet
        # their days (the text) can differ.
        return _partial_date_text.__wrapped__(value, precision, get_language())
    return _partial_date_text(value, precision, get_language())


# A profile page formats hundreds of dates, mostly the same few, and each
# format cost more than the rest of the page's line: the text depends only
# on the date, its precision and the language, so it is remembered by them.
@functools.lru_cache(maxsize=4096)
def _partial_date_text(value, precision, language):
    if precision == DatePrecision.YEAR:
        return date_format(value, "Y")
    if precision == DatePrecision.MONTH:
        text = date_format(value, "YEAR_MONTH_FORMAT")
        # Django's Ukrainian month names are capitalised for calendar headings;
        # in running text a Ukrainian month is a common noun: березень 2024.
        if language in LOWERCASE_MONTH_LANGUAGES:
            text = text[:1].lower() + text[1:]
        return text
    return date_format(value, "DATE_FORMAT")


@receiver(setting_changed)
def _forget_remembered_text(**kwargs):
    # Settings change only in tests (the formats, the URL configuration), and
    # then what was remembered under the old ones no longer holds.
    _partial_date_text.cache_clear()
    _detail_url_around_id.cache_clear()


class PublicRecordQuerySet(models.QuerySet):
    def public(self):
        """Rows the public may see as live records."""
        return self.filter(status=Status.PUBLISHED)

    def public_rows(self):
        """The rows of the model's public list and of its table in every download.

        The one rule the lists, their CSV and JSON twins, the record JSON and
        the data package all read their rows by. Here every public record; a
        model whose records hang on others narrows it to those whose others
        are public too (a citation, a relationship, a designation).
        """
        return self.public()

    def reachable(self):
        """Rows that have a public page: published ones, and withdrawn ones as tombstones."""
        return self.filter(status__in=[Status.PUBLISHED, Status.WITHDRAWN])


class PublicRecord(OneQueryChecks, TextRules):
    """Abstract base: a stable public identifier, a status and its history."""

    # Subclasses set the letter(s) their identifiers start with, e.g. "F".
    ID_PREFIX = ""
    # The URL name of the record's page; it takes the public identifier.
    DETAIL_URL_NAME = ""

    public_id = models.CharField(
        _("identifier"),
        max_length=16,
        unique=True,
        help_text=_("Stable public identifier; never changed or reused."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    merged_into = models.CharField(
        _("merged into"),
        max_length=16,
        blank=True,
        help_text=_("Identifier of the record of the same kind this one was merged into."),
    )
    # The number of the published update that last changed this record (set
    # only by editorial.publishing.publish_update).
    last_update = models.PositiveIntegerField(_("last changed in update"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicRecordQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["public_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.WITHDRAWN) | ~Q(withdrawn_reason=""),
                name="%(app_label)s_%(class)s_withdrawal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(merged_into="") | Q(status=Status.WITHDRAWN),
                name="%(app_label)s_%(class)s_merged_means_withdrawn",
            ),
            # Drafts have never been published; everything public came through an update.
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(last_update__isnull=False),
                name="%(app_label)s_%(class)s_public_came_through_an_update",
            ),
        ]

    def __str__(self):
        return self.public_id

    def get_absolute_url(self):
        if not (isinstance(self.public_id, str) and PLAIN_PUBLIC_ID.fullmatch(self.public_id)):
            return reverse(self.DETAIL_URL_NAME, args=[self.public_id])
        # A profile links hundreds of records: a full reverse() each cost more
        # than the rest of the link. The identifier goes into the URL as is
        # (reverse() would not quote these characters either).
        head, tail = _detail_url_around_id(
            self.DETAIL_URL_NAME, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
        )
        return f"{head}{self.public_id}{tail}"

    def _get_FIELD_display(self, field):  # noqa: N802 (the name Django calls)
        # What get_FOO_display() runs. Django's own rebuilds the field's
        # {value: label} dict on each call, translating every label to hash
        # it; a profile page calls it hundreds of times. The labels stay lazy
        # here, so each call still gives the active language's.
        value = getattr(self, field.attname)
        label = choice_labels(field).get(make_hashable(value), value)
        return force_str(label, strings_only=True)

    @property
    def is_public(self):
        return self.status == Status.PUBLISHED


# Identifiers as the hub issues them (F0001, SRC25001, CIT000123): characters
# that a URL carries unquoted and that the <str:public_id> converters accept.
PLAIN_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]+")
# Stands for the identifier in a reversed URL; quoted as %00, so that it
# cannot be confused with any other part of the URL.
_ID_MARK = "\x00"


@functools.lru_cache(maxsize=64)
def _detail_url_around_id(url_name, urlconf, script_prefix):
    """The parts of a detail URL before and after the identifier.

    Keyed by the URL configuration and the script prefix (the site may be
    served under a path), which are what reverse() reads besides the name.
    """
    url = reverse(url_name, args=[_ID_MARK], urlconf=urlconf)
    head, _mark, tail = url.partition("%00")
    return head, tail


@functools.cache
def choice_labels(field):
    """A field's {value: label}, labels untranslated (lazy), built once per field.

    Keys are make_hashable(value). Django's get_FOO_display() rebuilds this on
    every call; pages and changelogs show hundreds of labels.
    """
    return {make_hashable(value): label for value, label in field.flatchoices}


def public_id_constraint(prefix, model_name):
    """Identifiers of a table all start with its letter(s): F0001, S0001, ..."""
    return models.CheckConstraint(
        condition=Q(public_id__startswith=prefix), name=f"{model_name}_public_id_prefix"
    )
