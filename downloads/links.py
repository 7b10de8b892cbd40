"""The link tables as list downloads (/claim_firms.csv?claim=C0001), like every other table.

They have no page of their own: a claim's page shows its firms and sites, a
source's page the sources it relays.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from evidence.models import Claim, Source
from hub.listing import ListSpec

from .tables import BY_NAME


def _filter(path, label):
    return django_filters.CharFilter(field_name=path, max_length=16, label=label)


class ClaimFirmFilter(django_filters.FilterSet):
    claim = _filter("claim__public_id", _("Claim"))
    firm = _filter("firm__public_id", _("Firm"))

    class Meta:
        model = Claim.firms.through
        fields = []


class ClaimSiteFilter(django_filters.FilterSet):
    claim = _filter("claim__public_id", _("Claim"))
    site = _filter("site__public_id", _("Site"))

    class Meta:
        model = Claim.sites.through
        fields = []


class SourceRelayFilter(django_filters.FilterSet):
    source = _filter("from_source__public_id", _("Source"))
    relayed_source = _filter("to_source__public_id", _("Relayed source"))

    class Meta:
        model = Source.derived_from.through
        fields = []


LINK_LISTS = [
    ListSpec(
        table=name,
        template="",
        filterset_class=filterset,
        queryset=BY_NAME[name].public_queryset,
    )
    for name, filterset in [
        ("claim_firms", ClaimFirmFilter),
        ("claim_sites", ClaimSiteFilter),
        ("source_relays", SourceRelayFilter),
    ]
]
