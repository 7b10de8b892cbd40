"""Filters for the firm and site lists (the CSV and JSON twins use them too)."""

import django_filters
from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from derived.models import FirmClaimFact
from evidence.models import ClaimType, Confidence
from hub import search
from hub.listing import Facet, ordering_labels

from .countries import COUNTRY_CHOICES
from .models import (
    DesignationStanding,
    Firm,
    FirmKind,
    Ownership,
    Region,
    Relationship,
    SanctionsDesignation,
    Sector,
    Site,
    Stage,
)
from .querysets import designation_standing_expression

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
YES_NO_UNKNOWN = [*YES_NO, ("unknown", _("Unknown"))]
# Sort orders: (field name, parameter).
FIRM_SORT = (
    ("name_en", "name"),
    ("stage", "stage"),
    ("claim_count", "claims"),
    ("public_id", "id"),
)
SITE_SORT = (
    ("name_en", "name"),
    ("region", "region"),
    ("kind", "kind"),
    ("claim_count", "claims"),
    ("public_id", "id"),
)


def sector_choices():
    # A callable, so that the choices are read per request (and in its language), not at import.
    return sorted(
        ((sector.slug, sector.label) for sector in Sector.objects.only("slug", "name", "name_uk")),
        key=lambda choice: choice[1],
    )


class FirmFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="filter_text", max_length=200)
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))
    kind = django_filters.ChoiceFilter(choices=FirmKind.choices, label=_("Kind"))
    ownership = django_filters.ChoiceFilter(choices=Ownership.choices, label=_("Ownership"))
    sector = django_filters.ChoiceFilter(
        field_name="sectors__slug", choices=sector_choices, label=_("Sector")
    )
    country = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES, label=_("Country"))
    designation = django_filters.ChoiceFilter(
        choices=DesignationStanding.choices, method="filter_designation", label=_("Designations")
    )
    european = django_filters.ChoiceFilter(
        choices=YES_NO_UNKNOWN, method="filter_european", label=_("Present in European markets")
    )
    region = django_filters.ChoiceFilter(
        choices=Region.choices, method="filter_claims", label=_("Region of activity")
    )
    claim_type = django_filters.ChoiceFilter(
        choices=ClaimType.choices, method="filter_claims", label=_("Claim type")
    )
    confidence = django_filters.ChoiceFilter(
        choices=Confidence.choices, method="filter_claims", label=_("Confidence")
    )
    sort = django_filters.OrderingFilter(
        fields=FIRM_SORT,
        field_labels=ordering_labels(
            FIRM_SORT,
            {"name": _("Name"), "stage": _("Stage"), "claims": _("Claims"), "id": _("Id")},
        ),
        label=_("Sort by"),
        empty_label=_("Default order"),
    )

    class Meta:
        model = Firm
        fields = []

    def filter_text(self, queryset, name, value):
        return search.filter_list(self, queryset, value)

    def filter_designation(self, queryset, name, value):
        return queryset.alias(standing=designation_standing_expression()).filter(standing=value)

    def filter_european(self, queryset, name, value):
        if value == "unknown":
            return queryset.filter(european_presence__isnull=True)
        return queryset.filter(european_presence=(value == "yes"))

    def filter_claims(self, queryset, name, value):
        # By the firms' claim facts, which say the same as their published claims.
        return queryset.with_claim_facts(name, value)


def counts_of_claim_facts(queryset, facets):
    """Firms per region, type and grade of their published claims, for the facets at once."""
    names = [facet.name for facet in facets]
    rows = (
        FirmClaimFact.objects.filter(facet__in=names, firm__in=queryset.values("pk"))
        .order_by()
        .values_list("facet", "value")
        .annotate(n=Count("firm"))
    )
    counts = {name: {} for name in names}
    for facet, value, n in rows:
        counts[facet][value] = n
    return counts, None  # a firm has claims in several regions: no total


def claim_fact_facet(name):
    """A facet counted from the firms' claim facts (alone when its filter is in use)."""
    facet = Facet(name, together=counts_of_claim_facts)
    facet.count = lambda queryset: counts_of_claim_facts(queryset, [facet])[0][name]
    return facet


def counted_firms():
    """The public firms, as the facets count them (their designation standing to group by)."""
    return Firm.objects.public().annotate(standing=designation_standing_expression())


