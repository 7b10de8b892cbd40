from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from derived.reply import reply_counts
from evidence.footnotes import footnoted_claims
from evidence.models import Claim
from hub.canonical import query_params
from hub.listing import ListSpec, paginate, render_list
from hub.records import tombstone_or

from .filters import (
    DesignationFilter,
    FirmFilter,
    RelationshipFilter,
    SiteFilter,
    counted_firms,
    firm_facets,
    site_facets,
)
from .models import Firm, Relationship, SanctionsDesignation, Site

FIRM_LIST = ListSpec(
    table="firms",
    template="entities/firm_list.html",
    filterset_class=FirmFilter,
    queryset=lambda: Firm.objects.public_rows().for_list(),
    facets=firm_facets,
    counted=counted_firms,
)
# Relationships and designations have no list page of their own (they show on
# firm profiles and the network page), only the CSV and JSON twins.
RELATIONSHIP_LIST = ListSpec(
    table="relationships",
    template="",
    filterset_class=RelationshipFilter,
    queryset=lambda: Relationship.objects.for_display(),
)
DESIGNATION_LIST = ListSpec(
    table="sanctions",
    template="",
    filterset_class=DesignationFilter,
    queryset=lambda: SanctionsDesignation.objects.of_public_firms(),
)
SITE_LIST = ListSpec(
    table="sites",
    template="entities/site_list.html",
    filterset_class=SiteFilter,
    queryset=lambda: Site.objects.public_rows().for_list(),
    facets=site_facets,
    counted=lambda: Site.objects.public_rows(),
)


@require_safe
@query_params(spec=FIRM_LIST)
def firm_list(request):
    return render_list(request, FIRM_LIST)


# A profile shows its claims a page at a time: the firm with the most claims has
# thousands, and a page of all of them took seconds to render.
CLAIMS_PER_PAGE = 50
# The sites listed (and mapped) on a firm's profile; the site list has them all.
SITES_ON_PROFILE = 50


@require_safe
@query_params()
@tombstone_or(Firm.objects.for_profile())
def firm_detail(request, firm):
    claims = Claim.objects.public().about_firm(firm)
    # The page's claims in two steps: their ids, sorted from an index alone
    # (evidence migration 0003), then those 50 claims in full. In one step the
    # database read every claim of the firm in full to sort them.
    page = paginate(
        request,
        claims.in_profile_order().values_list("pk", flat=True),
        CLAIMS_PER_PAGE,
        count=lambda: firm.claim_count,
    )
    shown = claims.for_display().filter(pk__in=list(page)).in_profile_order()
    grouped, footnotes = footnoted_claims(shown, group_by_type=True)
    # One more than are shown, to know whether to link to all of them.
    sites = list(Site.objects.public().linked_to_firm(firm)[: SITES_ON_PROFILE + 1])
    return render(
        request,
        "entities/firm_detail.html",
        {
            "firm": firm,
            "page": page,
            "claim_groups": grouped,
            "footnotes": footnotes,
            "sources": _unique_sources(footnotes),
            # Of all the firm's claims, not only this page's (from its claim facts).
            "reply_counts": reply_counts(firm),
            "sites": sites[:SITES_ON_PROFILE],
            "more_sites": len(sites) > SITES_ON_PROFILE,
        },
    )


@require_safe
@query_params(spec=SITE_LIST)
def site_list(request):
    return render_list(request, SITE_LIST)


@require_safe
@query_params()
@tombstone_or(Site.objects.all())
def site_detail(request, site):
    claims = Claim.objects.public().about_site(site)
    page = paginate(
        request,
        claims.for_display().order_by("date_start", "public_id"),
        CLAIMS_PER_PAGE,
        count=claims.count,
    )
    claims, footnotes = footnoted_claims(page)
    return render(
        request,
        "entities/site_detail.html",
        {
            "site": site,
            "page": page,
            "claims": claims,
            "footnotes": footnotes,
            "sources": _unique_sources(footnotes),
        },
    )


@require_safe
@tombstone_or(Relationship.objects.for_profile())
def relationship_detail(request, relationship):
    if not relationship.source_firm.is_public or not relationship.target_firm.is_public:
        return redirect(relationship.source_firm)
    return render(request, "entities/relationship_detail.html", {"relationship": relationship})


def _unique_sources(footnotes):
    seen = {}
    for note in footnotes:
        seen.setdefault(note.citation.source_id, note.citation.source)
    return sorted(seen.values(), key=lambda source: source.title.casefold())
