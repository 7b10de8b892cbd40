"""Filters for the claim and source lists (the CSV and JSON twins use them too)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from entities.models import Region, Stage
from hub import search
from hub.listing import Facet, ordering_labels

from .models import Citation, Claim, ClaimType, Confidence, Reliability, Source, SourceKind

LANGUAGE_CHOICES = [
    ("en", _("English")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("zh", _("Chinese")),
]

# Sort orders: (field name, parameter).
CLAIM_SORT = (("date_start", "date"), ("claim_type", "type"), ("public_id", "id"))
SOURCE_SORT = (
    ("title", "title"),
    ("published_on", "published"),
    ("claim_count", "claims"),
    ("public_id", "id"),
)


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Text"), method="filter_text", max_length=200)
    claim_type = django_filters.ChoiceFilter(choices=ClaimType.choices, label=_("Type"))
    confidence = django_filters.ChoiceFilter(choices=Confidence.choices, label=_("Confidence"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))
    region = django_filters.ChoiceFilter(choices=Region.choices, label=_("Region"))
    # ISO dates in every language, as the labels say (Ukrainian would show 31.12.2024).
    date_from = django_filters.DateFilter(
        field_name="date_start",
        lookup_expr="gte",
        label=_("From (YYYY-MM-DD)"),
        widget=forms.DateInput(format="%Y-%m-%d"),
    )
    date_to = django_filters.DateFilter(
        field_name="date_start",
        lookup_expr="lte",
        label=_("Until (YYYY-MM-DD)"),
        widget=forms.DateInput(format="%Y-%m-%d"),
    )
    firm = django_filters.CharFilter(
        field_name="firms__public_id",
        label=_("Firm identifier"),
        max_length=16,
        widget=forms.HiddenInput,
    )
    site = django_filters.CharFilter(
        field_name="sites__public_id",
        label=_("Site identifier"),
        max_length=16,
        widget=forms.HiddenInput,
    )
    source = django_filters.CharFilter(
        method="filter_source",
        label=_("Source identifier"),
        max_length=16,
        widget=forms.HiddenInput,
    )
    sort = django_filters.OrderingFilter(
        fields=CLAIM_SORT,
        field_labels=ordering_labels(
            CLAIM_SORT, {"date": _("Date"), "type": _("Type"), "id": _("Id")}
        ),
        label=_("Sort by"),
        empty_label=_("Default order"),
    )

    class Meta:
        model = Claim
        fields = []

    def filter_text(self, queryset, name, value):
        return search.filter_list(self, queryset, value)

    def filter_source(self, queryset, name, value):
        citations = Citation.objects.public().filter(claim=OuterRef("pk"), source__public_id=value)
        return queryset.filter(Exists(citations))


def claim_facets():
    return [Facet("claim_type"), Facet("confidence"), Facet("stage"), Facet("region")]


class SourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Title or publisher"), method="filter_text", max_length=200
    )
    kind = django_filters.ChoiceFilter(choices=SourceKind.choices, label=_("Kind"))
    reliability = django_filters.ChoiceFilter(choices=Reliability.choices, label=_("Reliability"))
    language = django_filters.ChoiceFilter(choices=LANGUAGE_CHOICES, label=_("Language"))
    sort = django_filters.OrderingFilter(
        fields=SOURCE_SORT,
        field_labels=ordering_labels(
            SOURCE_SORT,
            {
                "title": _("Title"),
                "published": pgettext_lazy("date of publication", "Published"),
                "claims": _("Claims"),
                "id": _("Id"),
            },
        ),
        label=_("Sort by"),
        empty_label=_("Default order"),
    )

    class Meta:
        model = Source
        fields = []

    def filter_text(self, queryset, name, value):
        return search.filter_list(self, queryset, value)


def source_facets():
    return [Facet("kind"), Facet("reliability"), Facet("language")]


class CitationFilter(django_filters.FilterSet):
    claim = django_filters.CharFilter(field_name="claim__public_id", max_length=16)
    source = django_filters.CharFilter(field_name="source__public_id", max_length=16)
    relationship = django_filters.CharFilter(field_name="relationship__public_id", max_length=16)
    sort = django_filters.OrderingFilter(
        fields=(("public_id", "id"),), empty_label=_("Default order")
    )

    class Meta:
        model = Citation
        fields = []
