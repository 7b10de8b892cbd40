from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from derived import tally
from hub.canonical import query_params
from hub.listing import ListSpec, render_list
from hub.records import tombstone_or

from .confidence import applicable_rule, evidence_of_displayed_claim
from .filters import CitationFilter, ClaimFilter, SourceFilter, claim_facets, source_facets
from .footnotes import footnoted_claims
from .models import Citation, Claim, Source
from .reply import ReplyStatus

# A snapshot is someone else's file: it is served so that it can never run
# as a page of the hub (downloaded, not sniffed, and sandboxed if opened).
SNAPSHOT_CSP = "sandbox; default-src 'none'"

CLAIM_LIST = ListSpec(
    table="claims",
    template="evidence/claim_list.html",
    filterset_class=ClaimFilter,
    queryset=lambda: Claim.objects.public_rows().for_list(),
    facets=claim_facets,
    tally=tally,
    # As many as the list's pages show (hub.listing.MAX_PAGES of HUB_PAGE_SIZE).
    count_cap=10_000,
)
SOURCE_LIST = ListSpec(
    table="sources",
    template="evidence/source_list.html",
    filterset_class=SourceFilter,
    queryset=lambda: Source.objects.public_rows().for_list(),
    facets=source_facets,
    counted=lambda: Source.objects.public_rows(),
)
# Citations have no page of their own, only the CSV and JSON twins.
CITATION_LIST = ListSpec(
    table="citations",
    template="",
    filterset_class=CitationFilter,
    queryset=lambda: Citation.objects.of_public_records(),
)


@require_safe
@query_params(spec=CLAIM_LIST)
def claim_list(request):
    return render_list(request, CLAIM_LIST)


@require_safe
@query_params()
@tombstone_or(Claim.objects.for_display())
def claim_detail(request, claim):
    (claim,), footnotes = footnoted_claims([claim])
    context = {"claim": claim, "footnotes": footnotes, "ReplyStatus": ReplyStatus}
    if claim.is_public:
        # Why the claim has its grade: the rule its evidence meets.
        context["rule"] = applicable_rule(evidence_of_displayed_claim(claim))
    return render(request, "evidence/claim_detail.html", context)


@require_safe
@query_params(spec=SOURCE_LIST)
def source_list(request):
    return render_list(request, SOURCE_LIST)


@require_safe
@query_params()
@tombstone_or(Source.objects.for_profile())
def source_detail(request, source):
    citations = Citation.objects.of_public_records().filter(source=source)
    return render(
        request, "evidence/source_detail.html", {"source": source, "citations": citations}
    )


@require_safe
@tombstone_or(Citation.objects.select_related("claim", "relationship"))
def citation_detail(request, citation):
    """A citation's permanent URL: the footnote on the page of what it supports."""
    return redirect(f"{citation.target.get_absolute_url()}#{citation.public_id}", permanent=True)


@require_safe
def source_snapshot(request, public_id):
    """The archived copy of a published source, as an attachment that cannot run here."""
    source = get_object_or_404(
        Source.objects.public().select_related("snapshot"), public_id=public_id
    )
    snapshot = source.snapshot
    if snapshot is None:
        raise Http404("This source has no snapshot.")
    try:
        handle = snapshot.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The snapshot file is missing.") from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{source.public_id}-{snapshot.sha256[:12]}{snapshot.extension}",
        content_type=snapshot.media_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SNAPSHOT_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Digest"] = f"sha-256={snapshot.sha256}"
    return response
