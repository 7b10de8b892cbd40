"""Sources, the claims drawn from them, and the citations that tie the two.

A Claim is one checkable statement. It is never public without a Citation
saying where in which Source it comes from (page, paragraph, timestamp or
quote); the citation's locator is required by a database constraint, and the
"at least one citation" rule, which spans rows, is checked when records are
published (see `evidence.checks`).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from entities.models import Region, Stage
from hub.models import (
    DatePrecision,
    PublicRecord,
    format_partial_date,
    public_id_constraint,
    ukrainian_text,
)

from .archiving import SourceCheck, SourceSnapshot  # noqa: F401 (models of this app)
from .querysets import CitationQuerySet, ClaimQuerySet, SourceQuerySet
from .reply import ReplyChannel, ResponseStance


class SourceKind(models.TextChoices):
    NGO_REPORT = "ngo_report", _("NGO report")
    MEDIA = "media", _("Media")
    OCCUPATION_STATEMENT = "occupation_statement", _("Occupation-authority statement")
    CORPORATE_FILING = "corporate_filing", _("Corporate filing")
    ACADEMIC = "academic", _("Academic research")
    TRADE_DATA = "trade_data", _("Trade data")
    SOCIAL_MEDIA = "social_media", _("Social media")
    GOVERNMENT = "government", _("Government or regulator")
    REGISTER = "register", _("Official register or listing")


class Reliability(models.TextChoices):
    A = "A", _("A · established, independent, with a record of accuracy")
    B = "B", _("B · generally reliable; not independently verified here")
    C = "C", _("C · interested party: used for what it says of itself")
    D = "D", _("D · unverified or anonymous")


class Source(PublicRecord):
    ID_PREFIX = "SRC"
    DETAIL_URL_NAME = "evidence:source_detail"

    Kind = SourceKind

    Reliability = Reliability

    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=255)
    author = models.CharField(_("author"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    archived_url = models.URLField(_("archived copy"), max_length=1000, blank=True)
    published_on = models.DateField(_("published"), null=True, blank=True)
    published_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    accessed_on = models.DateField(_("accessed"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, help_text=_("BCP 47 code: en, uk, ru, zh …")
    )
    reliability = models.CharField(
        _("reliability grade"), max_length=1, choices=Reliability.choices
    )
    description = models.TextField(_("description"), blank=True)
    description_uk = ukrainian_text(_("description (Ukrainian)"))
    # The hub's own briefings and reports: shown as such on every footnote, and
    # never counted as independent corroboration (evidence.confidence).
    hub_publication = models.BooleanField(
        _("published by the hub itself"),
        default=False,
        help_text=_("The hub's own briefing or report: it never corroborates a claim."),
    )
    # Derived, never edited: the published claims it has, written when an update
    # changes them (derived.claim_counts), so that the list sorts by it at any size.
    claim_count = models.PositiveIntegerField(default=0, editable=False)
    # Independence of sources (evidence.confidence): a source that relays
    # another (quotes it, summarises it, copies it) is derived from it.
    derived_from = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="derivatives",
        blank=True,
        verbose_name=_("derived from"),
        help_text=_("Sources this one relays, quotes or copies: it is not independent of them."),
    )
    issuer = models.ForeignKey(
        "entities.Firm",
        on_delete=models.PROTECT,
        related_name="own_sources",
        null=True,
        blank=True,
        verbose_name=_("issued by the firm"),
        help_text=_("The firm whose own filing, statement or website this is, if any."),
    )
    # The archived copy: a snapshot the hub holds, an external archive, or
    # the recorded reason why there is neither yet.
    snapshot = models.ForeignKey(
        SourceSnapshot,
        on_delete=models.PROTECT,
        related_name="sources",
        null=True,
        blank=True,
        verbose_name=_("snapshot"),
    )
    archive_exemption = models.CharField(
        _("why there is no archived copy"),
        max_length=300,
        blank=True,
        help_text=_('Shown publicly, e.g. "Printed document; no online copy".'),
    )

    objects = SourceQuerySet.as_manager()

    class Meta(PublicRecord.Meta):
        constraints = [
            *PublicRecord.Meta.constraints,
            public_id_constraint("SRC", "source"),
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="source_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(reliability__in=Reliability.values),
                name="source_reliability_valid",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="source_has_title"),
        ]
        indexes = [
            models.Index(fields=["kind", "status"]),
            # Performance: every filter and sort of the source list.
            models.Index(fields=["reliability"]),
            models.Index(fields=["language"]),
            models.Index(fields=["published_on"]),
            models.Index(fields=["status", "title", "public_id"]),
            models.Index(fields=["claim_count"]),
        ]

    def __str__(self):
        return self.title

    @property
    def published_display(self):
        return format_partial_date(self.published_on, self.published_precision)


class ClaimType(models.TextChoices):
    EQUIPMENT_SUPPLY = "equipment_supply", _("Equipment supply")
    SERVICING = "servicing", _("Servicing")
    FINANCE = "finance", _("Finance and payments")
    TELECOM = "telecom", _("Telecom")
    INVESTMENT = "investment", _("Investment or partnership")
    NETWORK = "network", _("Network membership")
    LOGISTICS = "logistics", _("Logistics and transit")
    PRESENCE = "presence", _("Presence")


class Confidence(models.TextChoices):
    # The stored code "single_source" is kept (it is in published downloads
    # and filter URLs); the level is called "reported".
    CONFIRMED = "confirmed", _("Confirmed")
    SINGLE_SOURCE = "single_source", _("Reported")
    # Resting only on the hub's own publications: what the hub found, which no
    # outside source has yet been cited for.
    HUB_FINDING = "hub_finding", _("Hub finding, not independently confirmed")
    ALLEGED = "alleged", _("Alleged")
    DISPUTED = "disputed", _("Disputed")


class CitationStance(models.TextChoices):
    SUPPORTS = "supports", _("Supports the claim")
    HEDGED = "hedged", _('Reports it with reservations ("reportedly")')
    DISPUTES = "disputes", _("Disputes the claim")


class Claim(PublicRecord):
    ID_PREFIX = "C"
    DETAIL_URL_NAME = "evidence:claim_detail"

    Type = ClaimType

    Confidence = Confidence

    statement = models.TextField(_("statement"))
    statement_uk = ukrainian_text(_("statement (Ukrainian)"))
    claim_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    firms = models.ManyToManyField("entities.Firm", related_name="claims", blank=True)
    sites = models.ManyToManyField("entities.Site", related_name="claims", blank=True)
    region = models.CharField(
        _("occupied region"), max_length=20, choices=Region.choices, blank=True
    )
    date_start = models.DateField(_("date"), null=True, blank=True)
    date_end = models.DateField(_("until"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    stage = models.PositiveSmallIntegerField(
        _("engagement stage"), choices=Stage.choices, null=True, blank=True
    )
    # The grade publishing stores: the override if there is one, else the
    # grade computed from the evidence (evidence.confidence).
    confidence = models.CharField(
        _("confidence"),
        max_length=16,
        choices=Confidence.choices,
        default=Confidence.ALLEGED,
        help_text=_("Computed from the evidence when the claim is published."),
    )
    confidence_override = models.CharField(
        _("confidence set by the editors"),
        max_length=16,
        choices=Confidence.choices,
        blank=True,
        help_text=_("Leave empty to use the grade the evidence gives."),
    )
    confidence_override_reason = models.TextField(_("reason for the override"), blank=True)
    figure_low = models.DecimalField(
        _("figure"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    figure_high = models.DecimalField(
        _("figure (upper bound)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    figure_unit = models.CharField(_("unit of the figure"), max_length=60, blank=True)
    # Right of reply (evidence.reply): whether, when and how the firm was
    # asked, and what it answered. The reply status is derived, never stored.
    reply_contacted_on = models.DateField(_("firm contacted on"), null=True, blank=True)
    reply_channel = models.CharField(
        _("contacted through"), max_length=10, choices=ReplyChannel.choices, blank=True
    )
    reply_language = models.CharField(
        _("language of the request"), max_length=8, blank=True, help_text=_("BCP 47 code")
    )
    reply_deadline = models.DateField(_("deadline for a response"), null=True, blank=True)
    firm_response = models.TextField(_("the firm's response"), blank=True)
    firm_response_date = models.DateField(_("response date"), null=True, blank=True)
    firm_response_url = models.URLField(_("response URL"), max_length=1000, blank=True)
    firm_response_stance = models.CharField(
        _("the response"), max_length=12, choices=ResponseStance.choices, blank=True
    )

    objects = ClaimQuerySet.as_manager()

    class Meta(PublicRecord.Meta):
        constraints = [
            *PublicRecord.Meta.constraints,
            public_id_constraint("C", "claim"),
            models.CheckConstraint(
                condition=Q(claim_type__in=ClaimType.values), name="claim_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(confidence__in=Confidence.values),
                name="claim_confidence_valid",
            ),
            models.CheckConstraint(
                condition=Q(region="") | Q(region__in=Region.values),
                name="claim_region_valid",
            ),
            models.CheckConstraint(
                condition=Q(stage__isnull=True) | Q(stage__in=Stage.values),
                name="claim_stage_valid",
            ),
            models.CheckConstraint(
                condition=Q(date_end__isnull=True)
                | (Q(date_start__isnull=False) & Q(date_end__gte=F("date_start"))),
                name="claim_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(figure_high__isnull=True)
                | (Q(figure_low__isnull=False) & Q(figure_high__gte=F("figure_low"))),
                name="claim_figure_range_ordered",
            ),
            models.CheckConstraint(condition=~Q(statement=""), name="claim_has_statement"),
            models.CheckConstraint(
                condition=Q(confidence_override="")
                | (
                    Q(confidence_override__in=Confidence.values) & ~Q(confidence_override_reason="")
                ),
                name="claim_confidence_override_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(reply_channel="") | Q(reply_channel__in=ReplyChannel.values),
                name="claim_reply_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(firm_response_stance="")
                | Q(firm_response_stance__in=ResponseStance.values),
                name="claim_response_stance_valid",
            ),
            # A deadline is set when the firm is contacted, and falls after it.
            models.CheckConstraint(
                condition=Q(reply_deadline__isnull=True)
                | (
                    Q(reply_contacted_on__isnull=False)
                    & Q(reply_deadline__gte=F("reply_contacted_on"))
                ),
                name="claim_reply_deadline_after_contact",
            ),
            # How the firm answered only makes sense once there is an answer.
            models.CheckConstraint(
                condition=Q(firm_response_stance="")
                | ~Q(firm_response="")
                | ~Q(firm_response_url=""),
                name="claim_response_stance_needs_response",
            ),
        ]
        indexes = [
            models.Index(fields=["claim_type", "status"]),
            models.Index(fields=["region", "status"]),
            models.Index(fields=["confidence"]),
            models.Index(fields=["date_start"]),
            # Performance: the stage filter, the sorts (ties broken by id).
            models.Index(fields=["stage"]),
            models.Index(fields=["date_start", "id"]),
            models.Index(fields=["claim_type", "id"]),
            # The home page's latest claims, read backwards.
            models.Index(fields=["created_at", "public_id"], name="claim_latest"),
        ]

    def __str__(self):
        return f"{self.public_id}: {self.statement[:80]}"

    def clean(self):
        super().clean()
        if self.confidence_override and not self.confidence_override_reason.strip():
            raise ValidationError(
                {"confidence_override_reason": _("Give the reason for overriding the grade.")}
            )

    @property
    def when(self):
        start = format_partial_date(self.date_start, self.date_precision)
        end = format_partial_date(self.date_end, self.date_precision)
        return f"{start} – {end}" if end else start

    @property
    def figure(self):
        if self.figure_low is None:
            return ""
        text = _plain_number(self.figure_low)
        if self.figure_high is not None:
            text = f"{text}–{_plain_number(self.figure_high)}"
        return f"{text} {self.figure_unit}".strip()


def _plain_number(value):
    """6000.00 -> "6000", 8.50 -> "8.5" (in Ukrainian "8,5"): no trailing zeros.

    Localised for pages; the exports write the raw decimal, not this text.
    """
    return number_format(Decimal(f"{Decimal(value).normalize():f}"))


class Citation(PublicRecord):
    """Where in a source a claim (or a relationship between firms) is supported."""

    ID_PREFIX = "CIT"
    DETAIL_URL_NAME = "evidence:citation_detail"

    Stance = CitationStance

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="citations", null=True, blank=True
    )
    relationship = models.ForeignKey(
        "entities.Relationship",
        on_delete=models.PROTECT,
        related_name="citations",
        null=True,
        blank=True,
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    locator = models.CharField(
        _("locator"),
        max_length=255,
        help_text=_("Where in the source: page, paragraph, timestamp or section."),
    )
    quote = models.TextField(_("quote"), blank=True)
    # The quote in English when the source is not: the hub's own translation,
    # and labelled so wherever it is shown.
    quote_translation = models.TextField(
        _("English translation of the quote"),
        blank=True,
        help_text=_("The hub's translation, when the quote is not in English."),
    )
    quote_translation_uk = models.TextField(
        _("Ukrainian translation of the quote"),
        blank=True,
        help_text=_("The hub's translation, when the quote is not in Ukrainian."),
    )
    note = models.TextField(_("note"), blank=True)
    note_uk = ukrainian_text(_("note (Ukrainian)"))
    stance = models.CharField(
        _("stance"),
        max_length=10,
        choices=CitationStance.choices,
        default=CitationStance.SUPPORTS,
        help_text=_("Whether the source supports the claim, hedges it, or disputes it."),
    )

    objects = CitationQuerySet.as_manager()

    class Meta(PublicRecord.Meta):
        constraints = [
            *PublicRecord.Meta.constraints,
            public_id_constraint("CIT", "citation"),
            models.CheckConstraint(condition=~Q(locator=""), name="citation_has_locator"),
            models.CheckConstraint(
                condition=Q(stance__in=CitationStance.values), name="citation_stance_valid"
            ),
            # A citation supports exactly one thing: a claim or a relationship.
            models.CheckConstraint(
                condition=(
                    Q(claim__isnull=False, relationship__isnull=True)
                    | Q(claim__isnull=True, relationship__isnull=False)
                ),
                name="citation_has_one_target",
            ),
        ]

    @property
    def target(self):
        return self.claim or self.relationship
