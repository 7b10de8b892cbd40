"""The map of sites, the network of firms and the dataset timeline."""

from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .charts import claims_over_time
from .filters import SiteMapFilter
from .models import Firm, Relationship, Site
from .network import around, whole_network
from .visual import connected_to, site_map

FIRM_ID_MAX_LENGTH = 16
# The dataset timeline draws claims one by one up to this many; the charts count them all.
TIMELINE_CLAIMS = 400


@require_safe
def site_map_page(request):
    """Every public site the map can place, filtered by kind, firm stage or firm."""
    sites = Site.objects.public().order_by("region", "name_en", "public_id")
    filterset = SiteMapFilter(request.GET or None, queryset=sites)
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        status = 400
    elif filterset.is_bound:
        sites = filterset.qs
    return render(
        request,
        "entities/site_map.html",
        {"map": site_map(sites), "filterset": filterset},
        status=status,
    )


@require_safe
def network_page(request):
    """Every public relationship, or with ?firm=F0001 the part of the network around one firm."""
    relationships = list(Relationship.objects.for_display().for_profile().order_by("public_id"))
    focus = None
    firm_id = request.GET.get("firm", "").strip()
    if firm_id:
        if len(firm_id) > FIRM_ID_MAX_LENGTH:
            raise Http404("No such firm")
        focus = Firm.objects.public().filter(public_id=firm_id).first()
        if focus is None:
            raise Http404("No such firm")
        relationships = connected_to(relationships, focus.public_id)
        firms = {focus.pk: focus}
        for relationship in relationships:
            firms[relationship.source_firm.pk] = relationship.source_firm
            firms[relationship.target_firm.pk] = relationship.target_firm
        graph = around(relationships, list(firms.values()), focus=focus.public_id)
    else:
        graph = whole_network(relationships)
    return render(
        request,
        "entities/network.html",
        {"relationships": relationships, "graph": graph, "focus": focus},
    )


@require_safe
def timeline_page(request):
    """Every claim on one axis (up to TIMELINE_CLAIMS, the latest first), then the yearly counts."""
    from evidence.models import Citation, Claim

    claims = list(
        Claim.objects.public()
        .for_list()
        .prefetch_related(
            Prefetch(
                "citations",
                queryset=Citation.objects.public().for_display(),
                to_attr="public_citations",
            )
        )
        .order_by(F("date_start").desc(nulls_last=True), "-public_id")[:TIMELINE_CLAIMS]
    )
    return render(
        request,
        "entities/timeline.html",
        {
            "charts": claims_over_time(),
            "claims": claims,
            "capped": len(claims) == TIMELINE_CLAIMS,
            "cap": TIMELINE_CLAIMS,
        },
    )
