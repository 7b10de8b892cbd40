"""Firms, the relationships between them, the sites they work at, sanctions.

A firm or site is described once, in every script it is known by, with the
identifiers that let a reader match it to a register. Whatever the hub says
*about* a firm (that it supplied, financed, joined) is a Claim in the
evidence app, with its citations; this app only holds who and where.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hub.models import (
    DatePrecision,
    PublicRecord,
    format_partial_date,
    public_id_constraint,
)

from . import identifiers, places
from .countries import COUNTRY_CHOICES
from .querysets import DesignationQuerySet, FirmQuerySet, RelationshipQuerySet, SiteQuerySet

# Re-exported: the vocabularies are part of this module's interface.
from .vocabularies import (  # noqa: F401
    STAGE_EXPLANATIONS,
    Authority,
    CoordinatePrecision,
    FirmKind,
    OccupationStatus,
    OperatingStatus,
    Ownership,
    Region,
    RelationshipKind,
    SiteKind,
    Stage,
)


class Sector(models.Model):
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
    description = models.TextField(_("description"), blank=True)
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


class SanctionsDesignation(PublicRecord):
    """A listing of a firm by a sanctions authority; an ended listing keeps its end date."""

    ID_PREFIX = "D"

    Authority = Authority

    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="designations")
    authority = models.CharField(_("authority"), max_length=12, choices=Authority.choices)
    programme = models.CharField(_("programme"), max_length=255)
    listed_on = models.DateField(_("listed on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=255, blank=True)
    reference_url = models.URLField(_("reference URL"), blank=True)
    # The citation: the source that shows the listing, and where in it.
    source = models.ForeignKey(
        "evidence.Source",
        on_delete=models.PROTECT,
        related_name="designations",
        null=True,
        blank=True,
    )
    source_locator = models.CharField(
        _("where in the source"),
        max_length=255,
        blank=True,
        help_text=_("Page, paragraph, entry or section of the source that shows the listing."),
    )

    objects = DesignationQuerySet.as_manager()

    class Meta(PublicRecord.Meta):
        ordering = ["listed_on", "public_id"]
        constraints = [
            *PublicRecord.Meta.constraints,
            public_id_constraint("D", "sanctionsdesignation"),
            models.CheckConstraint(
                condition=Q(authority__in=Authority.values),
                name="designation_authority_valid",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("listed_on")),
                name="designation_ends_after_it_starts",
            ),
            # A public designation is cited: a source and where in it.
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(source__isnull=False) & ~Q(source_locator="")),
                name="designation_public_is_cited",
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if self.source_id is None:
            errors["source"] = "A designation cites its source: choose the source that shows it."
        if not self.source_locator.strip():
            errors["source_locator"] = (
                "Say where in the source the listing is (page, entry or section)."
            )
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return self.firm.get_absolute_url() + "#sanctions"

    @property
    def is_active(self):
        """In force today: not ended, or ending on a later date."""
        return self.ended_on is None or self.ended_on > timezone.localdate()


class Relationship(PublicRecord):
    """A directed tie between two firms: `source_firm` <kind> `target_firm`."""

    ID_PREFIX = "R"
    DETAIL_URL_NAME = "entities:relationship_detail"

    Kind = RelationshipKind

    source_firm = models.ForeignKey(
        Firm, on_delete=models.PROTECT, related_name="relationships_out"
    )
    target_firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="relationships_in")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True)
    start_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end_date = models.DateField(_("until"), null=True, blank=True)
    end_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )

    objects = RelationshipQuerySet.as_manager()

    class Meta(PublicRecord.Meta):
        constraints = [
            *PublicRecord.Meta.constraints,
            public_id_constraint("R", "relationship"),
            models.CheckConstraint(
                condition=Q(kind__in=RelationshipKind.values),
                name="relationship_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(source_firm=models.F("target_firm")),
                name="relationship_not_reflexive",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="relationship_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["source_firm", "target_firm", "kind"],
                name="relationship_unique_edge",
            ),
        ]

    def __str__(self):
        return f"{self.source_firm} — {self.get_kind_display()} — {self.target_firm}"

    @property
    def period(self):
        start = format_partial_date(self.start_date, self.start_precision)
        end = format_partial_date(self.end_date, self.end_precision)
        if start and end:
            return f"{start} – {end}"
        if start:
            return _("since %(date)s") % {"date": start}
        return end and _("until %(date)s") % {"date": end}


class Site(PublicRecord):
    """A place in the occupied territories: a mine, a quarry, a port, a network of masts."""

    ID_PREFIX = "S"
    DETAIL_URL_NAME = "entities:site_detail"
    NAME_LANGUAGES = {
        "name_uk": "uk",
        "name_ru": "ru",
        "aliases": "",
        "locality_uk": "uk",
        "occupation_name": "ru",
    }

    Kind = SiteKind

    Precision = CoordinatePrecision

    OperatingStatus = OperatingStatus

    Occupation = OccupationStatus

    name_en = models.CharField(_("name (English)"), max_length=255)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=255, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=255, blank=True)
    aliases = models.TextField(_("aliases"), blank=True, help_text=_("One name per line."))
    # Derived, for search only: the Latin transliterations of the non-Latin names
    # and aliases (hub.transliteration.latin_names), written when a record is
    # published (editorial.publishing.apply.apply_change). Never edited, never exported.
    latin_names = models.TextField(_("transliterated names"), blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    occupation_name = models.CharField(
        _("occupation-era name"),
        max_length=255,
        blank=True,
        help_text=_(
            "The name the occupation authorities use for the place or its unit, where it "
            "differs from the Ukrainian one."
        ),
    )
    # Where it is, as Ukraine's codifier (KATOTTH) names it: country, oblast, raion, locality.
    country = models.CharField(
        _("country"),
        max_length=2,
        default="UA",
        validators=[places.validate_site_country],
        help_text=_("Always Ukraine (UA): the occupation does not change the country."),
    )
    occupation_status = models.CharField(
        _("occupation status"),
        max_length=12,
        choices=Occupation.choices,
        default=Occupation.OCCUPIED,
    )
    region = models.CharField(_("occupied region"), max_length=20, choices=Region.choices)
    raion = models.CharField(
        _("raion"), max_length=100, blank=True, help_text=_("As in the codifier since 2020.")
    )
    locality = models.CharField(_("locality"), max_length=255, blank=True)
    locality_uk = models.CharField(_("locality (Ukrainian)"), max_length=255, blank=True)
    katotth = models.CharField(
        _("KATOTTH code"),
        max_length=19,
        blank=True,
        validators=[places.validate_katotth],
        help_text=_(
            "Code of the most specific administrative unit known, in Ukraine's codifier "
            "(KATOTTH): UA and 17 digits."
        ),
    )
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(44), MaxValueValidator(53)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(22), MaxValueValidator(41)],
    )
    coordinate_precision = models.CharField(
        _("coordinate precision"),
        max_length=10,
        choices=Precision.choices,
        default=Precision.NONE,
    )
    occupied_since = models.DateField(_("occupied since"), null=True, blank=True)
    occupied_since_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    operating_status = models.CharField(
        _("operating status"),
        max_length=12,
        choices=OperatingStatus.choices,
        default=OperatingStatus.UNKNOWN,
    )
    quantity = models.PositiveIntegerField(
        _("number of installations"),
        null=True,
        blank=True,
        help_text=_("Set when one record stands for many similar installations."),
    )
    description = models.TextField(_("description"), blank=True)
    # Derived, never edited: the published claims it has, written when an update
    # changes them (derived.claim_counts), so that the list sorts by it at any size.
    claim_count = models.PositiveIntegerField(default=0, editable=False)

    objects = SiteQuerySet.as_manager()

    class Meta(PublicRecord.Meta):
        ordering = ["name_en", "public_id"]
        constraints = [
            *PublicRecord.Meta.constraints,
            public_id_constraint("S", "site"),
            models.CheckConstraint(condition=Q(kind__in=SiteKind.values), name="site_kind_valid"),
            models.CheckConstraint(condition=Q(region__in=Region.values), name="site_region_valid"),
            # There is no "Russia" for a place in the occupied territories.
            models.CheckConstraint(condition=Q(country="UA"), name="site_country_is_ukraine"),
            models.CheckConstraint(
                condition=Q(occupation_status__in=OccupationStatus.values),
                name="site_occupation_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(katotth="")
                | (Q(katotth__startswith="UA") & Exact(Length("katotth"), 19)),
                name="site_katotth_shape",
            ),
            # Coordinates come in pairs, inside Ukraine's bounding box, and a
            # site without coordinates says so in its precision.
            models.CheckConstraint(
                condition=(
                    Q(
                        latitude__isnull=True,
                        longitude__isnull=True,
                        coordinate_precision="none",
                    )
                    | Q(
                        # Spelled out: a CHECK on NULL would pass silently.
                        latitude__isnull=False,
                        longitude__isnull=False,
                        latitude__gte=44,
                        latitude__lte=53,
                        longitude__gte=22,
                        longitude__lte=41,
                        coordinate_precision__in=["exact", "locality", "region"],
                    )
                ),
                name="site_coordinates_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["kind"]),
            # Every filter and sort of the site list (README "Performance").
            models.Index(fields=["coordinate_precision"]),
            models.Index(fields=["operating_status"]),
            models.Index(fields=["status", "name_en", "public_id"]),
            models.Index(fields=["claim_count"]),
        ]

    def __str__(self):
        return self.name_en

    def clean(self):
        super().clean()
        if (
            self.katotth
            and places.katotth_parts(self.katotth)
            and self.region
            and not places.katotth_matches_region(self.katotth, self.region)
        ):
            raise ValidationError(
                {
                    "katotth": (
                        f"KATOTTH code: {self.katotth} is not in the site's region "
                        f"({self.get_region_display()})."
                    )
                }
            )

    @property
    def katotth_level(self):
        """The codifier level the code reaches ("oblast level", "raion level", ...) or ""."""
        level = places.katotth_level(self.katotth)
        return places.LEVEL_NAMES[level - 1] if level else ""

    @property
    def other_names(self):
        names = [
            ("uk", _("Ukrainian"), self.name_uk),
            ("ru", _("Russian"), self.name_ru),
        ]
        return [(code, label, name) for code, label, name in names if name]

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def occupied_since_display(self):
        return format_partial_date(self.occupied_since, self.occupied_since_precision)
