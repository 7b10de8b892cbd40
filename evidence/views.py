from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from hub.listing import ListSpec, render_list
from hub.records import tombstone_or

from .filters import CitationFilter, ClaimFilter, SourceFilter, claim_facets, source_facets
from .footnotes import footnoted_claims
from .models import Citation, Claim, Source

CLAIM_LIST = ListSpec(
    table="claims",
    template="evidence/claim_list.html",
    filterset_class=ClaimFilter,
    queryset=lambda: Claim.objects.public().for_list(),
    facets=claim_facets,
)
SOURCE_LIST = ListSpec(
    table="sources",
    template="evidence/source_list.html",
    filterset_class=SourceFilter,
    queryset=lambda: Source.objects.public().for_list(),
    facets=source_facets,
)
# Citations have no page of their own, only the CSV and JSON twins.
CITATION_LIST = ListSpec(
    table="citations",
    template="",
    filterset_class=CitationFilter,
    queryset=lambda: Citation.objects.public().of_public_records(),
)


@require_safe
def claim_list(request):
    return render_list(request, CLAIM_LIST)


@require_safe
@tombstone_or(Claim.objects.for_display())
def claim_detail(request, claim):
    (claim,), footnotes = footnoted_claims([claim])
    return render(request, "evidence/claim_detail.html", {"claim": claim, "footnotes": footnotes})


@require_safe
def source_list(request):
    return render_list(request, SOURCE_LIST)


@require_safe
@tombstone_or(Source.objects.all())
def source_detail(request, source):
    citations = Citation.objects.public().of_public_records().filter(source=source)
    return render(
        request, "evidence/source_detail.html", {"source": source, "citations": citations}
    )


@require_safe
@tombstone_or(Citation.objects.select_related("claim", "relationship"))
def citation_detail(request, citation):
    """A citation's permanent URL: the footnote on the page of what it supports."""
    return redirect(f"{citation.target.get_absolute_url()}#{citation.public_id}")
