"""Sanctions designations and export controls recorded against a firm."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.models import (
    PublicRecord,
    public_id_constraint,
)

from ..querysets import DesignationQuerySet

# Re-exported: the vocabularies are part of this module's interface.
from ..vocabularies import (  # noqa: F401
    AUTHORITY_JURISDICTION,
    STAGE_EXPLANATIONS,
    Authority,
    CoordinatePrecision,
    DesignationKind,
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
from .firms import Firm


class SanctionsDesignation(PublicRecord):
    """A listing of a firm by an authority: a sanction, an export control, a trade restriction.

    The kind says which, so that an export control (the US Entity List) is never
    shown as a sanction; an ended listing keeps its end date.
    """

    ID_PREFIX = "D"
    DETAIL_URL_NAME = "entities:designation_detail"

    Authority = Authority
    Kind = DesignationKind

    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="designations")
    kind = models.CharField(
        _("kind"), max_length=20, choices=DesignationKind.choices, default=DesignationKind.OTHER
    )
    authority = models.CharField(_("authority"), max_length=12, choices=Authority.choices)
    jurisdiction = models.CharField(
        _("jurisdiction"),
        max_length=2,
        blank=True,
        help_text=_(
            "ISO 3166-1 alpha-2 code (EU for the European Union) of an authority not listed; "
            "the listed authorities' own is implied."
        ),
    )
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
                condition=Q(kind__in=DesignationKind.values), name="designation_kind_valid"
            ),
            # A listed authority implies its jurisdiction; another authority states one.
            models.CheckConstraint(
                condition=Q(jurisdiction="", authority__in=list(AUTHORITY_JURISDICTION))
                | Q(authority="other", jurisdiction__regex=r"^[A-Z]{2}$"),
                name="designation_jurisdiction_stated",
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
        if self.authority == Authority.OTHER and not self.jurisdiction:
            errors["jurisdiction"] = "Give the jurisdiction of an authority not listed."
        elif self.authority != Authority.OTHER and self.jurisdiction:
            errors["jurisdiction"] = "Leave it empty: the authority's jurisdiction is implied."
        if errors:
            raise ValidationError(errors)

    @property
    def jurisdiction_code(self):
        return AUTHORITY_JURISDICTION.get(self.authority) or self.jurisdiction

    @property
    def is_active(self):
        """In force today: not ended, or ending on a later date."""
        return self.ended_on is None or self.ended_on > timezone.localdate()
