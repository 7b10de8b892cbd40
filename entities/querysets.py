"""Named reads of firms, relationships and sites.

Views, exports and tests call these methods rather than building querysets
themselves, so that every page reads the same rows with the same joins and
a fixed number of queries.
"""

from django.db.models import Case, CharField, Exists, F, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone

from hub import search
from hub.models import PublicRecordQuerySet, Status


class FirmQuerySet(search.SearchableQuerySet):
    def with_claim_facts(self, facet, value):
        """Firms with at least one published claim whose `facet` (region, ...) is `value`."""
        from derived.models import FirmClaimFact

        return self.filter(
            Exists(FirmClaimFact.objects.filter(firm=OuterRef("pk"), facet=facet, value=value))
        )

    def with_designation_standing(self):
        """`designation_standing`: what the firm's public designations are (DesignationStanding)."""
        return self.annotate(designation_standing=designation_standing_expression())

    def for_list(self):
        from .models import Sector

        # Into a list attribute: prefetched into `sectors` itself, Django built a
        # related manager and a queryset for each firm, a sixth of the list's time.
        sectors = Prefetch("sectors", Sector.objects.order_by("name"), to_attr="listed_sectors")
        return self.with_designation_standing().prefetch_related(sectors)

    def for_profile(self):
        from .models import Relationship, SanctionsDesignation

        return self.prefetch_related(
            "sectors",
            Prefetch(
                "designations",
                queryset=SanctionsDesignation.objects.public().select_related("source"),
                to_attr="public_designations",
            ),
            Prefetch(
                "relationships_out",
                queryset=Relationship.objects.for_display(),
                to_attr="public_relationships_out",
            ),
            Prefetch(
                "relationships_in",
                queryset=Relationship.objects.for_display(),
                to_attr="public_relationships_in",
            ),
        )


def designation_standing_expression():
    """A firm's DesignationStanding in SQL, from its public designations and today's date.

    The strongest kind in force (sanction, export control, trade restriction,
    other), else "ended" when it only has ended ones, else "none": the hub
    records none, which is not a statement that there is none.
    """
    from .models import SanctionsDesignation
    from .vocabularies import DesignationStanding

    designations = SanctionsDesignation.objects.public().filter(firm=OuterRef("pk"))
    in_force = designations.in_force()
    order = [
        DesignationStanding.SANCTION,
        DesignationStanding.EXPORT_CONTROL,
        DesignationStanding.TRADE_RESTRICTION,
        DesignationStanding.OTHER,
    ]
    return Case(
        *[When(Exists(in_force.filter(kind=kind.value)), then=Value(kind.value)) for kind in order],
        When(Exists(designations), then=Value(DesignationStanding.ENDED.value)),
        default=Value(DesignationStanding.NONE.value),
        output_field=CharField(choices=DesignationStanding.choices),
    )


def designation_jurisdiction_expression():
    """A designation's jurisdiction in SQL: its authority's, or the one it states."""
    from .vocabularies import AUTHORITY_JURISDICTION

    return Case(
        *[
            When(authority=authority, then=Value(code))
            for authority, code in AUTHORITY_JURISDICTION.items()
        ],
        default=F("jurisdiction"),
        output_field=CharField(),
    )


class DesignationQuerySet(PublicRecordQuerySet):
    def public_rows(self):
        """Public designations of public firms (see PublicRecordQuerySet.public_rows)."""
        return self.public().filter(firm__status=Status.PUBLISHED)

    def of_public_firms(self):
        """The rows of the sanctions list and downloads, with their firm and source joined in."""
        return self.public_rows().select_related("firm", "source")

    def in_force(self):
        """Designations in force today: not ended, or ending on a later date."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=timezone.localdate()))

    def ended(self):
        return self.filter(ended_on__lte=timezone.localdate())


class RelationshipQuerySet(PublicRecordQuerySet):
    def public_rows(self):
        """Public relationships whose both ends are public (see PublicRecordQuerySet.public_rows)."""
        return self.public().filter(
            source_firm__status=Status.PUBLISHED, target_firm__status=Status.PUBLISHED
        )

    def for_display(self):
        """The relationships the public sees (public_rows), with the firms joined in."""
        return self.public_rows().select_related("source_firm", "target_firm")

    def for_profile(self):
        # Imported here: evidence's models import this app's models.
        from evidence.models import Citation

        return self.select_related("source_firm", "target_firm").prefetch_related(
            Prefetch(
                "citations",
                queryset=Citation.objects.public().for_display(),
                to_attr="public_citations",
            )
        )


class SiteQuerySet(search.SearchableQuerySet):
    def for_list(self):
        # The claims of each site are a stored column (derived.claim_counts).
        return self

    def linked_to_firm(self, firm=None, *, public_id=None):
        """Sites that a published claim ties to `firm` (or the firm `public_id`), from FirmSite."""
        from derived.models import FirmSite

        pairs = FirmSite.objects.filter(
            **({"firm": firm} if public_id is None else {"firm__public_id": public_id})
        )
        return self.filter(pk__in=pairs.values("site_id"))
