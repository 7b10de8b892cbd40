"""Relationships between firms: ownership, membership, partnership."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hub.models import (
    DatePrecision,
    PublicRecord,
    format_partial_date,
    public_id_constraint,
    ukrainian_text,
)

from ..querysets import RelationshipQuerySet

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
from .firms import Firm


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
    description_uk = ukrainian_text(_("description (Ukrainian)"))
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
