"""Sites in the occupied territories where firms are reported to work."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from hub.models import (
    DatePrecision,
    PublicRecord,
    format_partial_date,
    public_id_constraint,
    ukrainian_text,
)

from .. import places
from ..querysets import SiteQuerySet

# Re-exported: the vocabularies are part of this module's interface.
from ..vocabularies import (  # noqa: F401
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
    description_uk = ukrainian_text(_("description (Ukrainian)"))
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
