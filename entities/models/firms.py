"""Firms and the sectors they work in."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hub.models import (
    PublicRecord,
    public_id_constraint,
    ukrainian_text,
)
from hub.text import TextRules

from .. import identifiers
from ..countries import COUNTRY_CHOICES
from ..querysets import FirmQuerySet

# Re-exported: the vocabularies are part of this module's interface.
from ..vocabularies import (  # noqa: F401
    STAGE_EXPLANATIONS,
    Authority,
    CoordinatePrecision,
    DesignationStanding,
    FirmKind,
    OccupationStatus,
    OperatingStatus,
    Ownership,
    Region,
    RelationshipKind,
    SiteKind,
    Stage,
)


class Sector(TextRules):
    """A controlled vocabulary of economic sectors (mining machinery, telecom, ...)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def label(self):
        """The name in the reader's language: the Ukrainian one where recorded, else English."""
        if self.name_uk and (get_language() or "").split("-")[0] == "uk":
            return self.name_uk
        return self.name


class Firm(PublicRecord):
    ID_PREFIX = "F"
    DETAIL_URL_NAME = "entities:firm_detail"
    # The name fields and their languages (aliases: any script), for latin_names.
    NAME_LANGUAGES = {"name_zh": "zh", "name_ru": "ru", "name_uk": "uk", "aliases": ""}

    Kind = FirmKind

    Ownership = Ownership

    name_en = models.CharField(_("name (English)"), max_length=255)
    name_zh = models.CharField(_("name (Chinese)"), max_length=255, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=255, blank=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=255, blank=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    aliases = models.TextField(_("aliases"), blank=True, help_text=_("One name per line."))
    # Derived, for search only: the Latin transliterations of the non-Latin names
    # and aliases (hub.transliteration.latin_names), written when a record is
    # published (editorial.publishing.apply.apply_change). Never edited, never exported.
    latin_names = models.TextField(_("transliterated names"), blank=True, editable=False)
    identified = models.BooleanField(
        _("identified"),
        default=True,
        help_text=_("False for a firm the sources describe but do not name."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    ownership = models.CharField(
        _("ownership"),
        max_length=20,
        choices=Ownership.choices,
        default=Ownership.UNKNOWN,
    )
    exchange = models.CharField(_("stock exchange"), max_length=100, blank=True)
    ticker = models.CharField(_("ticker"), max_length=20, blank=True)
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        default="CN",
        choices=COUNTRY_CHOICES,
        help_text=_("Country of registration (ISO 3166-1 alpha-2); empty when unknown."),
    )
    # Each identifier is checked against its check characters (entities/identifiers.py).
    uscc = models.CharField(
        _("Unified Social Credit Code"),
        max_length=18,
        blank=True,
        validators=[identifiers.validate_uscc],
    )
    lei = models.CharField(
        _("LEI"), max_length=20, blank=True, validators=[identifiers.validate_lei]
    )
    inn = models.CharField(
        _("Russian INN"), max_length=12, blank=True, validators=[identifiers.validate_inn]
    )
    ogrn = models.CharField(
        _("Russian OGRN"), max_length=15, blank=True, validators=[identifiers.validate_ogrn]
    )
    website = models.URLField(_("website"), blank=True)
    sectors = models.ManyToManyField(Sector, related_name="firms", blank=True)
    stage = models.PositiveSmallIntegerField(
        _("engagement stage"), choices=Stage.choices, null=True, blank=True
    )
    european_presence = models.BooleanField(
        _("present in European markets"),
        null=True,
        blank=True,
        help_text=_("Empty when unknown."),
    )
    european_presence_note = models.TextField(_("European presence, details"), blank=True)
    european_presence_note_uk = ukrainian_text(_("European presence, details (Ukrainian)"))
    # Readers see "Yes" only with this claim, published (european_presence_shown);
    # without one a recorded True still reads "Not established".
    european_presence_claim = models.ForeignKey(
        "evidence.Claim",
        on_delete=models.PROTECT,
        related_name="european_presence_of",
        null=True,
        blank=True,
        verbose_name=_("claim supporting the European presence"),
    )
    description = models.TextField(_("description"), blank=True)
    description_uk = ukrainian_text(_("description (Ukrainian)"))
    # Derived, never edited: the firm's published claims, written with its claim
    # facts (derived.firm_facts), so that the list shows and sorts by it at any size.
    claim_count = models.PositiveIntegerField(default=0, editable=False)

    objects = FirmQuerySet.as_manager()

    class Meta(PublicRecord.Meta):
        ordering = ["name_en", "public_id"]
        constraints = [
            *PublicRecord.Meta.constraints,
            public_id_constraint("F", "firm"),
            models.CheckConstraint(condition=Q(kind__in=FirmKind.values), name="firm_kind_valid"),
            models.CheckConstraint(
                condition=Q(ownership__in=Ownership.values), name="firm_ownership_valid"
            ),
            models.CheckConstraint(
                condition=Q(stage__isnull=True) | Q(stage__in=Stage.values),
                name="firm_stage_valid",
            ),
            models.CheckConstraint(
                condition=~Q(ownership="listed") | ~Q(ticker=""),
                name="firm_listed_has_ticker",
            ),
            models.CheckConstraint(condition=~Q(name_en=""), name="firm_has_english_name"),
            models.CheckConstraint(
                # european_presence is nullable: NULL = true would let the check pass.
                condition=Q(european_presence_claim__isnull=True)
                | Q(european_presence__isnull=False, european_presence=True),
                name="firm_presence_claim_only_for_yes",
            ),
            models.UniqueConstraint(
                fields=["uscc"], condition=~Q(uscc=""), name="firm_uscc_unique"
            ),
            models.UniqueConstraint(fields=["lei"], condition=~Q(lei=""), name="firm_lei_unique"),
            models.UniqueConstraint(fields=["inn"], condition=~Q(inn=""), name="firm_inn_unique"),
        ]
        indexes = [
            models.Index(fields=["stage", "status"]),
            models.Index(fields=["kind"]),
            # Every filter and sort of the firm list (README "Performance").
            models.Index(fields=["ownership"]),
            models.Index(fields=["country"]),
            models.Index(fields=["european_presence"]),
            models.Index(fields=["status", "name_en", "public_id"]),
            models.Index(fields=["claim_count"]),
            # And, on PostgreSQL, firm_facet_columns (entities migration 0012).
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.short_name or self.name_en

    @property
    def designation_standing_label(self):
        """What the list says of its designations (annotated: with_designation_standing)."""
        return DesignationStanding(self.designation_standing).label

    @property
    def european_presence_shown(self):
        """The published claim that makes the European presence a "Yes", or None: not established."""
        claim = self.european_presence_claim
        if self.european_presence and claim is not None and claim.is_public:
            return claim
        return None

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def other_names(self):
        """Names in other scripts, labelled by language, for profiles and search hits."""
        names = [("zh", _("Chinese"), self.name_zh), ("ru", _("Russian"), self.name_ru)]
        names.append(("uk", _("Ukrainian"), self.name_uk))
        return [(code, label, name) for code, label, name in names if name]

    @property
    def identifiers(self):
        pairs = [
            (_("Unified Social Credit Code"), self.uscc),
            (_("LEI"), self.lei),
            (_("INN"), self.inn),
            (_("OGRN"), self.ogrn),
        ]
        return [(label, value) for label, value in pairs if value]