def firm_facets():
    return [
        Facet("stage"),
        Facet("kind"),
        Facet("ownership"),
        Facet("sector", column="sectors__slug"),
        Facet("country"),
        Facet("designation", column="standing"),
        Facet(
            "european",
            column="european_presence",
            values={"True": "yes", "False": "no", "": "unknown"},
        ),
        claim_fact_facet("region"),
        claim_fact_facet("claim_type"),
        claim_fact_facet("confidence"),
    ]


class SiteFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or place"), method="filter_text", max_length=200)
    kind = django_filters.ChoiceFilter(choices=Site.Kind.choices, label=_("Kind"))
    region = django_filters.ChoiceFilter(choices=Region.choices, label=_("Region"))
    coordinate_precision = django_filters.ChoiceFilter(
        choices=Site.Precision.choices, label=_("Location precision")
    )
    operating_status = django_filters.ChoiceFilter(
        choices=Site.OperatingStatus.choices, label=_("Operating status")
    )
    firm = django_filters.CharFilter(
        method="filter_firm", label=_("Firm identifier"), max_length=16, widget=forms.HiddenInput
    )
    sort = django_filters.OrderingFilter(
        fields=SITE_SORT,
        field_labels=ordering_labels(
            SITE_SORT,
            {
                "name": _("Name"),
                "region": _("Region"),
                "kind": _("Kind"),
                "claims": _("Claims"),
                "id": _("Id"),
            },
        ),
        label=_("Sort by"),
        empty_label=_("Default order"),
    )

    class Meta:
        model = Site
        fields = []

    def filter_text(self, queryset, name, value):
        return search.filter_list(self, queryset, value)

    def filter_firm(self, queryset, name, value):
        # From the firms' stored sites, not from their claims (seconds at scale).
        return queryset.linked_to_firm(public_id=value)


def site_facets():
    return [
        Facet("kind"),
        Facet("region"),
        Facet("coordinate_precision"),
        Facet("operating_status"),
    ]


class RelationshipFilter(django_filters.FilterSet):
    """The relationships download (/relationships.csv): by firm at either end, by kind."""

    firm = django_filters.CharFilter(method="filter_firm", max_length=16, label=_("Firm"))
    kind = django_filters.ChoiceFilter(choices=Relationship.Kind.choices, label=_("Kind"))
    sort = django_filters.OrderingFilter(
        fields=(("public_id", "id"),), empty_label=_("Default order")
    )

    class Meta:
        model = Relationship
        fields = []

    def filter_firm(self, queryset, name, value):
        return queryset.filter(Q(source_firm__public_id=value) | Q(target_firm__public_id=value))


class DesignationFilter(django_filters.FilterSet):
    """The sanctions download (/sanctions.csv): by firm, by authority."""

    firm = django_filters.CharFilter(field_name="firm__public_id", max_length=16, label=_("Firm"))
    kind = django_filters.ChoiceFilter(choices=SanctionsDesignation.Kind.choices, label=_("Kind"))
    authority = django_filters.ChoiceFilter(
        choices=SanctionsDesignation.Authority.choices, label=_("Authority")
    )
    sort = django_filters.OrderingFilter(
        fields=(("public_id", "id"), ("listed_on", "listed")), empty_label=_("Default order")
    )

    class Meta:
        model = SanctionsDesignation
        fields = []


class SiteMapFilter(django_filters.FilterSet):
    """The map's own filters: what kind of site, and which firms' claims tie to it."""

    kind = django_filters.ChoiceFilter(choices=Site.Kind.choices, label=_("Kind"))
    stage = django_filters.ChoiceFilter(
        choices=Stage.choices, label=_("Stage of a firm at the site"), method="filter_stage"
    )
    firm = django_filters.ChoiceFilter(
        choices=[], label=_("Firm at the site"), method="filter_firm"
    )

    class Meta:
        model = Site
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from derived.models import FirmSite

        firms = (
            Firm.objects.public()
            .filter(pk__in=FirmSite.objects.values("firm_id"))
            .order_by("name_en")
            .values_list("public_id", "name_en")
        )
        self.filters["firm"].extra["choices"] = list(firms)

    def filter_stage(self, queryset, name, value):
        from derived.models import FirmSite

        return queryset.filter(pk__in=FirmSite.objects.filter(firm__stage=value).values("site_id"))

    def filter_firm(self, queryset, name, value):
        return queryset.linked_to_firm(public_id=value)
